namespace WsAuth;

/// <summary>
/// How long an authenticated socket may live, and how a client extends it without reconnecting. Part of
/// <see cref="WebSocketAuthOptions.Sessions"/>, bound from the <c>WsAuth:Sessions</c> configuration section.
/// </summary>
/// <remarks>
/// A session ends at its <em>end</em>: the earlier of the credential's expiry (<see cref="IWebSocketAuthFeature.ExpiresAt"/>,
/// when <see cref="CloseOnExpiry"/> is on) and the handshake time plus <see cref="MaxSessionLength"/>. WsAuth then closes
/// the socket with 4401 and reason <c>expired</c>. A client that sends <c>{"type":"refresh","token":"..."}</c> before
/// then, with a token valid for the same subject, moves the end to the new token's expiry (never past
/// <see cref="MaxSessionLength"/>).
/// </remarks>
public sealed class WebSocketSessionOptions
{
    /// <summary>
    /// Close the socket with 4401 <c>expired</c> when the credential it was authenticated with expires (a JWT's
    /// <c>exp</c>, the cookie's expiry, a ticket's carried expiry), unless the client refreshed it in time.
    /// </summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool CloseOnExpiry { get; set; } = true;

    /// <summary>
    /// The longest a socket may stay open from its handshake, whatever its credential says; a refresh does not extend
    /// it. Reaching it closes the socket with 4401 <c>expired</c>.
    /// </summary>
    /// <value>Defaults to <see langword="null"/>: no cap beyond the credential's own expiry.</value>
    public TimeSpan? MaxSessionLength { get; set; }

    /// <summary>
    /// Accept in-band refresh messages (<c>{"type":"refresh","token":"..."}</c>), validated by the registered
    /// <see cref="IWebSocketTokenValidator"/>. When refresh is on, WsAuth consumes every text message that starts with
    /// <see cref="IWebSocketAuthMessageParser.RefreshPrefix"/>; endpoint code never receives one.
    /// </summary>
    /// <value>
    /// Defaults to <see langword="null"/>: on when an <see cref="IWebSocketTokenValidator"/> is registered, off otherwise.
    /// <see langword="true"/> without a validator is a startup error; <see langword="false"/> turns message inspection off.
    /// </value>
    public bool? AllowRefresh { get; set; }

    /// <summary>
    /// When set, WsAuth sends <c>{"type":"wsauth.expiring","expiresAt":"..."}</c> this long before the session ends,
    /// so that the client can refresh in time.
    /// </summary>
    /// <value>Defaults to <see langword="null"/>: no warning.</value>
    public TimeSpan? ExpiryWarning { get; set; }

    /// <summary>The largest refresh message accepted, in bytes; a longer one closes the socket with 4400.</summary>
    /// <value>Defaults to 16384 (16 KiB).</value>
    public int MaxRefreshMessageSize { get; set; } = 16 * 1024;

    /// <summary>
    /// Refresh messages one socket may send per minute; the next closes it with 4429 <c>rate_limited</c>. Clients refresh
    /// once per token lifetime, so a handful is plenty; the limit bounds the validation work one socket can cause.
    /// </summary>
    /// <value>Defaults to 6. Must be between 1 and 600.</value>
    public int MaxRefreshesPerMinute { get; set; } = 6;
}
