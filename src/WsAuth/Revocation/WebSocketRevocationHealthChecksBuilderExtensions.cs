using Microsoft.Extensions.Diagnostics.HealthChecks;
using WsAuth.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the revocation health check.</summary>
public static class WebSocketRevocationHealthChecksBuilderExtensions
{
    /// <summary>
    /// Reports whether this instance's revocation state is current: Healthy when the backplane is subscribed and loaded,
    /// Degraded while it is lost but handshakes still go on (within <c>WsAuth:Revocation:MaxStaleness</c>), and
    /// <paramref name="failureStatus"/> while handshakes are refused with 503 <c>revocation_unavailable</c>. Needs
    /// <c>AddRevocation()</c>. The result holds counts only, never a user.
    /// </summary>
    /// <param name="builder">The health checks builder from <c>services.AddHealthChecks()</c>.</param>
    /// <param name="name">The name of the check.</param>
    /// <param name="failureStatus">The status reported while handshakes are refused; <see langword="null"/> for <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags to filter the check by (for example <c>ready</c>).</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddWebSocketRevocation(
        this IHealthChecksBuilder builder,
        string name = "wsauth-revocation",
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return builder.Add(new HealthCheckRegistration(name, static sp => ActivatorUtilities.CreateInstance<WebSocketRevocationHealthCheck>(sp), failureStatus, tags));
    }
}
