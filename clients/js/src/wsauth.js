// @wsauth/client: opens an authenticated WebSocket to a server guarded by WsAuth, with any of its browser methods
// (ticket, subprotocol token, first message, cookie), reconnects with jittered exponential backoff, gets fresh
// credentials when the server says they expired (close 4401), refreshes them in band before they expire, and hides
// WsAuth's control messages from the app. No dependencies; runs in browsers and in Node 20+.
//
// Nothing here ever writes a credential (token, ticket) to an error message, an event or the console.

/** Close codes WsAuth servers send after the upgrade, and the standard ones this client reacts to. */
export const CloseCodes = Object.freeze({
  /** 1000: normal closure. */
  NORMAL: 1000,
  /** 1001: the server is going away (restart, shutdown). */
  GOING_AWAY: 1001,
  /** 1006: the connection failed without a close frame; also what a browser reports for a refused handshake. */
  ABNORMAL: 1006,
  /** 1008: policy violation; a WsAuth server sends it for every rejection when configured so. */
  POLICY_VIOLATION: 1008,
  /** 4400: the server could not understand a control message the client sent. */
  MALFORMED: 4400,
  /** 4401: the credential is invalid or expired (close reason "expired" when it expired). */
  UNAUTHORIZED: 4401,
  /** 4403: a refresh named another subject. */
  FORBIDDEN: 4403,
  /** 4408: the first-message deadline passed before the credential arrived. */
  AUTH_TIMEOUT: 4408,
  /** 4429: too many connections or attempts. */
  TOO_MANY: 4429,
});

/** The marker entry of the marker subprotocol form: `[app protocol, "access_token", token]`. */
export const DEFAULT_MARKER = 'access_token';

/** The prefix of the Kubernetes subprotocol form: `base64url.bearer.authorization.k8s.io.<unpadded base64url>`. */
export const KUBERNETES_PREFIX = 'base64url.bearer.authorization.k8s.io.';

/** The ticket endpoint WsAuth maps by default, relative to the socket's origin. */
export const DEFAULT_TICKET_PATH = '/ws/ticket';

const METHODS = ['cookie', 'ticket', 'subprotocol', 'first-message'];
const TOKEN_METHODS = ['subprotocol', 'first-message'];
const DEFAULT_RECONNECT = Object.freeze({ initialDelay: 1000, maxDelay: 30000, factor: 2, maxAttempts: Infinity, stableAfter: 5000 });
const MIN_REFRESH_DELAY = 1000;
const MAX_TIMER_DELAY = 2147483647; // setTimeout fires at once above 2^31-1 ms
// RFC 7230 tchar: what a Sec-WebSocket-Protocol entry may contain.
const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

/** An error of this client. `code` is stable and machine-readable; the message never contains a credential. */
export class WsAuthError extends Error {
  /**
   * @param {string} code
   * @param {string} message
   * @param {{ status?: number, retryable?: boolean, cause?: unknown }} [details]
   */
  constructor(code, message, details = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'WsAuthError';
    this.code = code;
    this.status = details.status;
    this.retryable = details.retryable === true;
  }
}

/** The `close` event: one per connection attempt that ended, and one when the client stops. */
export class WsAuthCloseEvent extends Event {
  /**
   * @param {{ code: number, reason?: string, wasClean?: boolean, willReconnect: boolean, retryIn?: number | null, error?: WsAuthError | null }} init
   */
  constructor(init) {
    super('close');
    this.code = init.code;
    this.reason = init.reason ?? '';
    this.wasClean = init.wasClean === true;
    this.willReconnect = init.willReconnect;
    this.retryIn = init.retryIn ?? null;
    this.error = init.error ?? null;
  }
}

/** The `error` event. `error` says what failed. */
export class WsAuthErrorEvent extends Event {
  /** @param {WsAuthError} error */
  constructor(error) {
    super('error');
    this.error = error;
    this.message = error.message;
  }
}

/** The `refreshed` and `expiring` events, with the server's view of when the authentication expires. */
export class WsAuthExpiryEvent extends Event {
  /**
   * @param {'refreshed' | 'expiring'} type
   * @param {Date | null} expiresAt
   */
  constructor(type, expiresAt) {
    super(type);
    this.expiresAt = expiresAt;
  }
}

/**
 * Unpadded base64url of the UTF-8 bytes of `text` (RFC 4648 §5 without `=`), as the Kubernetes subprotocol form
 * needs: Chrome refuses `=` in a subprotocol.
 * @param {string} text
 * @returns {string}
 */
