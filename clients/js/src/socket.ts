// The socket: connects with fresh credentials, reconnects with backoff, refreshes in band, hides control messages.
// Nothing here ever writes a credential (token, ticket) to an error message, an event or the console.
import { DEFAULT_RECONNECT, backoffDelay, type ReconnectSettings } from './backoff.js';
import { CloseCodes, closeAction } from './codes.js';
import { fetchTicket, toEpochMs, tokenFrom, type Credential, type TicketSource, type TokenRequestReason, type TokenSource } from './credentials.js';
import { WsAuthError, asWsAuthError } from './errors.js';
import { WsAuthCloseEvent, WsAuthErrorEvent, WsAuthExpiryEvent } from './events.js';
import { resolveOptions, type WsAuthMethod, type WsAuthSocketOptions } from './options.js';
import { parseControlMessage, tokenProtocols, type ControlMessage, type TokenProtocolShape } from './protocol.js';

/** The events of a `WsAuthSocket`. */
export interface WsAuthSocketEventMap {
  open: Event;
  message: MessageEvent;
  close: WsAuthCloseEvent;
  error: WsAuthErrorEvent;
  refreshed: WsAuthExpiryEvent;
  expiring: WsAuthExpiryEvent;
}

type ReadyState = 0 | 1 | 2 | 3;
type Handlers = { [K in keyof WsAuthSocketEventMap]: ((this: WsAuthSocket, event: WsAuthSocketEventMap[K]) => unknown) | null };
type Listener<K extends keyof WsAuthSocketEventMap> = (this: WsAuthSocket, event: WsAuthSocketEventMap[K]) => unknown;
interface Attempt { url: string; protocols: string[]; token: string | null; expiresAt: number | null }
interface CloseInfo { code: number; reason: string; wasClean: boolean; error?: WsAuthError | null }

const MIN_REFRESH_DELAY = 1000;
const MAX_TIMER_DELAY = 2147483647; // setTimeout fires at once above 2^31-1 ms

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

