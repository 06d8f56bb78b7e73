using Microsoft.Extensions.Diagnostics.HealthChecks;
using WsAuth.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds a health check of the WebSocket ticket store.</summary>
public static class WebSocketTicketStoreHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a health check of the ticket store WsAuth uses: the shared stores (<c>AddPostgresTicketStore</c>,
    /// <c>AddRedisTicketStore</c>) check that they can reach their server and write to it within their operation budget;
    /// the in-memory store is always healthy. A custom <see cref="WsAuth.IWebSocketTicketStore"/> takes part by also
    /// implementing <see cref="IHealthCheck"/>. The result never holds a ticket, a key or a connection string.
    /// </summary>
    /// <param name="builder">The health checks builder from <c>services.AddHealthChecks()</c>.</param>
    /// <param name="name">The name of the check.</param>
    /// <param name="failureStatus">The status reported when the store cannot answer; <see langword="null"/> for <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags to filter the check by (for example <c>ready</c>).</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddWebSocketTicketStore(
        this IHealthChecksBuilder builder,
        string name = "wsauth-ticket-store",
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return builder.Add(new HealthCheckRegistration(name, static sp => ActivatorUtilities.CreateInstance<TicketStoreHealthCheck>(sp), failureStatus, tags));
    }
}
