// A SignalR `accessTokenFactory` that returns a fresh WsAuth ticket on every call, for hubs mapped with
// `.WithWebSocketTicketsAsAccessToken()` (docs/signalr.md). No SignalR import: the factory is a plain function.
import { fetchTicket } from './credentials.js';
import { DEFAULT_TICKET_PATH } from './protocol.js';

/** Options of {@link ticketAccessTokenFactory}. */
export interface TicketAccessTokenFactoryOptions {
  /** The ticket endpoint. Default `/ws/ticket` of the page's origin (`globalThis.location`), required elsewhere. */
  ticketUrl?: string | URL;
  /** Extra fetch options for the ticket request (headers such as an antiforgery token), or a function returning them. */
  ticketRequest?: RequestInit | (() => RequestInit | Promise<RequestInit>);
  /** For tests and Node: the fetch function. Default `globalThis.fetch`. */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
}

/**
 * Makes an `accessTokenFactory` for `@microsoft/signalr`'s `HubConnectionBuilder.withUrl(url, { accessTokenFactory })`
 * that POSTs to the ticket endpoint (with the login cookie: `credentials: 'include'`) and returns the single-use ticket.
 * SignalR calls it before negotiate and again before the WebSocket connects, and on every automatic reconnect, so each
 * connection gets its own ticket. A failure rejects with a `WsAuthError` (`ticket_refused`, `ticket_unavailable`,
 * `ticket_invalid_response`) that never contains a ticket.
 */
export function ticketAccessTokenFactory(options: TicketAccessTokenFactoryOptions = {}): () => Promise<string> {
  let ticketUrl = options.ticketUrl;
  if (ticketUrl === undefined) {
    const location = (globalThis as { location?: { href: string } }).location;
    if (location === undefined) {
      throw new TypeError('ticketUrl is required outside a browser page.');
    }

    ticketUrl = new URL(DEFAULT_TICKET_PATH, location.href).href;
  }

  const source = {
    getTicket: undefined,
    ticketUrl,
    ticketRequest: options.ticketRequest,
    fetch: options.fetch ?? ((input: string, init: RequestInit) => globalThis.fetch(input, init)),
  };
  return () => fetchTicket(source);
}
