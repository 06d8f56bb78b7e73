using WsAuth;
using WsAuth.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the cookie authenticator.</summary>
public static class WebSocketAuthBuilderCookieExtensions
{
    /// <summary>
    /// Authenticates handshakes with the app's ASP.NET Core authentication cookie (method <c>"cookie"</c>). Cookies are
    /// ambient credentials: they are accepted only from an allowed, present <c>Origin</c>, and combining this method with
    /// <see cref="WebSocketAuthOptions.AllowAnyOrigin"/> is a startup error.
    /// </summary>
    /// <param name="builder">The WsAuth builder.</param>
    /// <param name="configure">Optionally names the authentication scheme; the default authenticate scheme otherwise.</param>
    /// <returns>The builder.</returns>
    public static WebSocketAuthBuilder AddCookie(this WebSocketAuthBuilder builder, Action<WebSocketCookieOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<WebSocketCookieOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return builder.AddAuthenticator<CookieWebSocketAuthenticator>(WebSocketAuthDefaults.CookieMethod, usesAmbientCredentials: true);
    }
}
