using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace WsAuth.Internal;

/// <summary>
/// Healthy while the revocation state is known current; Degraded while the backplane is lost but handshakes are still
/// decided on the last known state; Unhealthy while handshakes are refused for want of it.
/// </summary>
internal sealed class WebSocketRevocationHealthCheck(WebSocketRevocationService revocation) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>
        {
            ["sessions"] = revocation.Registry.Count,
            ["revokedSubjects"] = revocation.RevokedSubjects,
            ["stalenessSeconds"] = Math.Round(revocation.Staleness.TotalSeconds, 1),
        };

        if (revocation.IsCurrent)
        {
            return Task.FromResult(HealthCheckResult.Healthy("The revocation state is current.", data));
        }

        return Task.FromResult(revocation.IsRefusing
            ? new HealthCheckResult(context.Registration.FailureStatus, "The revocation backplane is unreachable; handshakes are refused (503 revocation_unavailable).", data: data)
            : HealthCheckResult.Degraded("The revocation backplane is unreachable; handshakes are decided on the last known state.", data: data));
    }
}
