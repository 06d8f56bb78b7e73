namespace WsAuth;

/// <summary>
/// Options for WsAuth's handshake guard. Bound from the <c>WsAuth</c> configuration section, then from the delegate
/// given to <c>AddWebSocketAuth</c>. Validated when the app starts: an insecure or incomplete configuration throws.
/// </summary>
public sealed class WebSocketAuthOptions
{
    /// <summary>
    /// The origins allowed to open a WebSocket: exact origins (<c>https://app.example.com</c>,
    /// <c>https://app.example.com:8443</c>) or a wildcard left-most label (<c>https://*.example.com</c>, which matches
    /// <c>https://a.example.com</c> but not <c>https://example.com</c>). Scheme and host case, default ports and IDN
    /// hosts are normalized.
    /// </summary>
    /// <value>Empty by default. Empty is a startup error unless <see cref="AllowAnyOrigin"/> is set.</value>
    public IList<string> AllowedOrigins { get; } = new List<string>();

    /// <summary>
    /// Accept a handshake from any well-formed origin. Only for servers whose clients are all non-browser or that use no
    /// ambient credential: together with the cookie authenticator it is a startup error.
    /// </summary>
    /// <value>Defaults to <see langword="false"/>.</value>
    public bool AllowAnyOrigin { get; set; }

    /// <summary>
    /// Accept the opaque origin <c>null</c> (sandboxed iframes, <c>file:</c> and <c>data:</c> pages). Ambient credentials
    /// are never accepted from it, because any site can produce a <c>null</c> origin.
    /// </summary>
    /// <value>Defaults to <see langword="false"/>: <c>Origin: null</c> gets 403.</value>
    public bool AllowNullOrigin { get; set; }

    /// <summary>What to do with a handshake that has no <c>Origin</c> header (a non-browser client).</summary>
    /// <value>Defaults to <see cref="MissingOriginPolicy.AllowWithoutAmbientCredentials"/>.</value>
    public MissingOriginPolicy MissingOrigin { get; set; } = MissingOriginPolicy.AllowWithoutAmbientCredentials;

    /// <summary>
    /// Refuse handshakes that did not arrive over TLS (<c>ws://</c> rather than <c>wss://</c>) with 403. TLS terminated
    /// at a proxy counts when the app runs ASP.NET Core's forwarded-headers middleware before WsAuth.
    /// </summary>
    /// <value>
    /// Defaults to <see langword="null"/>, which means <see langword="true"/> in every environment but Development.
    /// </value>
    public bool? RequireSecureTransport { get; set; }

    /// <summary>Callbacks raised during the handshake.</summary>
    /// <value>An instance that does nothing.</value>
    public WebSocketAuthEvents Events { get; set; } = new();

    /// <summary>
    /// A type derived from <see cref="WebSocketAuthEvents"/> to resolve from dependency injection for every handshake,
    /// instead of <see cref="Events"/>.
    /// </summary>
    /// <value>Defaults to <see langword="null"/>.</value>
    public Type? EventsType { get; set; }

    /// <summary>The clock for expiry and limits.</summary>
    /// <value>Defaults to <see langword="null"/>: the <see cref="System.TimeProvider"/> registered in dependency injection, else the system clock.</value>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>How long authenticated sockets may live and how clients refresh them in-band.</summary>
    /// <value>Closes a socket when its credential expires; refresh on when a token validator is registered.</value>
    public WebSocketSessionOptions Sessions { get; } = new();

    /// <summary>Limits on handshake attempts per client IP and per user, and a lockout after repeated failures.</summary>
    /// <value>On, with the defaults documented on <see cref="WebSocketRateLimitOptions"/>.</value>
    public WebSocketRateLimitOptions RateLimiting { get; } = new();

    /// <summary>How authentication failures reach the client: an HTTP status, or a close code after the upgrade.</summary>
    /// <value>Defaults to <see cref="WebSocketRejectionMode.HttpStatus"/>.</value>
    public WebSocketRejectionMode RejectionMode { get; set; } = WebSocketRejectionMode.HttpStatus;

    /// <summary>
    /// Close every failed or ended socket with 1008 (policy violation) and no reason, instead of the documented 44xx
    /// codes and reason codes: for apps that reveal nothing about why.
    /// </summary>
    /// <value>Defaults to <see langword="false"/>.</value>
    public bool CloseWithPolicyViolation { get; set; }

    /// <summary>The authenticators, in the order they were added to the builder.</summary>
    internal List<Internal.AuthenticatorRegistration> Authenticators { get; } = [];
}
