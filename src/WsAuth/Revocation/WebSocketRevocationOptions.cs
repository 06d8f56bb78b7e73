namespace WsAuth;

/// <summary>Options of revocation (<c>AddRevocation()</c>), bound from the <c>WsAuth:Revocation</c> configuration section.</summary>
public sealed class WebSocketRevocationOptions
{
    /// <summary>
    /// The longest any credential the app accepts lives (its longest cookie, token or refresh lifetime). A revocation is
    /// kept, and enforced, this long after its instant: after that, every credential it covers has expired anyway.
    /// Too short a value lets a long-lived credential come back when its revocation is forgotten.
    /// </summary>
    /// <value>Defaults to 14 days (the default lifetime of an ASP.NET Core authentication cookie).</value>
    public TimeSpan MaxCredentialLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>What a handshake gets while this instance cannot be sure it knows every revocation (the backplane is unreachable, or was never reached).</summary>
    /// <value>Defaults to <see cref="WebSocketRevocationUnavailableBehavior.RefuseAfterStaleness"/>.</value>
    public WebSocketRevocationUnavailableBehavior WhenUnavailable { get; set; } = WebSocketRevocationUnavailableBehavior.RefuseAfterStaleness;

    /// <summary>
    /// With <see cref="WebSocketRevocationUnavailableBehavior.RefuseAfterStaleness"/>: how long after the backplane was
    /// lost handshakes are still decided on the last known state, before they are refused with 503
    /// <c>revocation_unavailable</c>. An instance that never loaded the state refuses from the start.
    /// </summary>
    /// <value>Defaults to 30 seconds.</value>
    public TimeSpan MaxStaleness { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The wait between two attempts to reach a lost backplane.</summary>
    /// <value>Defaults to 1 second.</value>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the app's start waits for the first load of the revocation state before going on (handshakes are refused until it arrives, per <see cref="WhenUnavailable"/>).</summary>
    /// <value>Defaults to 5 seconds.</value>
    public TimeSpan StartupWait { get; set; } = TimeSpan.FromSeconds(5);
}
