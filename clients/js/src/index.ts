// @wsauth/client: opens an authenticated WebSocket to a server guarded by WsAuth, with any of its browser methods
// (ticket, subprotocol token, first message, cookie), reconnects with jittered exponential backoff, gets fresh
// credentials when the server says they expired (close 4401), refreshes them in band before they expire, and hides
// WsAuth's control messages from the app. No dependencies; runs in browsers and in Node 20+.
//
// Nothing here ever writes a credential (token, ticket) to an error message, an event or the console.
export { CloseCodes } from './codes.js';
export { backoffDelay, type ReconnectOptions } from './backoff.js';
export type { TokenRequestReason, TokenResult, TokenSource } from './credentials.js';
export { WsAuthError, type WsAuthErrorDetails } from './errors.js';
export { WsAuthCloseEvent, WsAuthErrorEvent, WsAuthExpiryEvent, type WsAuthCloseEventInit } from './events.js';
export {
  DEFAULT_MARKER,
  DEFAULT_TICKET_PATH,
  KUBERNETES_PREFIX,
  base64UrlEncode,
  parseControlMessage,
  resolveSocketUrl,
  tokenProtocols,
  withTicket,
  type ControlMessage,
  type TokenProtocolFormat,
} from './protocol.js';
export { ticketAccessTokenFactory, type TicketAccessTokenFactoryOptions } from './signalr.js';
export type { WsAuthMethod, WsAuthSocketOptions } from './options.js';
export { WsAuthSocket, connect, type WsAuthSocketEventMap } from './socket.js';
