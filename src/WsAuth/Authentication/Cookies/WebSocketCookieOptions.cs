namespace WsAuth;

/// <summary>Options of the cookie authenticator (<c>AddCookie()</c>).</summary>
public sealed class WebSocketCookieOptions
{
    /// <summary>The ASP.NET Core authentication scheme whose cookie authenticates the handshake.</summary>
    /// <value>Defaults to <see langword="null"/>: the app's default authenticate scheme.</value>
    public string? Scheme { get; set; }
}
