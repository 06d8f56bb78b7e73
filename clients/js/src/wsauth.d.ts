// Types of @wsauth/client. The implementation is src/wsauth.js; docs/js-client.md describes the behaviour.

/** Close codes WsAuth servers send after the upgrade, and the standard ones this client reacts to. */
export declare const CloseCodes: Readonly<{
  NORMAL: 1000;
  GOING_AWAY: 1001;
  ABNORMAL: 1006;
  POLICY_VIOLATION: 1008;
  MALFORMED: 4400;
  UNAUTHORIZED: 4401;
  FORBIDDEN: 4403;
  AUTH_TIMEOUT: 4408;
  TOO_MANY: 4429;
}>;

/** `access_token`: the marker entry of the marker subprotocol form. */
export declare const DEFAULT_MARKER: 'access_token';

/** `base64url.bearer.authorization.k8s.io.`: the prefix of the Kubernetes subprotocol form. */
export declare const KUBERNETES_PREFIX: 'base64url.bearer.authorization.k8s.io.';

/** `/ws/ticket`: the ticket endpoint, relative to the socket's origin. */
export declare const DEFAULT_TICKET_PATH: '/ws/ticket';

/** How the subprotocol method carries the token. */
export type TokenProtocolFormat =
  /** `[...protocols, "access_token", token]`; the token must be made of RFC 7230 token characters (a JWT is). */
  | 'marker'
  /** `[...protocols, "base64url.bearer.authorization.k8s.io.<unpadded base64url of the token>"]`; needs an app protocol. */
  | 'kubernetes'
  /** The marker form with another marker entry. */
  | { marker: string; prefix?: never }
  /** The Kubernetes form with another prefix. */
  | { prefix: string; marker?: never };

/** Why the token source is called. */
export type TokenRequestReason =
  /** The first connection. */
  | 'connect'
  /** A reconnect after the connection dropped. */
  | 'reconnect'
  /** The server refused or expired the last credential (4401/1008): return a new one, bypass any cache. */
  | 'unauthorized'
  /** An in-band refresh before expiry: return a new one. */
  | 'refresh';

/** A token, or a token with its expiry (a `Date`, milliseconds since the epoch, or an ISO-8601 string). */
export type TokenResult = string | { token: string; expiresAt?: Date | number | string | null };

/**
 * Returns the current token. Return `null` when the user has no token any more (logged out): the socket then stops.
 * A thrown error is retried with backoff (a refresh that throws is not retried: the reconnect asks again).
 */
export type TokenSource = (request: { reason: TokenRequestReason }) => TokenResult | null | undefined | Promise<TokenResult | null | undefined>;

/** Reconnect settings; all times in milliseconds. */
export interface ReconnectOptions {
  /** The first delay's ceiling. Default 1000. */
  initialDelay?: number;
  /** The largest delay. Default 30000. */
  maxDelay?: number;
  /** Growth per attempt. Default 2. */
  factor?: number;
  /** Consecutive reconnect attempts before giving up. Default Infinity. */
  maxAttempts?: number;
  /** A connection open this long resets the attempt count. Default 5000. */
  stableAfter?: number;
}

export interface WsAuthSocketOptions {
  /** How to authenticate. (`bearer` needs a header, which browsers cannot set on a WebSocket.) */
  method: 'cookie' | 'ticket' | 'subprotocol' | 'first-message';
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
  clearTimeout?: (handle: unknown) => void;
  now?: () => number;
  /** For tests: a number in [0, 1). Default `Math.random`. */
  random?: () => number;
}

/** An error of this client. `code` is stable; the message never contains a credential. */
export declare class WsAuthError extends Error {
  constructor(code: string, message: string, details?: { status?: number; retryable?: boolean; cause?: unknown });
  readonly name: 'WsAuthError';
  /**
   * `ticket_refused`, `ticket_unavailable`, `ticket_invalid_response`, `token_unavailable`, `no_token`,
   * `token_not_protocol_safe`, `socket_error`, `auth_timeout`, `not_acknowledged`, `unauthorized`, `refresh_failed`,
   * `invalid_socket_arguments`, `connect_failed`, `closed`.
   */
  readonly code: string;
  /** The HTTP status of the ticket endpoint, when it answered. */
  readonly status: number | undefined;
  /** Whether the client tries again by itself. */
  readonly retryable: boolean;
}

