using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WsAuth;
using WsAuth.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the <c>Sec-WebSocket-Protocol</c> token authenticator.</summary>
public static class WebSocketAuthBuilderSubprotocolTokenExtensions
{
    /// <summary>
    /// Authenticates handshakes with a token in <c>Sec-WebSocket-Protocol</c> (method <c>"subprotocol"</c>), the way a
    /// browser can send one without putting it in the URL: <c>new WebSocket(url, ["chat.v1", "access_token", token])</c>, or
    /// Kubernetes' <c>base64url.bearer.authorization.k8s.io.&lt;base64url(token)&gt;</c> next to an app protocol. Token
    /// entries are hidden from endpoint code and never echoed; the server answers the app's protocol (or the marker).
    /// Add it before <c>AddCookie()</c> (a startup error otherwise).
    /// </summary>
    /// <param name="builder">The WsAuth builder.</param>
    /// <param name="configure">Optionally changes the marker or the prefixes; options bind from <c>WsAuth:SubprotocolToken</c> first.</param>
    /// <returns>The builder.</returns>
    public static WebSocketAuthBuilder AddSubprotocolToken(this WebSocketAuthBuilder builder, Action<WebSocketSubprotocolTokenOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebSocketSubprotocolTokenOptions>, WebSocketSubprotocolTokenOptionsValidator>());
        return TokenAuthenticatorRegistration.Add<WebSocketSubprotocolTokenOptions, SubprotocolTokenWebSocketAuthenticator>(
            builder,
            WebSocketAuthDefaults.SubprotocolMethod,
            WebSocketAuthDefaults.ConfigurationSection + ":SubprotocolToken",
            static (section, o) =>
            {
                if (section.GetSection(nameof(WebSocketSubprotocolTokenOptions.Marker)).Exists())
                {
                    // An empty value turns the marker format off.
                    o.Marker = string.IsNullOrEmpty(section[nameof(WebSocketSubprotocolTokenOptions.Marker)]) ? null : section[nameof(WebSocketSubprotocolTokenOptions.Marker)];
                }

                ConfigurationValues.List(section, nameof(WebSocketSubprotocolTokenOptions.Prefixes), o.Prefixes);
            },
            configure,
            static (sp, validator) => new SubprotocolTokenWebSocketAuthenticator(validator, sp.GetRequiredService<IOptions<WebSocketSubprotocolTokenOptions>>()));
    }
}
