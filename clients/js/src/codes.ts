// Close codes. The WsAuth ones (4xxx, 1008, 1011) are the server's src/Shared/WebSocketAuthCloseCodes.cs:
// test/codes.test.js parses that file and checks the values and the reconnect rules below against it.

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
  /** 1011: the server failed while authenticating (a token validator threw); the credential was not judged. */
  SERVER_ERROR: 1011,
  /** 4400: the server could not understand a control message the client sent. */
  MALFORMED: 4400,
  /** 4401: the credential is invalid or expired (close reason "expired" when it expired). */
  UNAUTHORIZED: 4401,
  /** 4403: a policy refused the credential, or a refresh named another subject. */
  FORBIDDEN: 4403,
  /** 4408: the first-message deadline passed before the credential arrived. */
  AUTH_TIMEOUT: 4408,
  /** 4429: too many connections or attempts. */
  TOO_MANY: 4429,
} as const);

/**
 * What the client does after the server closed with a code: `stop` for good, `fresh` (reconnect with a fresh
 * credential), `slow` (reconnect after the longest backoff) or `retry` (reconnect with the usual backoff).
 */
export type CloseAction = 'stop' | 'fresh' | 'slow' | 'retry';

/** The reconnect rule of each close code; WebSocketAuthCloseCodes.ShouldReconnect/NeedsFreshCredential on the server. */
export function closeAction(code: number): CloseAction {
  switch (code) {
    case CloseCodes.FORBIDDEN: // a policy or a refresh for another subject: the app must decide (log out, reload)
    case CloseCodes.MALFORMED: // the server did not understand us; the same message would fail again
      return 'stop';
    case CloseCodes.UNAUTHORIZED:
    case CloseCodes.POLICY_VIOLATION:
      return 'fresh';
    case CloseCodes.TOO_MANY:
      return 'slow';
    default:
      return 'retry';
  }
}
