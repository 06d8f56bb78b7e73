using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WsAuth;
using WsAuth.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the ticket authenticator.</summary>
public static class WebSocketAuthBuilderTicketExtensions
{
    /// <summary>
    /// Authenticates handshakes with single-use, short-lived tickets (method <c>"ticket"</c>): the client, already
    /// signed in over HTTP, POSTs to the endpoint mapped with <c>app.MapWebSocketTickets("/ws/ticket")</c>, then opens
    /// <c>wss://host/ws?ticket=...</c>. A ticket authenticates at most one handshake, ever.
    /// </summary>
    /// <param name="builder">The WsAuth builder.</param>
    /// <param name="configure">Configures the tickets; they also bind from the <c>WsAuth:Tickets</c> configuration section.</param>
    /// <returns>The builder.</returns>
    /// <remarks>
    /// Tickets wait in an in-memory store unless another <see cref="IWebSocketTicketStore"/> is registered (for
    /// several instances: <c>AddPostgresTicketStore(...)</c> from WsAuth.Postgres, or your own). A lifetime above
    /// 5 minutes (<see cref="WebSocketTicketOptions.Lifetime"/>) fails at startup.
    /// </remarks>
    public static WebSocketAuthBuilder AddTickets(this WebSocketAuthBuilder builder, Action<WebSocketTicketOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<WebSocketTicketOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<WebSocketTicketOptions>, WebSocketTicketConfigureOptions>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebSocketTicketOptions>, WebSocketTicketOptionsValidator>());
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton<IWebSocketTicketStore, InMemoryTicketStore>();
        services.TryAddSingleton<TicketMetrics>();
        services.TryAddSingleton<WebSocketTicketIssuer>();
        return builder.AddAuthenticator<TicketWebSocketAuthenticator>(WebSocketAuthDefaults.TicketMethod);
    }
}
