namespace WsAuth;

/// <summary>Names WsAuth uses by default.</summary>
public static class WebSocketAuthDefaults
{
    /// <summary>The configuration section options bind from: <c>WsAuth</c> (so <c>--WsAuth:AllowedOrigins:0=https://x</c> works).</summary>
    public const string ConfigurationSection = "WsAuth";

    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/>: <c>WsAuth</c>.</summary>
    public const string MeterName = "WsAuth";

    /// <summary>The method name of the cookie authenticator.</summary>
    public const string CookieMethod = "cookie";

    /// <summary>The method name of the ticket authenticator.</summary>
    public const string TicketMethod = "ticket";
}
