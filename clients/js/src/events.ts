// The events a WsAuthSocket dispatches besides `open` and `message`.
import type { WsAuthError } from './errors.js';

/** What a `close` event carries. */
export interface WsAuthCloseEventInit {
  code: number;
  reason?: string;
  wasClean?: boolean;
  willReconnect: boolean;
  retryIn?: number | null;
  error?: WsAuthError | null;
}

/** The `close` event: one per connection attempt that ended, and one when the client stops. */
export class WsAuthCloseEvent extends Event {
  declare readonly code: number;
  declare readonly reason: string;
  declare readonly wasClean: boolean;
  /** false when the client stopped for good. */
  declare readonly willReconnect: boolean;
  /** The delay before the next attempt, in ms, when `willReconnect`. */
  declare readonly retryIn: number | null;
  /** Why, when no close frame explains it (credentials could not be obtained, repeated refusals). */
  declare readonly error: WsAuthError | null;

  constructor(init: WsAuthCloseEventInit) {
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
  declare readonly error: WsAuthError;
  declare readonly message: string;

  constructor(error: WsAuthError) {
    super('error');
    this.error = error;
    this.message = error.message;
  }
}

/** The `refreshed` and `expiring` events, with the server's view of when the authentication expires. */
export class WsAuthExpiryEvent extends Event {
  declare readonly expiresAt: Date | null;

  constructor(type: 'refreshed' | 'expiring', expiresAt: Date | null) {
    super(type);
    this.expiresAt = expiresAt;
  }
}
