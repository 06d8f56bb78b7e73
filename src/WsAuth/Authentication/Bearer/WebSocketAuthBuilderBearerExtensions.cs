using Microsoft.Extensions.DependencyInjection.Extensions;
using WsAuth;
using WsAuth.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the <c>Authorization: Bearer</c> header authenticator.</summary>
public static class WebSocketAuthBuilderBearerExtensions
{
    /// <summary>
    /// Authenticates handshakes with <c>Authorization: Bearer &lt;token&gt;</c> (method <c>"bearer"</c>), for non-browser
    /// clients: browsers cannot set headers on a WebSocket. Tokens are validated by the registered
    /// <see cref="IWebSocketTokenValidator"/> (<c>AddJwtValidation()</c> or <c>AddTokenValidationScheme()</c>).
    /// </summary>
    /// <param name="builder">The WsAuth builder.</param>
    /// <returns>The builder.</returns>
    public static WebSocketAuthBuilder AddBearer(this WebSocketAuthBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton(static sp => new BearerWebSocketAuthenticator(TokenValidation.Required(sp)));
        return builder.AddAuthenticator<BearerWebSocketAuthenticator>(WebSocketAuthDefaults.BearerMethod, needsTokenValidator: true);
    }
}
