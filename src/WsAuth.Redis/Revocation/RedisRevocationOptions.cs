namespace WsAuth;

/// <summary>
/// Options of the Redis revocation backplane (<c>AddRedisRevocation(...)</c>, package WsAuth.Redis): one key per
/// revoked user, whose TTL is the revocation's end (so a new or restarted instance loads what is live), and a pub/sub
/// channel that tells every instance at once. Bound from <c>WsAuth:Redis:Configuration</c> (shared with the ticket
/// store) and the <c>WsAuth:Redis:Revocation</c> section.
/// </summary>
public sealed class RedisRevocationOptions
{
    /// <summary>The StackExchange.Redis configuration string (<c>host:6379,password=...</c>); every instance must use the same Redis.</summary>
    /// <value>Defaults to <see langword="null"/>: <c>WsAuth:Redis:Configuration</c>, required one way or the other.</value>
    public string? Configuration { get; set; }

    /// <summary>The prefix of the revocation keys (the subject follows it).</summary>
    /// <value>Defaults to <c>wsauth:revoked:</c>.</value>
    public string KeyPrefix { get; set; } = "wsauth:revoked:";

    /// <summary>The pub/sub channel.</summary>
    /// <value>Defaults to <c>wsauth:revocation</c>.</value>
    public string Channel { get; set; } = "wsauth:revocation";

    /// <summary>The most one publish or load may take.</summary>
    /// <value>Defaults to 5 seconds.</value>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the subscription's connection is checked (a PING) while no message arrives.</summary>
    /// <value>Defaults to 2 seconds.</value>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(2);
}
