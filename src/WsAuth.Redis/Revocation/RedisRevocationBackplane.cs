using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace WsAuth.Redis;

/// <summary>
/// Revocations in Redis: one key per revoked subject holding <c>issuedBeforeMs:expiresAtMs</c>, expiring at the
/// revocation's end, written and published by one Lua script (so the instant only moves forward and the message goes
/// with the write); every instance subscribes to the channel and PINGs while idle.
/// </summary>
/// <remarks>
/// A Redis restart without persistence loses the keys: every running instance writes back what it knows when it
/// reconnects (see <c>RevocationRepaired</c>), so the revocation holds as long as one instance ran through the restart.
/// </remarks>
internal sealed class RedisRevocationBackplane : IWebSocketRevocationBackplane, IAsyncDisposable
{
    private const string RevokeScript = """
        local b = tonumber(ARGV[1])
        local e = tonumber(ARGV[2])
        local v = redis.call('GET', KEYS[1])
        if v then
          local sep = string.find(v, ':', 1, true)
          if sep then
            local ob = tonumber(string.sub(v, 1, sep - 1))
            local oe = tonumber(string.sub(v, sep + 1))
            if ob and ob > b then b = ob end
            if oe and oe > e then e = oe end
          end
        end
        redis.call('SET', KEYS[1], b .. ':' .. e)
        redis.call('PEXPIREAT', KEYS[1], e)
        redis.call('PUBLISH', ARGV[3], ARGV[4])
        return 1
        """;

    private readonly RedisRevocationOptions _options;
    private readonly RedisChannel _channel;
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private ConnectionMultiplexer? _connection;

    public RedisRevocationBackplane(IOptions<RedisRevocationOptions> options)
    {
        _options = options.Value;
        _channel = RedisChannel.Literal(_options.Channel);
    }

    public async Task PublishAsync(WebSocketRevocationMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var database = (await ConnectAsync(cancellationToken).ConfigureAwait(false)).GetDatabase();
        var json = message.ToJson();
        Task task = message.Kind == WebSocketRevocationKind.Revoke
            ? database.ScriptEvaluateAsync(
                RevokeScript,
                [(RedisKey)(_options.KeyPrefix + message.Target)],
                [message.IssuedBefore!.Value.ToUnixTimeMilliseconds(), message.ExpiresAt!.Value.ToUnixTimeMilliseconds(), _options.Channel, json])
            : database.PublishAsync(_channel, json);
        await task.WaitAsync(_options.OperationTimeout, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<WebSocketRevocationMessage>> LoadAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var database = connection.GetDatabase();
        var revocations = new List<WebSocketRevocationMessage>();
        var pattern = EscapeGlob(_options.KeyPrefix) + "*";
        foreach (var endpoint in connection.GetEndPoints())
        {
            var server = connection.GetServer(endpoint);
            if (server.IsReplica)
            {
                continue;
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.OperationTimeout);
            await foreach (var key in server.KeysAsync(pattern: pattern, pageSize: 1000).WithCancellation(timeout.Token).ConfigureAwait(false))
            {
                var value = await database.StringGetAsync(key).WaitAsync(_options.OperationTimeout, cancellationToken).ConfigureAwait(false);
                var subject = ((string)key!)[_options.KeyPrefix.Length..];
                if (Parse(value) is { } parsed && parsed.ExpiresAt > now && subject.Length is > 0 and <= WebSocketRevocationMessage.MaxTargetLength)
                {
                    revocations.Add(new WebSocketRevocationMessage(WebSocketRevocationKind.Revoke, subject, parsed.IssuedBefore, parsed.ExpiresAt));
                }
            }
        }

        return revocations;
    }

    public async Task SubscribeAsync(Action<WebSocketRevocationMessage> onMessage, Action onSubscribed, CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        if (!connection.IsConnected)
        {
            throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, "Redis is not connected.");
        }

        var subscriber = connection.GetSubscriber();
        var queue = await subscriber.SubscribeAsync(_channel).WaitAsync(_options.OperationTimeout, cancellationToken).ConfigureAwait(false);
        queue.OnMessage(message =>
        {
            if (WebSocketRevocationMessage.TryParse(message.Message, out var parsed))
            {
                onMessage(parsed);
            }
        });
        try
        {
            onSubscribed();
            while (true)
            {
                await Task.Delay(_options.KeepAliveInterval, cancellationToken).ConfigureAwait(false);

                // A lost connection loses the messages published meanwhile: end the subscription, so WsAuth marks the
                // state stale and reloads it once subscribed again.
                await subscriber.PingAsync().WaitAsync(_options.OperationTimeout, cancellationToken).ConfigureAwait(false);
                if (!connection.IsConnected)
                {
                    throw new RedisConnectionException(ConnectionFailureType.SocketFailure, "The Redis connection was lost.");
                }

                onSubscribed();
            }
        }
        finally
        {
            await queue.UnsubscribeAsync().ConfigureAwait(false);
        }
    }

    private async Task<ConnectionMultiplexer> ConnectAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _connection) is { } existing)
        {
            return existing;
        }

        await _connectLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_connection is null)
            {
                var configuration = RedisTicketConnectionSource.ForStore(ConfigurationOptions.Parse(_options.Configuration!));
                configuration.ClientName = "wsauth-revocation";
                _connection = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
            }

            return _connection;
        }
        finally
        {
            _connectLock.Release();
        }
    }

    private static (DateTimeOffset IssuedBefore, DateTimeOffset ExpiresAt)? Parse(RedisValue value)
    {
        var text = (string?)value;
        var separator = text?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        return separator > 0
            && long.TryParse(text.AsSpan(0, separator), System.Globalization.CultureInfo.InvariantCulture, out var before)
            && long.TryParse(text.AsSpan(separator + 1), System.Globalization.CultureInfo.InvariantCulture, out var expires)
            ? (DateTimeOffset.FromUnixTimeMilliseconds(before), DateTimeOffset.FromUnixTimeMilliseconds(expires))
            : null;
    }

    private static string EscapeGlob(string prefix)
    {
        var escaped = new System.Text.StringBuilder(prefix.Length + 4);
        foreach (var c in prefix)
        {
            if (c is '*' or '?' or '[' or ']' or '\\')
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is { } connection)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        _connectLock.Dispose();
    }
}
