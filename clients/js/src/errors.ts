// Errors of this client. The message never contains a credential (token, ticket).

/** Details of a `WsAuthError`. */
export interface WsAuthErrorDetails {
  /** The HTTP status of the ticket endpoint, when it answered. */
  status?: number;
  /** Whether the client tries again by itself. */
  retryable?: boolean;
  /** The underlying error. */
  cause?: unknown;
}

/** An error of this client. `code` is stable and machine-readable; the message never contains a credential. */
export class WsAuthError extends Error {
  declare readonly name: 'WsAuthError';
  /**
   * `ticket_refused`, `ticket_unavailable`, `ticket_invalid_response`, `token_unavailable`, `no_token`,
   * `token_not_protocol_safe`, `socket_error`, `auth_timeout`, `not_acknowledged`, `unauthorized`, `refresh_failed`,
   * `invalid_socket_arguments`, `connect_failed`, `closed`.
   */
  declare readonly code: string;
  /** The HTTP status of the ticket endpoint, when it answered. */
  declare readonly status: number | undefined;
  /** Whether the client tries again by itself. */
  declare readonly retryable: boolean;

  constructor(code: string, message: string, details: WsAuthErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'WsAuthError';
    this.code = code;
    this.status = details.status;
    this.retryable = details.retryable === true;
  }
}

/** `error` as a `WsAuthError`: a foreign error becomes `connect_failed`, naming only its type. */
export function asWsAuthError(error: unknown): WsAuthError {
  return error instanceof WsAuthError
    ? error
    : new WsAuthError('connect_failed', `Connecting failed: ${(error as Error | undefined)?.name ?? 'Error'}.`, { cause: error });
}
