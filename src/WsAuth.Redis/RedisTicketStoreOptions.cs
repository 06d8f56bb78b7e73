namespace WsAuth;

/// <summary>
/// Options of the Redis ticket store (<c>AddRedisTicketStore(...)</c>, package WsAuth.Redis). Bound from the
/// <c>WsAuth:Redis</c> configuration section, then from the arguments and delegate given to <c>AddRedisTicketStore</c>;
/// validated when the app starts.
/// </summary>
public sealed class RedisTicketStoreOptions
{
    /// <summary>
    /// A StackExchange.Redis configuration string (<c>redis:6379,password=...,ssl=true</c>). The store then opens and owns
    /// its own connection. When it is not set, the store uses the app's <c>AddStackExchangeRedisCache</c> set-up
    /// (<c>RedisCacheOptions.ConfigurationOptions</c>, <c>Configuration</c> or <c>ConnectionMultiplexerFactory</c>), else an
    /// <c>IConnectionMultiplexer</c> registered in the services.
    /// </summary>
    /// <value>Defaults to <see langword="null"/>.</value>
    public string? Configuration { get; set; }

    /// <summary>
    /// What every ticket key starts with; the rest of the key is the ticket's id (the SHA-256 of the ticket, never the
    /// ticket). Letters, digits and <c>: _ - . { }</c>, at most 64 characters. Give each app its own prefix when several
    /// share a Redis, and limit the app's Redis user to it (docs/redis.md).
    /// </summary>
    /// <value>Defaults to <c>wsauth:ticket:</c>.</value>
    public string KeyPrefix { get; set; } = "wsauth:ticket:";

    /// <summary>
    /// The most one store operation (issuing or redeeming a ticket) may take, waiting for the connection included. When
    /// Redis is slower, down or refuses the write, the request gets 503 <c>store_unavailable</c>: never a 101.
    /// </summary>
    /// <value>Defaults to 2 seconds. Between 100 milliseconds and 30 seconds.</value>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(2);
}