/** The `close` event: one per connection attempt that ended, and one when the client stops. */
export declare class WsAuthCloseEvent extends Event {
  constructor(init: { code: number; reason?: string; wasClean?: boolean; willReconnect: boolean; retryIn?: number | null; error?: WsAuthError | null });
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
  /** false when the client stopped for good. */
  readonly willReconnect: boolean;
  /** The delay before the next attempt, in ms, when `willReconnect`. */
  readonly retryIn: number | null;
  /** Why, when no close frame explains it (credentials could not be obtained, repeated refusals). */
  readonly error: WsAuthError | null;
}

/** The `error` event. */
export declare class WsAuthErrorEvent extends Event {
  constructor(error: WsAuthError);
  readonly error: WsAuthError;
  readonly message: string;
}

/** The `refreshed` and `expiring` events. */
export declare class WsAuthExpiryEvent extends Event {
  constructor(type: 'refreshed' | 'expiring', expiresAt: Date | null);
  readonly expiresAt: Date | null;
}

export interface WsAuthSocketEventMap {
  open: Event;
  message: MessageEvent;
  close: WsAuthCloseEvent;
  error: WsAuthErrorEvent;
  refreshed: WsAuthExpiryEvent;
  expiring: WsAuthExpiryEvent;
}

/** A WebSocket authenticated with WsAuth, which reconnects by itself. Starts connecting at once. */
export declare class WsAuthSocket extends EventTarget {
  constructor(url: string | URL, options: WsAuthSocketOptions);
  static readonly CONNECTING: 0;
  static readonly OPEN: 1;
  static readonly CLOSING: 2;
  static readonly CLOSED: 3;
  /** The endpoint, never with a ticket in it. */
  readonly url: string;
  readonly method: WsAuthSocketOptions['method'];
  /** CONNECTING (also while waiting to reconnect), OPEN (authenticated), CLOSING, CLOSED (stopped for good). */
  readonly readyState: 0 | 1 | 2 | 3;
  /** The subprotocol the server selected; never a token. */
  readonly protocol: string;
  /** When the authentication expires as far as the client knows, or null. */
  readonly expiresAt: Date | null;
  readonly bufferedAmount: number;
  onopen: ((this: WsAuthSocket, event: Event) => unknown) | null;
  onmessage: ((this: WsAuthSocket, event: MessageEvent) => unknown) | null;
  onclose: ((this: WsAuthSocket, event: WsAuthCloseEvent) => unknown) | null;
  onerror: ((this: WsAuthSocket, event: WsAuthErrorEvent) => unknown) | null;
  onrefreshed: ((this: WsAuthSocket, event: WsAuthExpiryEvent) => unknown) | null;
  onexpiring: ((this: WsAuthSocket, event: WsAuthExpiryEvent) => unknown) | null;
  /** Sends on the open connection; throws an InvalidStateError DOMException otherwise. */
  send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void;
  /** Closes and stops reconnecting. */
  close(code?: number, reason?: string): void;
  addEventListener<K extends keyof WsAuthSocketEventMap>(type: K, listener: (this: WsAuthSocket, event: WsAuthSocketEventMap[K]) => unknown, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof WsAuthSocketEventMap>(type: K, listener: (this: WsAuthSocket, event: WsAuthSocketEventMap[K]) => unknown, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
}

/** Opens a WsAuthSocket; resolves when it is open, rejects when it stops before that. */
export declare function connect(url: string | URL, options: WsAuthSocketOptions): Promise<WsAuthSocket>;

/** Unpadded base64url of the UTF-8 bytes of `text`. */
export declare function base64UrlEncode(text: string): string;

/** The Sec-WebSocket-Protocol list carrying `token`, after the app's protocols. */
export declare function tokenProtocols(token: string, protocols?: readonly string[], format?: TokenProtocolFormat): string[];

/** `url` with the `ticket` query parameter set. */
export declare function withTicket(url: string | URL, ticket: string): string;

/** Resolves `url` to a ws:/wss: URL (http: and https: map to ws: and wss:). */
export declare function resolveSocketUrl(url: string | URL, base?: string): URL;

/** The jittered exponential delay before reconnect attempt `attempt`, in [ceiling / 2, ceiling]. */
export declare function backoffDelay(attempt: number, options: { initialDelay: number; maxDelay: number; factor: number }, random?: () => number): number;

/** The WsAuth control message in `data` (a JSON text frame with a `wsauth.` type), or null. */
export declare function parseControlMessage(data: unknown): { type: string; expiresAt?: string | null } | null;
