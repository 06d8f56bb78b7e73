namespace WsAuth;

/// <summary>How WsAuth tells a client that authentication failed.</summary>
/// <remarks>
/// Browsers hide the HTTP status of a failed WebSocket handshake: script sees only close code 1006, the same as a
/// network failure. <see cref="CloseAfterUpgrade"/> lets browser clients tell "expired" from "network".
/// </remarks>
public enum WebSocketRejectionMode
{
    /// <summary>The default: an HTTP status (401, 403...) with the reason as body, before the upgrade.</summary>
    HttpStatus = 0,

    /// <summary>
    /// Authentication failures (no credentials, an invalid or expired credential, a failed endpoint policy or a rejection
    /// by <see cref="WebSocketAuthEvents.OnAuthenticated"/>) accept the socket and close it at once with 4000 + the status
    /// (4401, 4403...) and the reason code as close reason. The endpoint never runs and no application data flows.
    /// Transport, Origin and rate-limit rejections stay HTTP statuses.
    /// </summary>
    CloseAfterUpgrade = 1,
}
