// The options of a WsAuthSocket: their types, and their checks (a TypeError naming the fix, at construction).
import { normalizeReconnect, positiveNumber, type ReconnectOptions, type ReconnectSettings } from './backoff.js';
import type { TicketSource, TokenSource } from './credentials.js';
import {
  DEFAULT_TICKET_PATH,
  normalizeProtocols,
  parseTokenProtocolFormat,
  resolveSocketUrl,
  type TokenProtocolFormat,
  type TokenProtocolShape,
} from './protocol.js';

/** How a WsAuthSocket authenticates. (`bearer` needs a header, which browsers cannot set on a WebSocket.) */
export type WsAuthMethod = 'cookie' | 'ticket' | 'subprotocol' | 'first-message';

/** The options of a `WsAuthSocket`. */
export interface WsAuthSocketOptions {
  /** How to authenticate. (`bearer` needs a header, which browsers cannot set on a WebSocket.) */
  method: WsAuthMethod;
  /** The app's own subprotocols, offered first. */
  protocols?: string | readonly string[];
  /**
   * The token: required for `subprotocol` and `first-message`. With any method, a function enables in-band refresh
   * (`{"type":"refresh","token"}`) before `expiresAt` and on `wsauth.expiring`.
   */
  token?: string | TokenSource;
  /** The subprotocol form. Default `'marker'`. */
  tokenProtocol?: TokenProtocolFormat;
  /** The ticket endpoint, POSTed with credentials 'include'. Default `/ws/ticket` on the socket's origin. */
  ticketUrl?: string | URL;
  /** Extra fetch options for the ticket request (headers such as an antiforgery token), or a function returning them. */
  ticketRequest?: RequestInit | (() => RequestInit | Promise<RequestInit>);
  /** Gets a ticket your own way instead of POSTing to `ticketUrl`. */
  getTicket?: () => string | Promise<string>;
  /** `first-message`: wait for `wsauth.authenticated` before `open`. Default true. */
  waitForAuthenticated?: boolean;
  /** `first-message`: how long to wait for `wsauth.authenticated`, in ms. Default 10000. */
  authTimeout?: number;
  /** Reconnect settings, or `false` to never reconnect. */
  reconnect?: boolean | ReconnectOptions;
  /** Fresh credentials refused (4401/1008 before open) this many times in a row stop the socket. Default 3. */
  maxAuthFailures?: number;
  /** Refresh this many ms before expiry (at most halfway through the lifetime). Default 60000. */
  refreshBefore?: number;
  /** Passed to the WebSocket. */
  binaryType?: BinaryType;
  /** Resolves a relative `url` outside a browser. */
  baseUrl?: string;
  /** For tests and non-browser hosts: the WebSocket class. Default `globalThis.WebSocket`. */
  WebSocket?: new (url: string, protocols?: string[]) => WebSocket;
  /** For tests: the fetch function. Default `globalThis.fetch`. */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** For tests: timers and clock. */
  setTimeout?: (callback: () => void, delay: number) => unknown;
  /** For tests: cancels a timer of `setTimeout`. */
  clearTimeout?: (handle: unknown) => void;
  /** For tests: the clock, in ms since the epoch. */
  now?: () => number;
  /** For tests: a number in [0, 1). Default `Math.random`. */
  random?: () => number;
}

const METHODS = ['cookie', 'ticket', 'subprotocol', 'first-message'] as const;
const TOKEN_METHODS: readonly string[] = ['subprotocol', 'first-message'];

/** The options of a socket, checked, with every default filled in. */
export interface SocketSettings {
  readonly method: WsAuthMethod;
  readonly url: URL;
  readonly protocols: string[];
  readonly tokenSource: TokenSource | undefined;
  readonly staticToken: string | undefined;
  readonly tokenFormat: TokenProtocolShape;
  readonly ticketSource: TicketSource;
  readonly waitForAuthenticated: boolean;
  readonly authTimeout: number;
  readonly reconnect: ReconnectSettings | null;
  readonly maxAuthFailures: number;
  readonly refreshBefore: number;
  readonly binaryType: BinaryType | undefined;
  readonly WebSocket: new (url: string, protocols?: string[]) => WebSocket;
  readonly setTimeout: (callback: () => void, delay: number) => unknown;
  readonly clearTimeout: (handle: unknown) => void;
  readonly now: () => number;
  readonly random: () => number;
}

