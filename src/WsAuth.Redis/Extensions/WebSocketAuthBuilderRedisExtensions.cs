using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using WsAuth;
using WsAuth.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the Redis ticket store.</summary>
public static class WebSocketAuthBuilderRedisExtensions
{
    /// <summary>
    /// Keeps WebSocket tickets in Redis, so every instance of the app behind a load balancer can redeem a ticket any other
    /// instance issued, still exactly once. Use with <c>AddTickets()</c>. Replaces the in-memory store.
    /// </summary>
    /// <remarks>
    /// The Redis comes from, in this order: <c>WsAuth:Redis:Configuration</c> (or <see cref="RedisTicketStoreOptions.Configuration"/>
    /// set by <paramref name="configure"/>); the app's own <c>AddStackExchangeRedisCache(...)</c> set-up
    /// (<c>RedisCacheOptions.ConfigurationOptions</c>, <c>Configuration</c> or <c>ConnectionMultiplexerFactory</c>), so an app
    /// configures Redis once; an <see cref="IConnectionMultiplexer"/> registered in the services (the app keeps owning it).
    /// With none of them, the app does not start and the error says what to set.
    /// </remarks>
    /// <param name="builder">The WsAuth builder.</param>
    /// <param name="configure">Configures the store; it also binds from the <c>WsAuth:Redis</c> configuration section.</param>
    /// <returns>The builder.</returns>
    public static WebSocketAuthBuilder AddRedisTicketStore(this WebSocketAuthBuilder builder, Action<RedisTicketStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return Add(builder, null, configure);
    }

    /// <summary>
    /// Keeps WebSocket tickets in the Redis named by a StackExchange.Redis configuration string; the store opens and owns
    /// its connection. Use with <c>AddTickets()</c>. Replaces the in-memory store.
    /// </summary>
    /// <param name="builder">The WsAuth builder.</param>
    /// <param name="configuration">A StackExchange.Redis configuration string, such as <c>redis:6379,password=...</c>.</param>
    /// <param name="configure">Configures the store; it also binds from the <c>WsAuth:Redis</c> configuration section.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="configuration"/> is empty.</exception>
    public static WebSocketAuthBuilder AddRedisTicketStore(this WebSocketAuthBuilder builder, string configuration, Action<RedisTicketStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        return Add(builder, null, o =>
        {
            o.Configuration = configuration;
            configure?.Invoke(o);
        });
    }

    /// <summary>
    /// Keeps WebSocket tickets in Redis through the app's own <see cref="IConnectionMultiplexer"/> (which the app keeps
    /// owning and disposing). Use with <c>AddTickets()</c>. Replaces the in-memory store.
    /// </summary>
    /// <remarks>
    /// The connection's own settings apply: give it <c>AbortOnConnectFail=false</c> so the app starts while Redis is down,
    /// and preferably <c>BacklogPolicy.FailFast</c> (docs/redis.md).
    /// </remarks>
    /// <param name="builder">The WsAuth builder.</param>
    /// <param name="connection">The connection to use.</param>
    /// <param name="configure">Configures the store; it also binds from the <c>WsAuth:Redis</c> configuration section.</param>
    /// <returns>The builder.</returns>
    public static WebSocketAuthBuilder AddRedisTicketStore(this WebSocketAuthBuilder builder, IConnectionMultiplexer connection, Action<RedisTicketStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(connection);
        return Add(builder, connection, configure);
    }

    private static WebSocketAuthBuilder Add(WebSocketAuthBuilder builder, IConnectionMultiplexer? connection, Action<RedisTicketStoreOptions>? configure)
    {
        var services = builder.Services;
        services.AddOptions<RedisTicketStoreOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<RedisTicketStoreOptions>, RedisTicketStoreConfigureOptions>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisTicketStoreOptions>, RedisTicketStoreOptionsValidator>());
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.RemoveAll<RedisTicketConnection.GivenConnection>();
        if (connection is not null)
        {
            services.AddSingleton(new RedisTicketConnection.GivenConnection(connection));
        }

        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RedisTicketConnection>();
        services.TryAddSingleton<RedisTicketStore>();
        services.RemoveAll<IWebSocketTicketStore>();
        services.AddSingleton<IWebSocketTicketStore>(static sp => sp.GetRequiredService<RedisTicketStore>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RedisTicketStoreStartup>());
        return builder;
    }
}