export function base64UrlEncode(text) {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }

  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * The `Sec-WebSocket-Protocol` list that carries `token`: the app's protocols first, then the credential entries.
 * @param {string} token
 * @param {readonly string[]} [protocols] the app's own subprotocols, offered first
 * @param {TokenProtocolFormat} [format] `'marker'` (default), `'kubernetes'`, `{ marker }` or `{ prefix }`
 * @returns {string[]}
 */
export function tokenProtocols(token, protocols = [], format = 'marker') {
  const shape = parseTokenProtocolFormat(format);
  if (typeof token !== 'string' || token.length === 0) {
    throw new WsAuthError('no_token', 'The token source returned no token.');
  }

  if (shape.marker !== undefined) {
    if (!HTTP_TOKEN.test(token)) {
      // The token itself is never part of the message.
      throw new WsAuthError(
        'token_not_protocol_safe',
        "The token has characters a subprotocol entry cannot carry (only RFC 7230 token characters are allowed). Use tokenProtocol: 'kubernetes', which base64url-encodes it.");
    }

    return [...protocols, shape.marker, token];
  }

  return [...protocols, shape.prefix + base64UrlEncode(token)];
}

/**
 * `url` with the `ticket` query parameter set (percent-encoded, other parameters kept).
 * @param {string | URL} url
 * @param {string} ticket
 * @returns {string}
 */
export function withTicket(url, ticket) {
  const result = new URL(url);
  result.searchParams.set('ticket', ticket);
  return result.href;
}

/**
 * Resolves `url` (absolute, or relative to the page) to a `ws:`/`wss:` URL; `http:` becomes `ws:` and `https:`
 * becomes `wss:`.
 * @param {string | URL} url
 * @param {string} [base] defaults to the page's location in a browser
 * @returns {URL}
 */
export function resolveSocketUrl(url, base = globalThis.location?.href) {
  let resolved;
  try {
    resolved = base === undefined ? new URL(url) : new URL(url, base);
  } catch (cause) {
    throw new SyntaxError(`Not a WebSocket URL: ${String(url)}. Give an absolute ws:// or wss:// URL outside a browser.`, { cause });
  }

  if (resolved.protocol === 'http:') {
    resolved.protocol = 'ws:';
  } else if (resolved.protocol === 'https:') {
    resolved.protocol = 'wss:';
  }

  if (resolved.protocol !== 'ws:' && resolved.protocol !== 'wss:') {
    throw new SyntaxError(`A WebSocket URL must use ws:, wss:, http: or https:, not ${resolved.protocol}`);
  }

  resolved.hash = '';
  return resolved;
}

/**
 * The delay before reconnect attempt `attempt` (0 for the first): exponential, capped, with "equal jitter", so it
 * lies in [ceiling / 2, ceiling] where ceiling = min(maxDelay, initialDelay * factor^attempt). Never zero, never
 * above maxDelay, and clients that lost the same server spread out.
 * @param {number} attempt
 * @param {{ initialDelay: number, maxDelay: number, factor: number }} options
 * @param {() => number} [random] returns a number in [0, 1)
 * @returns {number} milliseconds
 */
export function backoffDelay(attempt, options, random = Math.random) {
  const ceiling = Math.min(options.maxDelay, options.initialDelay * options.factor ** Math.max(0, attempt));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(ceiling / 2 + (r * ceiling) / 2);
}

/**
 * The WsAuth control message in `data`, or `null` for an application message. Control messages are JSON text
 * frames whose `type` starts with `wsauth.`.
 * @param {unknown} data
 * @returns {{ type: string, expiresAt?: string | null } | null}
 */
export function parseControlMessage(data) {
  if (typeof data !== 'string' || data.length > 4096 || !data.includes('"wsauth.')) {
    return null;
  }

  const start = data.trimStart();
  if (!start.startsWith('{')) {
    return null;
  }

  let message;
  try {
    message = JSON.parse(start);
  } catch {
    return null;
  }

  return message !== null && typeof message === 'object' && !Array.isArray(message)
    && typeof message.type === 'string' && message.type.startsWith('wsauth.')
    ? message
    : null;
}

/**
 * A WebSocket authenticated with WsAuth, which reconnects by itself. Events: `open` (authenticated and ready),
 * `message` (application messages only), `close` (each time a connection ends, with `willReconnect`), `error`,
 * `refreshed` and `expiring`. Starts connecting at once, like `WebSocket`.
 */
export class WsAuthSocket extends EventTarget {
  static CONNECTING = CONNECTING;
  static OPEN = OPEN;
  static CLOSING = CLOSING;
  static CLOSED = CLOSED;

