using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using WsAuth;
using WsAuth.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds revocation: disconnect users and sessions, refuse credentials issued before an instant.</summary>
public static class WebSocketAuthBuilderRevocationExtensions
{
    /// <summary>
    /// Turns revocation on: every socket WsAuth admits is registered by its user and a session id, and
    /// <see cref="IWebSocketRevocation"/> can be resolved to close sockets and refuse earlier credentials (401
    /// <c>revoked</c> at the handshake and at refresh, close 4401 <c>revoked</c> for open sockets).
    /// </summary>
    /// <param name="builder">The WsAuth builder.</param>
    /// <param name="configure">Configures revocation; it also binds from the <c>WsAuth:Revocation</c> configuration section.</param>
    /// <returns>The builder.</returns>
    /// <remarks>
    /// <para>Cookie schemes' sliding expiration never renews a revoked cookie (a renewal would give it a new issue time).</para>
    /// Revocations live in memory unless a shared backplane is added (<c>AddPostgresRevocation(...)</c> from
    /// WsAuth.Postgres, <c>AddRedisRevocation(...)</c> from WsAuth.Redis, or your own
    /// <see cref="IWebSocketRevocationBackplane"/>): in memory, they reach only this instance and end with it.
    /// </remarks>
    public static WebSocketAuthBuilder AddRevocation(this WebSocketAuthBuilder builder, Action<WebSocketRevocationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<WebSocketRevocationOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<WebSocketRevocationOptions>, WebSocketRevocationConfigureOptions>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebSocketRevocationOptions>, WebSocketRevocationOptionsValidator>());
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions>, RevokedCookieRenewalGuard>());
        services.TryAddSingleton<IWebSocketRevocationBackplane, InMemoryRevocationBackplane>();
        services.TryAddSingleton<SessionRegistry>();
        if (!services.Any(d => d.ServiceType == typeof(WebSocketRevocationService)))
        {
            services.AddSingleton<WebSocketRevocationService>();
            services.AddSingleton<IWebSocketRevocation>(static sp => sp.GetRequiredService<WebSocketRevocationService>());
            services.AddSingleton<IHostedService>(static sp => sp.GetRequiredService<WebSocketRevocationService>());
        }

        return builder;
    }
}
