namespace WsAuth;

/// <summary>
/// Carries revocations between the instances of an app and keeps the revocations in a shared store, so that a new or
/// restarted instance loads them. WsAuth ships one in memory (a single instance, the default), one on PostgreSQL
/// (WsAuth.Postgres) and one on Redis (WsAuth.Redis).
/// </summary>
/// <remarks>
/// WsAuth calls <see cref="SubscribeAsync"/> in a loop, then <see cref="LoadAsync"/> once subscribed, so that nothing
/// published between the two is missed; it applies every message idempotently, so an instance may receive its own.
/// </remarks>
public interface IWebSocketRevocationBackplane
{
    /// <summary>
    /// Publishes <paramref name="message"/> to every instance; a <see cref="WebSocketRevocationKind.Revoke"/> message is
    /// first stored (kept until <see cref="WebSocketRevocationMessage.ExpiresAt"/>, never moving an instant back).
    /// </summary>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the message is stored and published.</returns>
    Task PublishAsync(WebSocketRevocationMessage message, CancellationToken cancellationToken);

    /// <summary>Reads every stored revocation that has not expired at <paramref name="now"/>.</summary>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The revocations (kind <see cref="WebSocketRevocationKind.Revoke"/>).</returns>
    Task<IReadOnlyList<WebSocketRevocationMessage>> LoadAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Subscribes and delivers every message published by any instance until <paramref name="cancellationToken"/> is
    /// cancelled; returns or throws when the subscription is lost (WsAuth then subscribes again).
    /// </summary>
    /// <param name="onMessage">Called for each message; does not block.</param>
    /// <param name="onSubscribed">Called once the subscription is in place (and again whenever the backplane has proof it still is).</param>
    /// <param name="cancellationToken">Ends the subscription.</param>
    /// <returns>A task that ends with the subscription.</returns>
    Task SubscribeAsync(Action<WebSocketRevocationMessage> onMessage, Action onSubscribed, CancellationToken cancellationToken);
}
