namespace WsAuth;

/// <summary>Names WsAuth uses by default.</summary>
public static class WebSocketAuthDefaults
{
    /// <summary>The configuration section options bind from: <c>WsAuth</c> (so <c>--WsAuth:AllowedOrigins:0=https://x</c> works).</summary>
    public const string ConfigurationSection = "WsAuth";

    /// <summary>
    /// The name of the <see cref="System.Diagnostics.Metrics.Meter"/>: <c>WsAuth</c> (with OpenTelemetry:
    /// <c>.WithMetrics(m =&gt; m.AddMeter(WebSocketAuthDefaults.MeterName))</c>). Its instruments are listed in docs/observability.md.
    /// </summary>
    public const string MeterName = "WsAuth";

    /// <summary>
    /// The name of the <see cref="System.Diagnostics.ActivitySource"/>: <c>WsAuth</c> (with OpenTelemetry:
    /// <c>.WithTracing(t =&gt; t.AddSource(WebSocketAuthDefaults.ActivitySourceName))</c>). It records one
    /// <c>wsauth.handshake</c> activity per guarded handshake; docs/observability.md lists its activities and tags.
    /// </summary>
    public const string ActivitySourceName = "WsAuth";

    /// <summary>The method name of the cookie authenticator.</summary>
    public const string CookieMethod = "cookie";

    /// <summary>The method name of the <c>Authorization: Bearer</c> header authenticator.</summary>
    public const string BearerMethod = "bearer";

    /// <summary>The method name of the query-string token authenticator.</summary>
    public const string QueryMethod = "query";

    /// <summary>The method name of the <c>Sec-WebSocket-Protocol</c> token authenticator.</summary>
    public const string SubprotocolMethod = "subprotocol";

    /// <summary>The default query parameter that carries a token: <c>access_token</c>.</summary>
    public const string QueryTokenParameter = "access_token";

    /// <summary>
    /// The default marker protocol of the subprotocol token: the entry after it is the token, as in
    /// <c>new WebSocket(url, ["chat.v1", "access_token", token])</c>.
    /// </summary>
    public const string SubprotocolTokenMarker = "access_token";

    /// <summary>
    /// Kubernetes' subprotocol token prefix: <c>base64url.bearer.authorization.k8s.io.</c> followed by the unpadded
    /// base64url encoding of the token.
    /// </summary>
    public const string KubernetesSubprotocolTokenPrefix = "base64url.bearer.authorization.k8s.io.";

    /// <summary>The method name of the first-message authenticator.</summary>
    public const string FirstMessageMethod = "first-message";

    /// <summary>The method name of the ticket authenticator.</summary>
    public const string TicketMethod = "ticket";
}