/** Checks `options` for a socket to `url` and fills in the defaults; a TypeError or SyntaxError says what to fix. */
export function resolveOptions(url: string | URL, options: WsAuthSocketOptions): SocketSettings {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`WsAuthSocket needs options with a method: ${METHODS.join(', ')}.`);
  }

  if (!(METHODS as readonly unknown[]).includes(options.method)) {
    throw new TypeError(`Unknown method ${JSON.stringify(options.method)}: use one of ${METHODS.join(', ')}. (bearer headers are not available to browsers.)`);
  }

  const method = options.method;
  const socketUrl = resolveSocketUrl(url, options.baseUrl);
  const protocols = normalizeProtocols(options.protocols);
  let tokenSource: TokenSource | undefined;
  let staticToken: string | undefined;

  if (typeof options.token === 'function') {
    tokenSource = options.token;
  } else if (typeof options.token === 'string' && options.token.length > 0) {
    staticToken = options.token;
  } else if (options.token !== undefined && options.token !== null) {
    throw new TypeError('token must be a non-empty string or a function returning a token or { token, expiresAt }.');
  }

  if (TOKEN_METHODS.includes(method) && tokenSource === undefined && staticToken === undefined) {
    throw new TypeError(`The ${method} method needs a token: a string, or a function returning a token or { token, expiresAt }.`);
  }

  const tokenFormat = parseTokenProtocolFormat(options.tokenProtocol ?? 'marker');
  if (method === 'subprotocol' && tokenFormat.prefix !== undefined && protocols.length === 0) {
    // The server may answer an app protocol or a marker, never the token entry; with nothing else offered it must
    // refuse the handshake, as a browser fails one answered without a protocol.
    throw new TypeError('The prefix (Kubernetes) form needs at least one app protocol in options.protocols for the server to answer.');
  }

  if (method === 'subprotocol') {
    for (const protocol of protocols) {
      if (protocol === tokenFormat.marker || (tokenFormat.prefix !== undefined && protocol.startsWith(tokenFormat.prefix))) {
        throw new TypeError(`The app protocol ${JSON.stringify(protocol)} collides with the token entry of the subprotocol method.`);
      }
    }
  }

  if (options.getTicket !== undefined && typeof options.getTicket !== 'function') {
    throw new TypeError('getTicket must be a function returning a ticket.');
  }

  const ticketBase = new URL(socketUrl.href);
  ticketBase.protocol = ticketBase.protocol === 'wss:' ? 'https:' : 'http:';
  const ticketSource: TicketSource = {
    getTicket: options.getTicket,
    ticketUrl: options.ticketUrl ?? new URL(DEFAULT_TICKET_PATH, ticketBase).href,
    ticketRequest: options.ticketRequest,
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
  };
  const waitForAuthenticated = options.waitForAuthenticated !== false;
  const authTimeout = positiveNumber(options.authTimeout, 10000, 'authTimeout');
  const reconnect = options.reconnect === false ? null : normalizeReconnect(options.reconnect);
  const maxAuthFailures = positiveNumber(options.maxAuthFailures, 3, 'maxAuthFailures');
  const refreshBefore = positiveNumber(options.refreshBefore, 60000, 'refreshBefore');

  const WebSocketClass = options.WebSocket ?? globalThis.WebSocket;
  if (typeof WebSocketClass !== 'function') {
    throw new TypeError('No WebSocket implementation: pass options.WebSocket outside a browser.');
  }

  return {
    method,
    url: socketUrl,
    protocols,
    tokenSource,
    staticToken,
    tokenFormat,
    ticketSource,
    waitForAuthenticated,
    authTimeout,
    reconnect,
    maxAuthFailures,
    refreshBefore,
    binaryType: options.binaryType,
    WebSocket: WebSocketClass,
    setTimeout: options.setTimeout ?? ((callback, delay) => globalThis.setTimeout(callback, delay)),
    clearTimeout: options.clearTimeout ?? ((handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>)),
    now: options.now ?? (() => Date.now()),
    random: options.random ?? Math.random,
  };
}
