namespace WsAuth;

/// <summary>
/// Options of the first-message authenticator (<c>AddFirstMessage()</c>), bound from the <c>WsAuth:FirstMessage</c>
/// configuration section.
/// </summary>
public sealed class WebSocketFirstMessageOptions
{
    /// <summary>
    /// How long an accepted socket has to deliver a valid first message, counted in wall time from the upgrade: slow
    /// fragments do not extend it. A socket that misses it is closed with 4408. While more than three quarters of
    /// <see cref="MaxPendingSockets"/> are taken, new sockets get a quarter of it (at least 1 second, never more than it).
    /// </summary>
    /// <value>Defaults to 5 seconds. Must be between 1 millisecond and 5 minutes.</value>
    public TimeSpan Deadline { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The largest first message accepted, in bytes; a longer one closes the socket with 4400.</summary>
    /// <value>Defaults to 16384 (16 KiB). Must be between 256 bytes and 1 MiB.</value>
    public int MaxMessageSize { get; set; } = 16 * 1024;

    /// <summary>
    /// How many sockets may wait for their first message at once, over all clients. Beyond it handshakes get 429 with
    /// <c>Retry-After</c> before the upgrade.
    /// </summary>
    /// <value>Defaults to 1000.</value>
    public int MaxPendingSockets { get; set; } = 1000;

    /// <summary>How many sockets one client IP may hold waiting for their first message; beyond it, 429 before the upgrade.</summary>
    /// <value>Defaults to 20.</value>
    public int MaxPendingSocketsPerClient { get; set; } = 20;

    /// <summary>
    /// How many sockets one network (an IPv4 /24, an IPv6 /64) may hold waiting for their first message, over all its
    /// addresses; beyond it, 429 before the upgrade. It keeps one network with many addresses from filling
    /// <see cref="MaxPendingSockets"/>.
    /// </summary>
    /// <value>Defaults to 100.</value>
    public int MaxPendingSocketsPerNetwork { get; set; } = 100;

    /// <summary>
    /// Send <c>{"type":"wsauth.authenticated","expiresAt":"..."}</c> once the first message is accepted, before endpoint
    /// code runs, so that the client knows when it may send application messages.
    /// </summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool SendAcknowledgement { get; set; } = true;
}
