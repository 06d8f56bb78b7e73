using Microsoft.Extensions.Caching.StackExchangeRedis;
using StackExchange.Redis;

namespace WsAuth.Redis;

/// <summary>
/// Where the store's Redis connection comes from, decided once from the options, in this order: a connection given to
/// <c>AddRedisTicketStore(IConnectionMultiplexer)</c>; <see cref="RedisTicketStoreOptions.Configuration"/> (from
/// <c>WsAuth:Redis:Configuration</c> or <c>AddRedisTicketStore(string)</c>); the app's <c>AddStackExchangeRedisCache</c>
/// set-up (<see cref="RedisCacheOptions.ConfigurationOptions"/>, then <see cref="RedisCacheOptions.Configuration"/>, then
/// <see cref="RedisCacheOptions.ConnectionMultiplexerFactory"/>); an <see cref="IConnectionMultiplexer"/> in the services.
/// </summary>
internal sealed record RedisTicketConnectionSource(RedisTicketConnectionSource.SourceKind Kind, string Description)
{
    public enum SourceKind
    {
        None,
        GivenConnection,
        Configuration,
        CacheConfigurationOptions,
        CacheConfiguration,
        CacheFactory,
        ServiceConnection,
    }

    /// <summary>Whether the store opens (and so owns and disposes) the connection itself.</summary>
    public bool Owned => Kind is SourceKind.Configuration or SourceKind.CacheConfigurationOptions or SourceKind.CacheConfiguration;

    public static RedisTicketConnectionSource Resolve(RedisTicketStoreOptions options, RedisCacheOptions? cache, bool hasGivenConnection, bool hasServiceConnection)
    {
        if (hasGivenConnection)
        {
            return new(SourceKind.GivenConnection, "the IConnectionMultiplexer given to AddRedisTicketStore");
        }

        if (!string.IsNullOrWhiteSpace(options.Configuration))
        {
            return new(SourceKind.Configuration, "WsAuth:Redis:Configuration");
        }

        if (cache?.ConfigurationOptions is not null)
        {
            return new(SourceKind.CacheConfigurationOptions, "RedisCacheOptions.ConfigurationOptions (AddStackExchangeRedisCache)");
        }

        if (!string.IsNullOrWhiteSpace(cache?.Configuration))
        {
            return new(SourceKind.CacheConfiguration, "RedisCacheOptions.Configuration (AddStackExchangeRedisCache)");
        }

        if (cache?.ConnectionMultiplexerFactory is not null)
        {
            return new(SourceKind.CacheFactory, "RedisCacheOptions.ConnectionMultiplexerFactory (AddStackExchangeRedisCache)");
        }

        return hasServiceConnection
            ? new(SourceKind.ServiceConnection, "the IConnectionMultiplexer registered in the services")
            : new(SourceKind.None, "nothing");
    }

    /// <summary>
    /// The settings of a connection the store opens itself: never abort on a failed first connect (the app starts and
    /// the connection keeps retrying), and fail commands at once while disconnected instead of queueing them (a queued
    /// redemption could run long after its handshake got 503). Errors carry no key (the key holds a ticket id).
    /// </summary>
    public static ConfigurationOptions ForStore(ConfigurationOptions options)
    {
        var copy = options.Clone();
        copy.AbortOnConnectFail = false;
        copy.BacklogPolicy = BacklogPolicy.FailFast;
        copy.IncludeDetailInExceptions = false;
        copy.ClientName ??= "wsauth";
        return copy;
    }
}
