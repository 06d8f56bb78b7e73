using System.Collections.Concurrent;

namespace WsAuth.Internal;

/// <summary>
/// The backplane of a single instance: revocations kept in this process (lost when it restarts, like the sessions they
/// close), messages delivered to this process's subscriber. Several instances need WsAuth.Postgres or WsAuth.Redis.
/// </summary>
internal sealed class InMemoryRevocationBackplane : IWebSocketRevocationBackplane
{
    private readonly ConcurrentDictionary<string, WebSocketRevocationMessage> _revocations = new(StringComparer.Ordinal);
    private Action<WebSocketRevocationMessage>? _subscriber;

    public Task PublishAsync(WebSocketRevocationMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Kind == WebSocketRevocationKind.Revoke)
        {
            _revocations.AddOrUpdate(
                message.Target,
                static (_, added) => added,
                static (_, old, added) => new WebSocketRevocationMessage(
                    WebSocketRevocationKind.Revoke,
                    old.Target,
                    Max(old.IssuedBefore, added.IssuedBefore),
                    Max(old.ExpiresAt, added.ExpiresAt),
                    added.Reason),
                message);
        }

        Volatile.Read(ref _subscriber)?.Invoke(message);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<WebSocketRevocationMessage>> LoadAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var live = new List<WebSocketRevocationMessage>();
        foreach (var (subject, revocation) in _revocations)
        {
            if (revocation.ExpiresAt <= now)
            {
                _revocations.TryRemove(new KeyValuePair<string, WebSocketRevocationMessage>(subject, revocation));
            }
            else
            {
                live.Add(revocation);
            }
        }

        return Task.FromResult<IReadOnlyList<WebSocketRevocationMessage>>(live);
    }

    public async Task SubscribeAsync(Action<WebSocketRevocationMessage> onMessage, Action onSubscribed, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _subscriber, onMessage);
        onSubscribed();
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        }
        finally
        {
            Volatile.Write(ref _subscriber, null);
        }
    }

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a > b ? a : b ?? a;
}
