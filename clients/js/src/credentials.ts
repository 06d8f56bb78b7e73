// Credentials for one connection: a ticket from the ticket endpoint (or the app's own source), or a token from the
// token source. Errors name what failed, never the credential.
import { WsAuthError } from './errors.js';

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

/** A token and when it expires (ms since the epoch), if the source said. */
export interface Credential {
  token: string;
  expiresAt: number | null;
}

/** Where a ticket comes from: the app's `getTicket`, or a POST to `ticketUrl`. */
export interface TicketSource {
  getTicket: (() => string | Promise<string>) | undefined;
  ticketUrl: string | URL;
  ticketRequest: RequestInit | (() => RequestInit | Promise<RequestInit>) | undefined;
  fetch: (input: string, init: RequestInit) => Promise<Response>;
}

/** A fresh single-use ticket. */
export async function fetchTicket(source: TicketSource): Promise<string> {
  let ticket: unknown;
  if (source.getTicket !== undefined) {
    try {
      ticket = await source.getTicket();
    } catch (cause) {
      throw new WsAuthError('ticket_unavailable', 'getTicket failed.', { retryable: true, cause });
    }
  } else {
    const custom = typeof source.ticketRequest === 'function' ? await source.ticketRequest() : (source.ticketRequest ?? {});
    const init: RequestInit = { method: 'POST', credentials: 'include', cache: 'no-store', ...custom };
    let response: Response;
    try {
      response = await source.fetch(source.ticketUrl as string, init); // a URL object is passed on as given
    } catch (cause) {
      throw new WsAuthError('ticket_unavailable', 'The ticket endpoint could not be reached.', { retryable: true, cause });
    }

    if (!response.ok) {
      const status = response.status;
      // 401/403: not logged in or not allowed; 404/405/501: no ticket endpoint. Retrying cannot help those.
      const retryable = status === 408 || status === 429 || status >= 500 && status !== 501;
      throw new WsAuthError('ticket_refused', `The ticket endpoint answered ${status}.`, { status, retryable });
    }

    let body: { ticket?: unknown } | null;
    try {
      body = await response.json() as { ticket?: unknown } | null;
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

/** A token from the token source, asked for `reason`. */
export async function tokenFrom(source: TokenSource, reason: TokenRequestReason): Promise<Credential> {
  let result: TokenResult | null | undefined;
  try {
    result = await source({ reason });
  } catch (cause) {
    throw new WsAuthError('token_unavailable', 'The token source failed.', { retryable: true, cause });
  }

  const token = typeof result === 'string' ? result : result?.token;
  if (typeof token !== 'string' || token.length === 0) {
    // The app's way to say "no credential any more" (logged out): stop rather than retry.
    throw new WsAuthError('no_token', 'The token source returned no token.');
  }

  return { token, expiresAt: typeof result === 'string' ? null : toEpochMs(result!.expiresAt) };
}

/** Milliseconds since the epoch of a `Date`, a number or an ISO-8601 string; `null` when absent or not a time. */
export function toEpochMs(value: Date | number | string | null | undefined): number | null {
  if (value === undefined || value === null) {
    return null;
  }

  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}