/** Typed `addEventListener`/`removeEventListener` for the events of `WsAuthSocketEventMap` (types only). */
export interface WsAuthSocket {
  addEventListener<K extends keyof WsAuthSocketEventMap>(type: K, listener: Listener<K>, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof WsAuthSocketEventMap>(type: K, listener: Listener<K>, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
}

/**
 * A WebSocket authenticated with WsAuth, which reconnects by itself. Events: `open` (authenticated and ready),
 * `message` (application messages only), `close` (each time a connection ends, with `willReconnect`), `error`,
 * `refreshed` and `expiring`. Starts connecting at once, like `WebSocket`.
 */
export class WsAuthSocket extends EventTarget {
  /** Connecting, or waiting to reconnect. */
  static readonly CONNECTING = CONNECTING;
  /** Open and authenticated. */
  static readonly OPEN = OPEN;
  /** Closing after `close()`. */
  static readonly CLOSING = CLOSING;
  /** Stopped for good. */
  static readonly CLOSED = CLOSED;

  #url: URL;
  #method: WsAuthMethod;
  #protocols: string[];
  #tokenSource: TokenSource | undefined;
  #staticToken: string | undefined;
  #tokenFormat: TokenProtocolShape;
  #ticketSource: TicketSource;
  #waitForAuthenticated: boolean;
  #authTimeout: number;
  #reconnect: ReconnectSettings | null;
  #maxAuthFailures: number;
  #refreshBefore: number;
  #binaryType: BinaryType | undefined;
  #WebSocket: new (url: string, protocols?: string[]) => WebSocket;
  #setTimeout: (callback: () => void, delay: number) => unknown;
  #clearTimeout: (handle: unknown) => void;
  #now: () => number;
  #random: () => number;

  #readyState: ReadyState = CONNECTING;
  #socket: WebSocket | null = null;
  #generation = 0;
  #attempt = 0;
  #authFailures = 0;
  #stopped = false;
  #opened = false;
  #openedAt = 0;
  #protocol = '';
  #expiresAt: number | null = null;
  #credentialExpiresAt: number | null = null;
  #refreshing = false;
  // Per connection: a refresh was sent and not yet confirmed; the end known when it was sent; the end the last
  // wsauth.refreshed confirmed; and whether refreshing stopped moving the end (MaxSessionLength reached).
  #refreshPending = false;
  #refreshBaseline: number | null = null;
  #refreshedTo: number | null = null;
  #refreshExhausted = false;
  #stopError: WsAuthError | null = null;
  #credentialsRefused = false;
  #reconnectTimer: unknown = null;
  #refreshTimer: unknown = null;
  #authTimer: unknown = null;
  #handlers: Handlers = { open: null, message: null, close: null, error: null, refreshed: null, expiring: null };

  /**
   * @param url the guarded WebSocket endpoint; relative URLs resolve against the page
   * @param options how to authenticate, reconnect and refresh
   */
  constructor(url: string | URL, options: WsAuthSocketOptions) {
    super();
    const settings = resolveOptions(url, options);
    this.#method = settings.method;
    this.#url = settings.url;
    this.#protocols = settings.protocols;
    this.#tokenSource = settings.tokenSource;
    this.#staticToken = settings.staticToken;
    this.#tokenFormat = settings.tokenFormat;
    this.#ticketSource = settings.ticketSource;
    this.#waitForAuthenticated = settings.waitForAuthenticated;
    this.#authTimeout = settings.authTimeout;
    this.#reconnect = settings.reconnect;
    this.#maxAuthFailures = settings.maxAuthFailures;
    this.#refreshBefore = settings.refreshBefore;
    this.#binaryType = settings.binaryType;
    this.#WebSocket = settings.WebSocket;
    this.#setTimeout = settings.setTimeout;
    this.#clearTimeout = settings.clearTimeout;
    this.#now = settings.now;
    this.#random = settings.random;

    for (const type of Object.keys(this.#handlers) as (keyof Handlers)[]) {
      this.addEventListener(type, (event) => (this.#handlers[type] as ((this: WsAuthSocket, event: Event) => unknown) | null)?.call(this, event));
    }

    // Like WebSocket: listeners added right after construction see every event.
    Promise.resolve().then(() => this.#connect('connect'));
  }

  /** The endpoint, without any credential (a ticket is never part of it). */
  get url(): string {
    return this.#url.href;
  }

  /** The authentication method: `cookie`, `ticket`, `subprotocol` or `first-message`. */
  get method(): WsAuthMethod {
    return this.#method;
  }

  /** CONNECTING (also while waiting to reconnect), OPEN (authenticated), CLOSING or CLOSED (stopped for good). */
  get readyState(): ReadyState {
    return this.#readyState;
  }

  /** The subprotocol the server selected on the current connection; never a token. */
  get protocol(): string {
    return this.#protocol;
  }

  /** When the server's authentication of this socket expires, as far as the client knows, or `null`. */
  get expiresAt(): Date | null {
    return this.#expiresAt === null ? null : new Date(this.#expiresAt);
  }

  /** Bytes queued on the current connection. */
  get bufferedAmount(): number {
    return this.#socket?.bufferedAmount ?? 0;
  }

  /** Called on `open`, like `addEventListener('open')`. */
  get onopen(): Handlers['open'] { return this.#handlers.open; }
  set onopen(handler: Handlers['open']) { this.#handlers.open = handler; }
  /** Called on `message` (application messages only). */
  get onmessage(): Handlers['message'] { return this.#handlers.message; }
  set onmessage(handler: Handlers['message']) { this.#handlers.message = handler; }
  /** Called on `close`. */
  get onclose(): Handlers['close'] { return this.#handlers.close; }
  set onclose(handler: Handlers['close']) { this.#handlers.close = handler; }
  /** Called on `error`. */
  get onerror(): Handlers['error'] { return this.#handlers.error; }
  set onerror(handler: Handlers['error']) { this.#handlers.error = handler; }
  /** Called on `refreshed`. */
  get onrefreshed(): Handlers['refreshed'] { return this.#handlers.refreshed; }
  set onrefreshed(handler: Handlers['refreshed']) { this.#handlers.refreshed = handler; }
  /** Called on `expiring`. */
  get onexpiring(): Handlers['expiring'] { return this.#handlers.expiring; }
  set onexpiring(handler: Handlers['expiring']) { this.#handlers.expiring = handler; }

  /**
   * Sends an application message on the open, authenticated connection.
   * @throws {DOMException} InvalidStateError when the socket is not open (connecting, reconnecting or closed)
   */
  send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
    if (this.#readyState !== OPEN || this.#socket === null) {
      throw new DOMException('The WsAuth socket is not open; wait for the open event.', 'InvalidStateError');
    }

    this.#socket.send(data as string);
  }

  /**
   * Closes the connection and stops reconnecting for good.
   * @param code 1000 or 3000-4999
   * @param reason a short reason
   */
  close(code: number = CloseCodes.NORMAL, reason = ''): void {
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

  async #connect(reason: TokenRequestReason): Promise<void> {
    if (this.#stopped) {
      return;
    }

    const generation = ++this.#generation;
    this.#readyState = CONNECTING;
    let attempt: Attempt;
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

    let socket: WebSocket;
    try {
      socket = new this.#WebSocket(attempt.url, attempt.protocols);
    } catch (error) {
      // A SyntaxError here is a configuration problem; trying again would fail the same way.
      this.#failAttempt(new WsAuthError('invalid_socket_arguments', `The WebSocket could not be created: ${(error as Error | undefined)?.name ?? 'Error'}. Check the URL and protocols.`, { cause: error }));
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
  async #prepare(reason: TokenRequestReason): Promise<Attempt> {
    const url = new URL(this.#url.href);
    let protocols = [...this.#protocols];
    let token: string | null = null;
    let expiresAt: number | null = null;

    if (this.#method === 'ticket') {
      url.searchParams.set('ticket', await this.#fetchTicket());
    }

    if (this.#method === 'subprotocol' || this.#method === 'first-message') {
      ({ token, expiresAt } = await this.#getToken(reason));
      if (this.#method === 'subprotocol') {
        protocols = tokenProtocols(token!, this.#protocols, this.#tokenFormat.format);
      }
    }

    return { url: url.href, protocols, token, expiresAt };
  }

  #fetchTicket(): Promise<string> {
    return fetchTicket(this.#ticketSource);
  }

  #getToken(reason: TokenRequestReason): Promise<Credential> {
    return this.#tokenSource === undefined
      ? Promise.resolve({ token: this.#staticToken!, expiresAt: null })
      : tokenFrom(this.#tokenSource, reason);
  }

  // ---- one connection ------------------------------------------------------------------------------------------

  #onSocketOpen(socket: WebSocket, attempt: Attempt): void {
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

  #markOpen(socket: WebSocket, serverExpiresAt: number | null | undefined): void {
    this.#opened = true;
    this.#credentialsRefused = false;
    this.#openedAt = this.#now();
    this.#authFailures = 0;
    this.#readyState = OPEN;
    this.#protocol = socket.protocol ?? this.#protocol;
    this.#setExpiry(serverExpiresAt);
    this.dispatchEvent(new Event('open'));
  }

  #onSocketMessage(socket: WebSocket, event: MessageEvent): void {
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

  #onControlMessage(socket: WebSocket, control: ControlMessage): void {
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

  #onSocketError(socket: WebSocket): void {
    if (socket !== this.#socket) {
      return;
    }

    // Browsers say nothing more, on purpose; a refused handshake looks the same (the close code is 1006).
    this.#emitError(new WsAuthError('socket_error', 'The WebSocket connection failed or was refused.', { retryable: true }));
  }

  #onSocketClose(socket: WebSocket, event: CloseEvent): void {
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

    switch (closeAction(event.code)) {
      case 'stop':
        this.#stop(close);
        return;
      case 'fresh':
        if (!wasOpen && ++this.#authFailures >= this.#maxAuthFailures) {
          this.#stop(close, new WsAuthError('unauthorized', `The server refused ${this.#authFailures} fresh credentials in a row.`));
          return;
        }

        this.#retry(close, 'unauthorized', false);
        return;
      case 'slow':
        this.#retry(close, 'reconnect', true);
        return;
      default:
        this.#retry(close, 'reconnect', false);
    }
  }

  // ---- reconnecting --------------------------------------------------------------------------------------------

  #failAttempt(error: WsAuthError): void {
    this.#emitError(error);
    const close = { code: CloseCodes.ABNORMAL, reason: '', wasClean: false, error };
    if (error.retryable) {
      this.#retry(close, 'reconnect', false);
    } else {
      this.#stop(close);
    }
  }

  #retry(close: CloseInfo, reason: TokenRequestReason, slow: boolean): void {
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

  #stop(close: CloseInfo, error?: WsAuthError): void {
    this.#stopped = true;
    this.#clearTimers();
    this.#readyState = CLOSED;
    if (error !== undefined) {
      this.#emitError(error);
    }

    this.dispatchEvent(new WsAuthCloseEvent({ ...close, error: close.error ?? error, willReconnect: false }));
  }

  #reconnectSettings(): ReconnectSettings {
    return this.#reconnect ?? DEFAULT_RECONNECT;
  }

  // ---- refreshing ----------------------------------------------------------------------------------------------

  /** serverExpiresAt: undefined when the server said nothing, null when it said "does not expire". */
  #setExpiry(serverExpiresAt: number | null | undefined): void {
    this.#expiresAt = serverExpiresAt === undefined ? this.#credentialExpiresAt : serverExpiresAt;
    this.#scheduleRefresh();
  }

  #scheduleRefresh(): void {
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

  async #refresh(): Promise<void> {
    if (this.#tokenSource === undefined || this.#refreshing || !this.#opened || this.#refreshExhausted) {
      return;
    }

    const socket = this.#socket;
    this.#refreshing = true;
    let credential: Credential;
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

    socket!.send(JSON.stringify({ type: 'refresh', token: credential.token }));
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

  #dispatchMessage(data: unknown): void {
    const event = typeof MessageEvent === 'function' ? new MessageEvent('message', { data }) : Object.assign(new Event('message'), { data });
    this.dispatchEvent(event);
  }

  #emitError(error: WsAuthError): void {
    this.dispatchEvent(new WsAuthErrorEvent(error));
  }

  #clearTimers(): void {
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

/** Opens a `WsAuthSocket` and resolves when it is open (authenticated), or rejects when it stops before that. */
export function connect(url: string | URL, options: WsAuthSocketOptions): Promise<WsAuthSocket> {
  const socket = new WsAuthSocket(url, options);
  return new Promise((resolve, reject) => {
    const onOpen = () => {
      socket.removeEventListener('close', onClose);
      resolve(socket);
    };
    const onClose = (event: WsAuthCloseEvent) => {
      if (!event.willReconnect) {
        socket.removeEventListener('open', onOpen);
        reject(event.error ?? new WsAuthError('closed', `The connection closed with ${event.code} before it opened.`));
      }
    };
    socket.addEventListener('open', onOpen, { once: true });
    socket.addEventListener('close', onClose);
  });
}