  #url;
  #method;
  #protocols;
  #tokenSource;
  #staticToken;
  #tokenFormat;
  #ticketUrl;
  #ticketRequest;
  #getTicket;
  #waitForAuthenticated;
  #authTimeout;
  #reconnect;
  #maxAuthFailures;
  #refreshBefore;
  #binaryType;
  #WebSocket;
  #fetch;
  #setTimeout;
  #clearTimeout;
  #now;
  #random;

  #readyState = CONNECTING;
  #socket = null;
  #generation = 0;
  #attempt = 0;
  #authFailures = 0;
  #stopped = false;
  #opened = false;
  #openedAt = 0;
  #protocol = '';
  #expiresAt = null;
  #credentialExpiresAt = null;
  #refreshing = false;
  // Per connection: a refresh was sent and not yet confirmed; the end known when it was sent; the end the last
  // wsauth.refreshed confirmed; and whether refreshing stopped moving the end (MaxSessionLength reached).
  #refreshPending = false;
  #refreshBaseline = null;
  #refreshedTo = null;
  #refreshExhausted = false;
  #stopError = null;
  #credentialsRefused = false;
  #reconnectTimer = null;
  #refreshTimer = null;
  #authTimer = null;
  #handlers = { open: null, message: null, close: null, error: null, refreshed: null, expiring: null };

