// The wire: how credentials travel (subprotocol entries, the ticket parameter), socket URLs, control messages.
import { WsAuthError } from './errors.js';

/** The marker entry of the marker subprotocol form: `[app protocol, "access_token", token]`. */
export const DEFAULT_MARKER = 'access_token';

/** The prefix of the Kubernetes subprotocol form: `base64url.bearer.authorization.k8s.io.<unpadded base64url>`. */
export const KUBERNETES_PREFIX = 'base64url.bearer.authorization.k8s.io.';

/** The ticket endpoint WsAuth maps by default, relative to the socket's origin. */
export const DEFAULT_TICKET_PATH = '/ws/ticket';

/** RFC 7230 tchar: what a Sec-WebSocket-Protocol entry may contain. */
export const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

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

/** A `TokenProtocolFormat`, checked: exactly one of `marker` and `prefix`. */
export interface TokenProtocolShape {
  format: TokenProtocolFormat;
  marker?: string;
  prefix?: string;
}

/** A WsAuth control message: a JSON text frame whose `type` starts with `wsauth.`. */
export interface ControlMessage {
  type: string;
  expiresAt?: string | null;
}

/**
 * Unpadded base64url of the UTF-8 bytes of `text` (RFC 4648 §5 without `=`), as the Kubernetes subprotocol form
 * needs: Chrome refuses `=` in a subprotocol.
 */
export function base64UrlEncode(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }

  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * The `Sec-WebSocket-Protocol` list that carries `token`: the app's protocols first, then the credential entries.
 * @param token the token
 * @param protocols the app's own subprotocols, offered first
 * @param format `'marker'` (default), `'kubernetes'`, `{ marker }` or `{ prefix }`
 */
export function tokenProtocols(token: string, protocols: readonly string[] = [], format: TokenProtocolFormat = 'marker'): string[] {
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

/** `url` with the `ticket` query parameter set (percent-encoded, other parameters kept). */
export function withTicket(url: string | URL, ticket: string): string {
  const result = new URL(url);
  result.searchParams.set('ticket', ticket);
  return result.href;
}

/**
 * Resolves `url` (absolute, or relative to the page) to a `ws:`/`wss:` URL; `http:` becomes `ws:` and `https:`
 * becomes `wss:`.
 * @param url the endpoint
 * @param base defaults to the page's location in a browser
 */
export function resolveSocketUrl(url: string | URL, base: string | undefined = globalThis.location?.href): URL {
  let resolved: URL;
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
 * The WsAuth control message in `data`, or `null` for an application message. Control messages are JSON text
 * frames whose `type` starts with `wsauth.`.
 */
export function parseControlMessage(data: unknown): ControlMessage | null {
  if (typeof data !== 'string' || data.length > 4096 || !data.includes('"wsauth.')) {
    return null;
  }

  const start = data.trimStart();
  if (!start.startsWith('{')) {
    return null;
  }

  let message: unknown;
  try {
    message = JSON.parse(start);
  } catch {
    return null;
  }

  return message !== null && typeof message === 'object' && !Array.isArray(message)
    && typeof (message as { type?: unknown }).type === 'string' && (message as { type: string }).type.startsWith('wsauth.')
    ? message as ControlMessage
    : null;
}

/** Checks a `TokenProtocolFormat`; a TypeError explains the allowed forms. */
export function parseTokenProtocolFormat(format: unknown): TokenProtocolShape {
  if (format === 'marker') {
    return { format, marker: DEFAULT_MARKER };
  }

  if (format === 'kubernetes') {
    return { format, prefix: KUBERNETES_PREFIX };
  }

  if (format !== null && typeof format === 'object') {
    const { marker, prefix } = format as { marker?: unknown; prefix?: unknown };
    if (typeof marker === 'string' && HTTP_TOKEN.test(marker) && prefix === undefined) {
      return { format: format as TokenProtocolFormat, marker };
    }

    if (typeof prefix === 'string' && HTTP_TOKEN.test(prefix) && marker === undefined) {
      return { format: format as TokenProtocolFormat, prefix };
    }
  }

  throw new TypeError("tokenProtocol must be 'marker', 'kubernetes', { marker: '<protocol>' } or { prefix: '<protocol prefix>' } (RFC 7230 token characters).");
}

/** The app's subprotocols as a list, checked: RFC 7230 tokens, unique. */
export function normalizeProtocols(protocols: string | readonly string[] | undefined | null): string[] {
  if (protocols === undefined || protocols === null) {
    return [];
  }

  const list: unknown[] = typeof protocols === 'string' ? [protocols] : [...protocols];
  for (const protocol of list) {
    if (typeof protocol !== 'string' || !HTTP_TOKEN.test(protocol)) {
      throw new TypeError(`Invalid subprotocol ${JSON.stringify(protocol)}: RFC 7230 token characters only.`);
    }
  }

  if (new Set(list).size !== list.length) {
    throw new TypeError('The subprotocols must be unique.');
  }

  return list as string[];
}
