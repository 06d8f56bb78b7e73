using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using WsAuth.Internal;

namespace WsAuth.Redis;

/// <summary>
/// Tickets in Redis, shared by every app instance. A ticket is one key, the prefix then the ticket's id (its SHA-256,
/// never the ticket), holding WsAuth's opaque bytes, with the ticket's expiry as its TTL. Storing is one SET NX PX;
/// redeeming is one GETDEL (or one Lua script on Redis before 6.2): one atomic step, so of any number of concurrent
/// redemptions on any instance exactly one gets the data. Only single-key commands, so Redis Cluster works.
/// </summary>
/// <remarks>
/// Each operation runs under a wall-clock budget (<see cref="RedisTicketStoreOptions.OperationTimeout"/>, through
/// <see cref="StoreOperations"/>): a Redis that
/// is down, paused, out of memory or read-only makes the operation throw, so WsAuth answers 503 and never accepts. Nothing
/// is retried, so a redemption whose reply was lost burns the ticket rather than risking a second use. The connection
/// reconnects by itself, so the store recovers without restarting the app. Its health check writes one key under the
/// prefix, so it also sees a Redis that refuses writes.
/// </remarks>
internal sealed partial class RedisTicketStore : IWebSocketTicketStore, IHealthCheck
{
    private static readonly TimeSpan MinimumTimeToLive = TimeSpan.FromMilliseconds(1);

    private readonly RedisTicketConnection _connection;
    private readonly string _prefix;
    private readonly RedisKey _healthKey;
    private readonly TimeProvider _time;
    private readonly StoreOperations _operations;

    public RedisTicketStore(
        RedisTicketConnection connection,
        IOptions<RedisTicketStoreOptions> options,
        IOptions<WebSocketAuthOptions> authOptions,
        TimeProvider timeProvider,
        ILogger<RedisTicketStore> logger)
        : this(connection, options.Value, authOptions.Value.TimeProvider ?? timeProvider, TimeProvider.System, logger)
    {
    }

    internal RedisTicketStore(RedisTicketConnection connection, RedisTicketStoreOptions options, TimeProvider time, TimeProvider wallClock, ILogger logger)
    {
        _connection = connection;
        _prefix = options.KeyPrefix;
        _healthKey = new RedisKey(options.KeyPrefix + "health");
        _time = time;
        _operations = new StoreOperations("Redis", options.OperationTimeout, wallClock, new AvailabilityLog(logger));
    }

    /// <summary>The key of a ticket id.</summary>
    internal RedisKey Key(string ticketId) => new(_prefix + ticketId);

    public ValueTask<bool> TryStoreAsync(string ticketId, byte[] data, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticketId);
        ArgumentNullException.ThrowIfNull(data);
        var key = Key(ticketId);
        var timeToLive = expiresAt - _time.GetUtcNow();
        if (timeToLive < MinimumTimeToLive)
        {
            timeToLive = MinimumTimeToLive;
        }

        return _operations.RunAsync("store a ticket", async _ =>
        {
            var database = (await _connection.GetAsync().ConfigureAwait(false)).GetDatabase();

            // NX: a ticket is never overwritten (ids are 256-bit random hashes, so this never happens by chance).
            return await database.StringSetAsync(key, data, timeToLive, When.NotExists).ConfigureAwait(false)
                ? true
                : throw new InvalidOperationException("A ticket with this id is already stored.");
        }, cancellationToken);
    }

    public ValueTask<byte[]?> ConsumeAsync(string ticketId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticketId);
        var key = Key(ticketId);
        return _operations.RunAsync<byte[]?>("redeem a ticket", async _ =>
        {
            var database = (await _connection.GetAsync().ConfigureAwait(false)).GetDatabase();
            if (_connection.UseGetDelete)
            {
                return (byte[]?)await database.StringGetDeleteAsync(key).ConfigureAwait(false);
            }

            var result = await database.ScriptEvaluateAsync(RedisTicketConnection.GetDeleteScript, [key]).ConfigureAwait(false);
            return result.IsNull ? null : (byte[]?)result;
        }, cancellationToken);
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            // A write, so that a Redis that is out of memory or read-only is unhealthy too; one key, under the prefix.
            await _operations.RunAsync("answer a health check", async _ =>
            {
                var database = (await _connection.GetAsync().ConfigureAwait(false)).GetDatabase();
                return await database.StringSetAsync(_healthKey, "ok", TimeSpan.FromMinutes(1)).ConfigureAwait(false);
            }, cancellationToken, report: false).ConfigureAwait(false);
            return HealthCheckResult.Healthy(
                "The Redis ticket store answers and accepts writes.",
                new Dictionary<string, object> { ["store"] = "redis", ["redeem"] = _connection.UseGetDelete ? "GETDEL" : "script" });
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The exception itself is not attached: StackExchange.Redis messages can name keys and servers.
            return new HealthCheckResult(
                context.Registration.FailureStatus,
                $"The Redis ticket store cannot store tickets ({Describe(ex)}); ticket requests and handshakes get 503 store_unavailable.",
                data: new Dictionary<string, object> { ["store"] = "redis" });
        }
    }

    /// <summary>
    /// What went wrong, safe to log: the exception type, the connection failure type or the server's error code (OOM,
    /// READONLY, NOPERM...). Never the message, which can quote the key (a ticket id) or the command.
    /// </summary>
    internal static string Describe(Exception exception) => exception switch
    {
        RedisConnectionException connection => $"{exception.GetType().Name} {connection.FailureType}",
        RedisServerException server => $"{exception.GetType().Name} {ErrorCode(server.Message)}",
        _ => exception.GetType().Name,
    };

    private static string ErrorCode(string message)
    {
        var end = message.IndexOf(' ', StringComparison.Ordinal);
        var code = end < 0 ? message : message[..end];
        return code.Length is > 0 and <= 16 && code.All(char.IsAsciiLetterUpper) ? code : "error";
    }

    /// <summary>The store's availability lines: only what <see cref="Describe"/> says of an exception.</summary>
    private sealed class AvailabilityLog(ILogger logger) : IStoreAvailabilityLog
    {
        public void Unavailable(string operation, Exception exception) => Log.Unavailable(logger, operation, Describe(exception));

        public void StillUnavailable(string operation, Exception exception) => Log.StillUnavailable(logger, operation, Describe(exception));

        public void Recovered() => Log.Recovered(logger);
    }

    // Event ids 1300-1399 belong to WsAuth.Redis; never renumber or reuse one. No ticket, key or configuration string is
    // logged, nor an exception (StackExchange.Redis messages can quote the key): only what Describe returns.
    private static partial class Log
    {
        [LoggerMessage(1300, LogLevel.Error, "The Redis ticket store could not {Operation} ({Failure}); WebSocket ticket requests and handshakes get 503 store_unavailable until it answers again.", EventName = "TicketStoreUnavailable")]
        public static partial void Unavailable(ILogger logger, string operation, string failure);

        [LoggerMessage(1301, LogLevel.Debug, "The Redis ticket store still cannot {Operation} ({Failure}).", EventName = "TicketStoreStillUnavailable")]
        public static partial void StillUnavailable(ILogger logger, string operation, string failure);

        [LoggerMessage(1302, LogLevel.Information, "The Redis ticket store answers again.", EventName = "TicketStoreRecovered")]
        public static partial void Recovered(ILogger logger);
    }
}
