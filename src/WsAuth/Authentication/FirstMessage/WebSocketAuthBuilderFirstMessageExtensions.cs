using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WsAuth;
using WsAuth.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the first-message authenticator.</summary>
public static class WebSocketAuthBuilderFirstMessageExtensions
{
    /// <summary>
    /// Authenticates with the client's first message (method <c>"first-message"</c>), for clients that cannot put a
    /// credential on the handshake and should not put it in the URL. When no other authenticator finds a credential on
    /// the handshake, WsAuth accepts the socket and waits for <c>{"type":"auth","token":"..."}</c>, validated by the
    /// registered <see cref="IWebSocketTokenValidator"/>; the endpoint runs only after it is accepted. Options bind from
    /// <c>WsAuth:FirstMessage</c>.
    /// </summary>
    /// <param name="builder">The WsAuth builder.</param>
    /// <param name="configure">Adjusts the deadline, size cap, waiting-socket caps and acknowledgement.</param>
    /// <returns>The builder.</returns>
    /// <remarks>
    /// The first-message method always runs last, after every handshake authenticator, wherever it is added: a
    /// credential on the handshake wins, and a presented-but-invalid one is still rejected before the upgrade. An
    /// <see cref="IWebSocketTokenValidator"/> must be registered, or the app fails to start.
    /// </remarks>
    public static WebSocketAuthBuilder AddFirstMessage(this WebSocketAuthBuilder builder, Action<WebSocketFirstMessageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<WebSocketFirstMessageOptions>().ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<WebSocketFirstMessageOptions>, WebSocketFirstMessageConfigureOptions>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebSocketFirstMessageOptions>, WebSocketFirstMessageOptionsValidator>());
        if (configure is not null)
        {
            options.Configure(configure);
        }

        // A stage after the upgrade, not an authenticator: listed with the methods (names, WithWebSocketAuthMethods, the
        // startup checks) but never asked to authenticate a handshake.
        builder.Services.TryAddSingleton<FirstMessageStage>();
        var registration = new AuthenticatorRegistration(WebSocketAuthDefaults.FirstMessageMethod, typeof(FirstMessageStage), UsesAmbientCredentials: false, AfterUpgrade: true);
        builder.Services.Configure<WebSocketAuthOptions>(o => o.Authenticators.Add(registration));
        return builder;
    }
}
