using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WsAuth;
using WsAuth.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the Redis revocation backplane.</summary>
public static class WebSocketAuthBuilderRedisRevocationExtensions
{
    /// <summary>
    /// Turns revocation on (<c>AddRevocation()</c>) and shares it through Redis: one key per revoked user (TTL: the end
    /// of the revocation) that a new or restarted instance loads, and a pub/sub channel that tells every instance at
    /// once, so that a revocation made on any instance closes the user's sockets on all of them.
    /// </summary>
    /// <param name="builder">The WsAuth builder.</param>
    /// <param name="configuration">The StackExchange.Redis configuration string; <see langword="null"/> for <c>WsAuth:Redis:Configuration</c>.</param>
    /// <param name="configure">Configures the backplane; it also binds from the <c>WsAuth:Redis:Revocation</c> configuration section.</param>
    /// <param name="revocation">Configures revocation itself.</param>
    /// <returns>The builder.</returns>
    public static WebSocketAuthBuilder AddRedisRevocation(
        this WebSocketAuthBuilder builder,
        string? configuration = null,
        Action<RedisRevocationOptions>? configure = null,
        Action<WebSocketRevocationOptions>? revocation = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        builder.AddRevocation(revocation);
        services.AddOptions<RedisRevocationOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<RedisRevocationOptions>, RedisRevocationConfigureOptions>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisRevocationOptions>, RedisRevocationOptionsValidator>());
        services.Configure<RedisRevocationOptions>(o =>
        {
            if (!string.IsNullOrWhiteSpace(configuration))
            {
                o.Configuration = configuration;
            }

            configure?.Invoke(o);
        });
        services.TryAddSingleton<RedisRevocationBackplane>();
        services.RemoveAll<IWebSocketRevocationBackplane>();
        services.AddSingleton<IWebSocketRevocationBackplane>(static sp => sp.GetRequiredService<RedisRevocationBackplane>());
        return builder;
    }
}
