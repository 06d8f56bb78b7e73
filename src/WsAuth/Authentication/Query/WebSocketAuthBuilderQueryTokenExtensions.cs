using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WsAuth;
using WsAuth.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the query-string token authenticator.</summary>
public static class WebSocketAuthBuilderQueryTokenExtensions
{
    /// <summary>
    /// Authenticates handshakes with a token in the query string, <c>?access_token=&lt;token&gt;</c> by default (method
    /// <c>"query"</c>). Prefer tickets or the subprotocol token: URLs are written to server, proxy and browser logs, so a
    /// token there outlives the request. WsAuth logs a warning at startup when ASP.NET Core's hosting logs request URLs.
    /// </summary>
    /// <param name="builder">The WsAuth builder.</param>
    /// <param name="configure">Optionally renames the query parameter; options bind from <c>WsAuth:QueryToken</c> first.</param>
    /// <returns>The builder.</returns>
    public static WebSocketAuthBuilder AddQueryToken(this WebSocketAuthBuilder builder, Action<WebSocketQueryTokenOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<WebSocketQueryTokenOptions>()
            .Validate(static o => !string.IsNullOrWhiteSpace(o.ParameterName), "WsAuth:QueryToken:ParameterName must not be empty.");
        return TokenAuthenticatorRegistration.Add<WebSocketQueryTokenOptions, QueryTokenWebSocketAuthenticator>(
            builder,
            WebSocketAuthDefaults.QueryMethod,
            WebSocketAuthDefaults.ConfigurationSection + ":QueryToken",
            static (section, o) => ConfigurationValues.String(section, nameof(WebSocketQueryTokenOptions.ParameterName), v => o.ParameterName = v),
            configure,
            static (sp, validator) => new QueryTokenWebSocketAuthenticator(validator, sp.GetRequiredService<IOptions<WebSocketQueryTokenOptions>>(), sp.GetRequiredService<ILoggerFactory>()));
    }
}
