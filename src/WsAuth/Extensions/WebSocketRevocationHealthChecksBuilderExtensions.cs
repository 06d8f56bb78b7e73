using WsAuth.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the revocation health check.</summary>
public static class WebSocketRevocationHealthChecksBuilderExtensions
{
    /// <summary>
    /// Reports whether this instance's revocation state is current: Healthy when the backplane is subscribed and loaded,
    /// Degraded while it is lost but handshakes still go on, Unhealthy (the registration's failure status) while
    /// handshakes are refused with 503 <c>revocation_unavailable</c>. Needs <c>AddRevocation()</c>.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddWebSocketRevocation(this IHealthChecksBuilder builder, string name = "wsauth-revocation")
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        return builder.AddCheck<WebSocketRevocationHealthCheck>(name, tags: ["wsauth"]);
    }
}
