namespace WsAuth;

/// <summary>What handshakes get while an instance cannot be sure it knows every revocation.</summary>
public enum WebSocketRevocationUnavailableBehavior
{
    /// <summary>
    /// Decide on the last known state for <see cref="WebSocketRevocationOptions.MaxStaleness"/> after the backplane was
    /// lost, then refuse every handshake with 503 <c>revocation_unavailable</c> until it is back (an instance that never
    /// loaded the state refuses at once). Open sockets stay open. The default: a short outage is invisible to users, a
    /// long one cannot let a revoked credential in.
    /// </summary>
    RefuseAfterStaleness = 0,

    /// <summary>
    /// Always decide on the last known state, however old: users keep connecting during an outage, but a revocation
    /// made on another instance meanwhile is not enforced here until the backplane is back. Logged and visible in the
    /// health check.
    /// </summary>
    AcceptLastKnownState = 1,
}