  /**
   * @param {string | URL} url the guarded WebSocket endpoint; relative URLs resolve against the page
   * @param {WsAuthSocketOptions} options
   */
  constructor(url, options) {
    super();
    if (options === null || typeof options !== 'object') {
      throw new TypeError(`WsAuthSocket needs options with a method: ${METHODS.join(', ')}.`);
    }

    if (!METHODS.includes(options.method)) {
      throw new TypeError(`Unknown method ${JSON.stringify(options.method)}: use one of ${METHODS.join(', ')}. (bearer headers are not available to browsers.)`);
    }

    this.#method = options.method;
    this.#url = resolveSocketUrl(url, options.baseUrl);
    this.#protocols = normalizeProtocols(options.protocols);

    if (typeof options.token === 'function') {
      this.#tokenSource = options.token;
    } else if (typeof options.token === 'string' && options.token.length > 0) {
      this.#staticToken = options.token;
    } else if (options.token !== undefined && options.token !== null) {
      throw new TypeError('token must be a non-empty string or a function returning a token or { token, expiresAt }.');
    }

    if (TOKEN_METHODS.includes(this.#method) && this.#tokenSource === undefined && this.#staticToken === undefined) {
      throw new TypeError(`The ${this.#method} method needs a token: a string, or a function returning a token or { token, expiresAt }.`);
    }

    this.#tokenFormat = parseTokenProtocolFormat(options.tokenProtocol ?? 'marker');
    if (this.#method === 'subprotocol' && this.#tokenFormat.prefix !== undefined && this.#protocols.length === 0) {
      // The server may answer an app protocol or a marker, never the token entry; with nothing else offered it must
      // refuse the handshake, as a browser fails one answered without a protocol.
      throw new TypeError('The prefix (Kubernetes) form needs at least one app protocol in options.protocols for the server to answer.');
    }

    if (this.#method === 'subprotocol') {
      for (const protocol of this.#protocols) {
        if (protocol === this.#tokenFormat.marker || (this.#tokenFormat.prefix !== undefined && protocol.startsWith(this.#tokenFormat.prefix))) {
          throw new TypeError(`The app protocol ${JSON.stringify(protocol)} collides with the token entry of the subprotocol method.`);
        }
      }
    }

    if (options.getTicket !== undefined && typeof options.getTicket !== 'function') {
      throw new TypeError('getTicket must be a function returning a ticket.');
    }

    this.#getTicket = options.getTicket;
    const ticketBase = new URL(this.#url.href);
    ticketBase.protocol = ticketBase.protocol === 'wss:' ? 'https:' : 'http:';
    this.#ticketUrl = options.ticketUrl ?? new URL(DEFAULT_TICKET_PATH, ticketBase).href;
    this.#ticketRequest = options.ticketRequest;
    this.#waitForAuthenticated = options.waitForAuthenticated !== false;
    this.#authTimeout = positiveNumber(options.authTimeout, 10000, 'authTimeout');
    this.#reconnect = options.reconnect === false ? null : normalizeReconnect(options.reconnect);
    this.#maxAuthFailures = positiveNumber(options.maxAuthFailures, 3, 'maxAuthFailures');
    this.#refreshBefore = positiveNumber(options.refreshBefore, 60000, 'refreshBefore');
    this.#binaryType = options.binaryType;

    this.#WebSocket = options.WebSocket ?? globalThis.WebSocket;
    if (typeof this.#WebSocket !== 'function') {
      throw new TypeError('No WebSocket implementation: pass options.WebSocket outside a browser.');
    }

    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#setTimeout = options.setTimeout ?? ((callback, delay) => globalThis.setTimeout(callback, delay));
    this.#clearTimeout = options.clearTimeout ?? ((handle) => globalThis.clearTimeout(handle));
    this.#now = options.now ?? (() => Date.now());
    this.#random = options.random ?? Math.random;

    for (const type of Object.keys(this.#handlers)) {
      this.addEventListener(type, (event) => this.#handlers[type]?.call(this, event));
    }

    // Like WebSocket: listeners added right after construction see every event.
    Promise.resolve().then(() => this.#connect('connect'));
  }

  /** The endpoint, without any credential (a ticket is never part of it). */
  get url() {
    return this.#url.href;
  }

  /** The authentication method: `cookie`, `ticket`, `subprotocol` or `first-message`. */
  get method() {
    return this.#method;
  }

  /** CONNECTING (also while waiting to reconnect), OPEN (authenticated), CLOSING or CLOSED (stopped for good). */
  get readyState() {
    return this.#readyState;
  }

  /** The subprotocol the server selected on the current connection; never a token. */
  get protocol() {
    return this.#protocol;
  }

  /** When the server's authentication of this socket expires, as far as the client knows, or `null`. */
  get expiresAt() {
    return this.#expiresAt === null ? null : new Date(this.#expiresAt);
  }

  /** Bytes queued on the current connection. */
  get bufferedAmount() {
    return this.#socket?.bufferedAmount ?? 0;
  }

  get onopen() { return this.#handlers.open; }
  set onopen(handler) { this.#handlers.open = handler; }
  get onmessage() { return this.#handlers.message; }
  set onmessage(handler) { this.#handlers.message = handler; }
  get onclose() { return this.#handlers.close; }
  set onclose(handler) { this.#handlers.close = handler; }
  get onerror() { return this.#handlers.error; }
  set onerror(handler) { this.#handlers.error = handler; }
  get onrefreshed() { return this.#handlers.refreshed; }
  set onrefreshed(handler) { this.#handlers.refreshed = handler; }
  get onexpiring() { return this.#handlers.expiring; }
  set onexpiring(handler) { this.#handlers.expiring = handler; }

  /**
   * Sends an application message on the open, authenticated connection.
   * @param {string | ArrayBufferLike | Blob | ArrayBufferView} data
   * @throws {DOMException} InvalidStateError when the socket is not open (connecting, reconnecting or closed)
   */
  send(data) {
    if (this.#readyState !== OPEN || this.#socket === null) {
      throw new DOMException('The WsAuth socket is not open; wait for the open event.', 'InvalidStateError');
    }

    this.#socket.send(data);
  }

  /**
   * Closes the connection and stops reconnecting for good.
   * @param {number} [code] 1000 or 3000-4999
   * @param {string} [reason]
   */
  close(code = CloseCodes.NORMAL, reason = '') {
    if (this.#stopped) {
      return;
    }

    this.#stopped = true;
    this.#generation++; // a credential request in flight is ignored when it completes
    this.#clearTimers();
    const socket = this.#socket;
    if (socket !== null && socket.readyState < CLOSING) {
      this.#readyState = CLOSING;
      socket.close(code, reason);
      return; // the socket's close event finishes the job
    }

    this.#socket = null;
    this.#readyState = CLOSED;
    queueMicrotask(() => this.dispatchEvent(new WsAuthCloseEvent({ code, reason, wasClean: true, willReconnect: false })));
  }

  // ---- connecting ----------------------------------------------------------------------------------------------

  async #connect(reason) {
    if (this.#stopped) {
      return;
    }

    const generation = ++this.#generation;
    this.#readyState = CONNECTING;
    let attempt;
    try {
      attempt = await this.#prepare(reason);
    } catch (error) {
      if (generation === this.#generation && !this.#stopped) {
        this.#failAttempt(asWsAuthError(error));
      }

      return;
    }

    if (generation !== this.#generation || this.#stopped) {
      return;
    }

    let socket;
    try {
      socket = new this.#WebSocket(attempt.url, attempt.protocols);
    } catch (error) {
      // A SyntaxError here is a configuration problem; trying again would fail the same way.
      this.#failAttempt(new WsAuthError('invalid_socket_arguments', `The WebSocket could not be created: ${error?.name ?? 'Error'}. Check the URL and protocols.`, { cause: error }));
      return;
    }

    if (this.#binaryType !== undefined) {
      socket.binaryType = this.#binaryType;
    }

    this.#socket = socket;
    this.#protocol = '';
    this.#credentialExpiresAt = attempt.expiresAt;
    this.#refreshPending = false;
    this.#refreshBaseline = null;
    this.#refreshedTo = null;
    this.#refreshExhausted = false;
    socket.onopen = () => this.#onSocketOpen(socket, attempt);
    socket.onmessage = (event) => this.#onSocketMessage(socket, event);
    socket.onerror = () => this.#onSocketError(socket);
    socket.onclose = (event) => this.#onSocketClose(socket, event);
  }

  /** Gets fresh credentials for one attempt and builds the URL and protocol list. */
  async #prepare(reason) {
    const url = new URL(this.#url.href);
    let protocols = [...this.#protocols];
    let token = null;
    let expiresAt = null;

    if (this.#method === 'ticket') {
      url.searchParams.set('ticket', await this.#fetchTicket());
    }

    if (TOKEN_METHODS.includes(this.#method)) {
      ({ token, expiresAt } = await this.#getToken(reason));
      if (this.#method === 'subprotocol') {
        protocols = tokenProtocols(token, this.#protocols, this.#tokenFormat.format);
      }
    }

    return { url: url.href, protocols, token, expiresAt };
  }

  async #fetchTicket() {
    let ticket;
    if (this.#getTicket !== undefined) {
      try {
        ticket = await this.#getTicket();
      } catch (cause) {
        throw new WsAuthError('ticket_unavailable', 'getTicket failed.', { retryable: true, cause });
      }
    } else {
      const custom = typeof this.#ticketRequest === 'function' ? await this.#ticketRequest() : (this.#ticketRequest ?? {});
      const init = { method: 'POST', credentials: 'include', cache: 'no-store', ...custom };
      let response;
      try {
        response = await this.#fetch(this.#ticketUrl, init);
      } catch (cause) {
        throw new WsAuthError('ticket_unavailable', 'The ticket endpoint could not be reached.', { retryable: true, cause });
      }

      if (!response.ok) {
        const status = response.status;
        // 401/403: not logged in or not allowed; 404/405/501: no ticket endpoint. Retrying cannot help those.
        const retryable = status === 408 || status === 429 || status >= 500 && status !== 501;
        throw new WsAuthError('ticket_refused', `The ticket endpoint answered ${status}.`, { status, retryable });
      }

      let body;
      try {
        body = await response.json();
      } catch (cause) {
        throw new WsAuthError('ticket_invalid_response', 'The ticket endpoint did not answer JSON.', { status: response.status, cause });
      }

      ticket = body?.ticket;
    }

    if (typeof ticket !== 'string' || ticket.length === 0) {
      throw new WsAuthError('ticket_invalid_response', 'No ticket: expected {"ticket":"...","expiresIn":N}.');
    }

    return ticket;
  }

  /** @returns {Promise<{ token: string, expiresAt: number | null }>} */
  async #getToken(reason) {
    if (this.#tokenSource === undefined) {
      return { token: this.#staticToken, expiresAt: null };
    }

    let result;
    try {
      result = await this.#tokenSource({ reason });
    } catch (cause) {
      throw new WsAuthError('token_unavailable', 'The token source failed.', { retryable: true, cause });
    }

    const token = typeof result === 'string' ? result : result?.token;
    if (typeof token !== 'string' || token.length === 0) {
      // The app's way to say "no credential any more" (logged out): stop rather than retry.
      throw new WsAuthError('no_token', 'The token source returned no token.');
    }

    return { token, expiresAt: typeof result === 'string' ? null : toEpochMs(result.expiresAt) };
  }

  // ---- one connection ------------------------------------------------------------------------------------------

  #onSocketOpen(socket, attempt) {
    if (socket !== this.#socket) {
      return;
    }

    this.#protocol = socket.protocol ?? '';
    if (this.#method !== 'first-message') {
      this.#markOpen(socket, undefined);
      return;
    }

    socket.send(JSON.stringify({ type: 'auth', token: attempt.token }));
    if (!this.#waitForAuthenticated) {
      this.#markOpen(socket, undefined);
      return;
    }

    this.#authTimer = this.#setTimeout(() => {
      this.#authTimer = null;
      if (socket === this.#socket && !this.#opened) {
        this.#emitError(new WsAuthError('auth_timeout', `The server did not confirm the first-message authentication within ${this.#authTimeout} ms.`, { retryable: true }));
        socket.close(CloseCodes.NORMAL, 'auth timeout');
      }
    }, this.#authTimeout);
  }

  #markOpen(socket, serverExpiresAt) {
    this.#opened = true;
    this.#credentialsRefused = false;
    this.#openedAt = this.#now();
    this.#authFailures = 0;
    this.#readyState = OPEN;
    this.#protocol = socket.protocol ?? this.#protocol;
    this.#setExpiry(serverExpiresAt);
    this.dispatchEvent(new Event('open'));
  }

  #onSocketMessage(socket, event) {
    if (socket !== this.#socket) {
      return;
    }

    const control = parseControlMessage(event.data);
    if (control !== null) {
      this.#onControlMessage(socket, control);
      return;
    }

    if (!this.#opened) {
      // Only possible while waiting for the first-message acknowledgement. A WsAuth server sends no application data
      // before it; if this one does, it did not take the first message as the credential (another method authenticated
      // the handshake, or it sends no acknowledgement). Retrying would do the same: stop.
      this.#stopError = new WsAuthError(
        'not_acknowledged',
        'The server sent application data before wsauth.authenticated: it did not take the first message as authentication (another method authenticated the handshake, or the server sends no acknowledgement: then set waitForAuthenticated: false).');
      this.#emitError(this.#stopError);
      socket.close(CloseCodes.NORMAL, 'not acknowledged');
      return;
    }

    this.#dispatchMessage(event.data);
  }

  #onControlMessage(socket, control) {
    const serverExpiresAt = Object.hasOwn(control, 'expiresAt') ? toEpochMs(control.expiresAt) : undefined;
    switch (control.type) {
      case 'wsauth.authenticated':
        if (!this.#opened) {
          if (this.#authTimer !== null) {
            this.#clearTimeout(this.#authTimer);
            this.#authTimer = null;
          }

          this.#markOpen(socket, serverExpiresAt);
        } else {
          this.#setExpiry(serverExpiresAt);
        }

        break;
      case 'wsauth.refreshed': {
        const before = this.#refreshBaseline;
        this.#refreshPending = false;
        this.#refreshBaseline = null;
        if (typeof serverExpiresAt === 'number') {
          this.#refreshedTo = serverExpiresAt;
          if (before !== null && serverExpiresAt <= before) {
            // The refresh did not move the end (the server's maximum session length, or the same token again):
            // no refresh on this connection can. The server closes with 4401 at the end; the reconnect gets fresh
            // credentials. Refreshing on would only fetch tokens for nothing, as often as once a second.
            this.#refreshExhausted = true;
          }
        }

        this.#setExpiry(serverExpiresAt);
        this.dispatchEvent(new WsAuthExpiryEvent('refreshed', this.expiresAt));
        break;
      }
      case 'wsauth.expiring':
        if (serverExpiresAt !== undefined && serverExpiresAt !== null) {
          this.#expiresAt = serverExpiresAt;
        }

        this.dispatchEvent(new WsAuthExpiryEvent('expiring', this.expiresAt));
        if (this.#refreshExhausted || this.#refreshPending) {
          break; // nothing to gain, or the answer to the refresh in flight is on its way
        }

        if (this.#refreshedTo !== null && this.#expiresAt !== null && this.#expiresAt <= this.#refreshedTo) {
          // A warning about the end the last refresh just confirmed: the server's warning is longer than the token
          // lives, so it warns again at once. Refreshing at once would loop as fast as the network; keep to the plan.
          this.#scheduleRefresh();
          break;
        }

        void this.#refresh();
        break;
      default:
        break; // a control message of a newer server: hidden, ignored
    }
  }

  #onSocketError(socket) {
    if (socket !== this.#socket) {
      return;
    }

    // Browsers say nothing more, on purpose; a refused handshake looks the same (the close code is 1006).
    this.#emitError(new WsAuthError('socket_error', 'The WebSocket connection failed or was refused.', { retryable: true }));
  }

  #onSocketClose(socket, event) {
    if (socket !== this.#socket) {
      return;
    }

    this.#socket = null;
    const wasOpen = this.#opened;
    this.#opened = false;
    this.#clearTimers();
    if (wasOpen && this.#now() - this.#openedAt >= this.#reconnectSettings().stableAfter) {
      this.#attempt = 0;
    }

    const close = { code: event.code, reason: event.reason ?? '', wasClean: event.wasClean === true };
    if (this.#stopped) {
      this.#readyState = CLOSED;
      this.dispatchEvent(new WsAuthCloseEvent({ ...close, willReconnect: false }));
      return;
    }

    if (this.#stopError !== null) {
      this.#stop({ ...close, error: this.#stopError });
      return;
    }

    switch (event.code) {
      case CloseCodes.FORBIDDEN: // a refresh named another subject: the app must decide (log out, reload)
      case CloseCodes.MALFORMED: // the server did not understand us; the same message would fail again
        this.#stop(close);
        return;
      case CloseCodes.UNAUTHORIZED:
      case CloseCodes.POLICY_VIOLATION:
        if (!wasOpen && ++this.#authFailures >= this.#maxAuthFailures) {
          this.#stop(close, new WsAuthError('unauthorized', `The server refused ${this.#authFailures} fresh credentials in a row.`));
          return;
        }

        this.#retry(close, 'unauthorized', false);
        return;
      case CloseCodes.TOO_MANY:
        this.#retry(close, 'reconnect', true);
        return;
      default:
        this.#retry(close, 'reconnect', false);
    }
  }

  // ---- reconnecting --------------------------------------------------------------------------------------------

  #failAttempt(error) {
    this.#emitError(error);
    const close = { code: CloseCodes.ABNORMAL, reason: '', wasClean: false, error };
    if (error.retryable) {
      this.#retry(close, 'reconnect', false);
    } else {
      this.#stop(close);
    }
  }

  #retry(close, reason, slow) {
    // Once the server refused a credential, every attempt asks for a fresh one until a connection opens.
    this.#credentialsRefused ||= reason === 'unauthorized';
    const nextReason = this.#credentialsRefused ? 'unauthorized' : reason;
    const settings = this.#reconnect;
    if (settings === null || this.#attempt >= settings.maxAttempts) {
      this.#stop(close);
      return;
    }

    // Too many: wait as long as the backoff ever waits, so a crowd of clients does not come back at once.
    const delay = backoffDelay(slow ? Number.MAX_SAFE_INTEGER : this.#attempt, settings, this.#random);
    this.#attempt++;
    this.#readyState = CONNECTING;
    this.dispatchEvent(new WsAuthCloseEvent({ ...close, willReconnect: true, retryIn: delay }));
    if (this.#stopped) {
      return; // a close listener called close()
    }

    this.#reconnectTimer = this.#setTimeout(() => {
      this.#reconnectTimer = null;
      void this.#connect(nextReason);
    }, delay);
  }

  #stop(close, error) {
    this.#stopped = true;
    this.#clearTimers();
    this.#readyState = CLOSED;
    if (error !== undefined) {
      this.#emitError(error);
    }

    this.dispatchEvent(new WsAuthCloseEvent({ ...close, error: close.error ?? error, willReconnect: false }));
  }

  #reconnectSettings() {
    return this.#reconnect ?? DEFAULT_RECONNECT;
  }

  // ---- refreshing ----------------------------------------------------------------------------------------------

  /** serverExpiresAt: undefined when the server said nothing, null when it said "does not expire". */
  #setExpiry(serverExpiresAt) {
    this.#expiresAt = serverExpiresAt === undefined ? this.#credentialExpiresAt : serverExpiresAt;
    this.#scheduleRefresh();
  }

  #scheduleRefresh() {
    if (this.#refreshTimer !== null) {
      this.#clearTimeout(this.#refreshTimer);
      this.#refreshTimer = null;
    }

    if (this.#tokenSource === undefined || this.#expiresAt === null || !this.#opened || this.#refreshExhausted) {
      return;
    }

    // Refresh refreshBefore ms ahead, or halfway through a lifetime shorter than twice that.
    const remaining = this.#expiresAt - this.#now();
    const lead = Math.min(this.#refreshBefore, remaining / 2);
    const delay = Math.min(Math.max(remaining - lead, MIN_REFRESH_DELAY), MAX_TIMER_DELAY);
    this.#refreshTimer = this.#setTimeout(() => {
      this.#refreshTimer = null;
      void this.#refresh();
    }, delay);
  }

  async #refresh() {
    if (this.#tokenSource === undefined || this.#refreshing || !this.#opened || this.#refreshExhausted) {
      return;
    }

    const socket = this.#socket;
    this.#refreshing = true;
    let credential;
    try {
      credential = await this.#getToken('refresh');
    } catch (error) {
      // The server closes with 4401 at expiry; the reconnect then asks the token source again.
      this.#emitError(new WsAuthError('refresh_failed', 'Could not get a token to refresh with.', { cause: error }));
      return;
    } finally {
      this.#refreshing = false;
    }

    if (socket !== this.#socket || !this.#opened) {
      return;
    }

    socket.send(JSON.stringify({ type: 'refresh', token: credential.token }));
    this.#refreshPending = true;
    this.#refreshBaseline = this.#expiresAt;
    // Until the server confirms (wsauth.refreshed), plan the next refresh from the new token's own expiry.
    this.#credentialExpiresAt = credential.expiresAt;
    if (credential.expiresAt !== null) {
      this.#expiresAt = credential.expiresAt;
      this.#scheduleRefresh();
    }
  }

  // ---- helpers -------------------------------------------------------------------------------------------------

  #dispatchMessage(data) {
    const event = typeof MessageEvent === 'function' ? new MessageEvent('message', { data }) : Object.assign(new Event('message'), { data });
    this.dispatchEvent(event);
  }

  #emitError(error) {
    this.dispatchEvent(new WsAuthErrorEvent(error));
  }

  #clearTimers() {
    for (const handle of [this.#reconnectTimer, this.#refreshTimer, this.#authTimer]) {
      if (handle !== null) {
        this.#clearTimeout(handle);
      }
    }

    this.#reconnectTimer = null;
    this.#refreshTimer = null;
    this.#authTimer = null;
  }
}

/**
 * Opens a `WsAuthSocket` and resolves when it is open (authenticated), or rejects when it stops before that.
 * @param {string | URL} url
 * @param {WsAuthSocketOptions} options
 * @returns {Promise<WsAuthSocket>}
 */
export function connect(url, options) {
  const socket = new WsAuthSocket(url, options);
  return new Promise((resolve, reject) => {
    const onOpen = () => {
      socket.removeEventListener('close', onClose);
      resolve(socket);
    };
    const onClose = (event) => {
      if (!event.willReconnect) {
        socket.removeEventListener('open', onOpen);
        reject(event.error ?? new WsAuthError('closed', `The connection closed with ${event.code} before it opened.`));
      }
    };
    socket.addEventListener('open', onOpen, { once: true });
    socket.addEventListener('close', onClose);
  });
}

function parseTokenProtocolFormat(format) {
  if (format === 'marker') {
    return { format, marker: DEFAULT_MARKER };
  }

  if (format === 'kubernetes') {
    return { format, prefix: KUBERNETES_PREFIX };
  }

  if (format !== null && typeof format === 'object') {
    if (typeof format.marker === 'string' && HTTP_TOKEN.test(format.marker) && format.prefix === undefined) {
      return { format, marker: format.marker };
    }

    if (typeof format.prefix === 'string' && HTTP_TOKEN.test(format.prefix) && format.marker === undefined) {
      return { format, prefix: format.prefix };
    }
  }

  throw new TypeError("tokenProtocol must be 'marker', 'kubernetes', { marker: '<protocol>' } or { prefix: '<protocol prefix>' } (RFC 7230 token characters).");
}

function normalizeProtocols(protocols) {
  if (protocols === undefined || protocols === null) {
    return [];
  }

  const list = typeof protocols === 'string' ? [protocols] : [...protocols];
  for (const protocol of list) {
    if (typeof protocol !== 'string' || !HTTP_TOKEN.test(protocol)) {
      throw new TypeError(`Invalid subprotocol ${JSON.stringify(protocol)}: RFC 7230 token characters only.`);
    }
  }

  if (new Set(list).size !== list.length) {
    throw new TypeError('The subprotocols must be unique.');
  }

  return list;
}

function normalizeReconnect(reconnect) {
  const settings = { ...DEFAULT_RECONNECT, ...(reconnect === true || reconnect === undefined ? {} : reconnect) };
  for (const name of ['initialDelay', 'maxDelay', 'stableAfter']) {
    positiveNumber(settings[name], 0, `reconnect.${name}`);
  }

  if (!(settings.factor >= 1)) {
    throw new TypeError('reconnect.factor must be at least 1.');
  }

  if (!(settings.maxAttempts >= 0)) {
    throw new TypeError('reconnect.maxAttempts must be 0 or more (Infinity to never give up).');
  }

  if (settings.maxDelay < settings.initialDelay) {
    throw new TypeError('reconnect.maxDelay must be at least reconnect.initialDelay.');
  }

  return Object.freeze(settings);
}

function positiveNumber(value, fallback, name) {
  if (value === undefined) {
    return fallback;
  }

  if (typeof value !== 'number' || !(value >= 0)) {
    throw new TypeError(`${name} must be a number of 0 or more.`);
  }

  return value;
}

function toEpochMs(value) {
  if (value === undefined || value === null) {
    return null;
  }

  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

function asWsAuthError(error) {
  return error instanceof WsAuthError
    ? error
    : new WsAuthError('connect_failed', `Connecting failed: ${error?.name ?? 'Error'}.`, { cause: error });
}

/** @typedef {'marker' | 'kubernetes' | { marker: string } | { prefix: string }} TokenProtocolFormat */
/** @typedef {import('./wsauth.d.ts').WsAuthSocketOptions} WsAuthSocketOptions */
