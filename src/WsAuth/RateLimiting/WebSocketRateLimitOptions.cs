namespace WsAuth;

/// <summary>
/// Limits on how often clients may attempt WebSocket handshakes. Part of <see cref="WebSocketAuthOptions.RateLimiting"/>,
/// bound from the <c>WsAuth:RateLimiting</c> configuration section. A handshake over a limit gets 429 with
/// <c>Retry-After</c> before the upgrade.
/// </summary>
/// <remarks>
/// <para>The client is <c>HttpContext.Connection.RemoteIpAddress</c> (IPv6 addresses grouped by
/// <see cref="ClientIPv6PrefixLength"/>). Headers such as <c>X-Forwarded-For</c> are never read: behind a reverse proxy,
/// run ASP.NET Core's forwarded-headers middleware (<c>app.UseForwardedHeaders()</c>, with the proxy in
/// <c>KnownProxies</c>) before <c>UseWebSocketAuth()</c>, or every client shares the proxy's budget.</para>
/// <para>A limit set to 0 is off.</para>
/// </remarks>
public sealed class WebSocketRateLimitOptions
{
    /// <summary>Whether the handshake limits apply at all.</summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>Handshake attempts one client IP may make per <see cref="Window"/>, whatever their outcome.</summary>
    /// <value>Defaults to 300.</value>
    public int PermitsPerClient { get; set; } = 300;

    /// <summary>Authenticated handshakes one user (its subject) may make per <see cref="Window"/>, from any address.</summary>
    /// <value>Defaults to 60.</value>
    public int PermitsPerUser { get; set; } = 60;

    /// <summary>The sliding window of <see cref="PermitsPerClient"/> and <see cref="PermitsPerUser"/>.</summary>
    /// <value>Defaults to 1 minute.</value>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Rejected credentials (invalid tokens, tickets or cookies, malformed or late first messages) one client IP may
    /// present per <see cref="LockoutWindow"/>; the last one locks the client out for <see cref="LockoutDuration"/>.
    /// Expired credentials do not count.
    /// </summary>
    /// <value>Defaults to 30.</value>
    public int LockoutThreshold { get; set; } = 30;

    /// <summary>The window in which <see cref="LockoutThreshold"/> failures lock a client out.</summary>
    /// <value>Defaults to 1 minute.</value>
    public TimeSpan LockoutWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a locked-out client gets 429 <c>locked_out</c>, whatever it presents.</summary>
    /// <value>Defaults to 5 minutes.</value>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>IPv6 clients are counted per network prefix of this length (a single host usually holds a whole /64).</summary>
    /// <value>Defaults to 64.</value>
    public int ClientIPv6PrefixLength { get; set; } = 64;
}
