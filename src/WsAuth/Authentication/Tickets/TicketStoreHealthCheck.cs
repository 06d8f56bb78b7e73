using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace WsAuth.Internal;

/// <summary>
/// The health of the ticket store WsAuth uses: the store's own check when it has one (the PostgreSQL and Redis stores do),
/// otherwise healthy (the in-memory store lives in the process). Without <c>AddTickets()</c> there is no store to check.
/// </summary>
internal sealed class TicketStoreHealthCheck(IServiceProvider services) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return services.GetService<IWebSocketTicketStore>() switch
        {
            null => Task.FromResult(new HealthCheckResult(
                context.Registration.FailureStatus,
                "No WebSocket ticket store is registered: call AddWebSocketAuth(...).AddTickets().")),
            IHealthCheck check => check.CheckHealthAsync(context, cancellationToken),
            var store => Task.FromResult(HealthCheckResult.Healthy(
                store is InMemoryTicketStore ? "The in-memory ticket store lives in this process." : "The ticket store has no health check of its own.",
                new Dictionary<string, object> { ["store"] = store is InMemoryTicketStore ? "memory" : "custom" })),
        };
    }
}
