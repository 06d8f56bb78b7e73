using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WsAuth;
using WsAuth.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers WsAuth in an <see cref="IServiceCollection"/>.</summary>
public static class WebSocketAuthServiceCollectionExtensions
{
    /// <summary>
    /// Adds WsAuth's services. Options bind from the <c>WsAuth</c> configuration section, then
    /// <paramref name="configure"/> runs. Add authenticators on the returned builder, then call
    /// <c>app.UseWebSocketAuth()</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the options, typically the allowed origins.</param>
    /// <returns>A builder to add authenticators with.</returns>
    /// <remarks>
    /// Options are validated when the app starts; an incomplete or insecure configuration (no allowed origins, no
    /// authenticator, any origin with cookies...) throws an <see cref="OptionsValidationException"/> that names the fix.
    /// </remarks>
    public static WebSocketAuthBuilder AddWebSocketAuth(this IServiceCollection services, Action<WebSocketAuthOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var builder = services.AddWebSocketAuth();
        services.Configure(configure);
        return builder;
    }

    /// <summary>Adds WsAuth's services with options from the <c>WsAuth</c> configuration section only.</summary>
    /// <param name="services">The service collection.</param>
    /// <returns>A builder to add authenticators with.</returns>
    public static WebSocketAuthBuilder AddWebSocketAuth(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<WebSocketAuthOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<WebSocketAuthOptions>, WebSocketAuthConfigureOptions>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebSocketAuthOptions>, WebSocketAuthOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebSocketAuthOptions>, WebSocketAuthServicesValidator>());
        services.TryAddSingleton<IWebSocketAuthMessageParser>(JsonWebSocketAuthMessageParser.Instance);
        services.TryAddSingleton<HandshakeRateLimiter>();
        services.TryAddSingleton<RejectionLogLimiter>();
        services.AddMetrics();
        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<WebSocketAuthMetrics>();
        services.TryAddSingleton<WebSocketAuthMarkerService>();
        return new WebSocketAuthBuilder(services);
    }
}
