using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
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
        var services = builder.Services;
        var options = services.AddOptions<WebSocketQueryTokenOptions>()
            .Configure<IServiceProvider>(static (o, sp) =>
            {
                if (sp.GetService<IConfiguration>()?.GetSection(WebSocketAuthDefaults.ConfigurationSection + ":QueryToken") is { } section)
                {
                    ConfigurationValues.String(section, nameof(WebSocketQueryTokenOptions.ParameterName), v => o.ParameterName = v);
                }
            })
            .Validate(static o => !string.IsNullOrWhiteSpace(o.ParameterName), "WsAuth:QueryToken:ParameterName must not be empty.")
            .ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebSocketAuthOptions>, TokenAuthenticatorsValidator>());
        builder.Services.TryAddSingleton(static sp => new QueryTokenWebSocketAuthenticator(TokenValidation.Required(sp), sp.GetRequiredService<IOptions<WebSocketQueryTokenOptions>>(), sp.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>()));
        return builder.AddAuthenticator<QueryTokenWebSocketAuthenticator>(WebSocketAuthDefaults.QueryMethod);
    }
}
