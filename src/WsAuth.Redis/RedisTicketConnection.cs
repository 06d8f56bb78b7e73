using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace WsAuth.Redis;

/// <summary>
/// The store's Redis connection. It is opened in the background, never on a request's thread and never blocking the
/// app's start (<see cref="StartConnecting"/> is called when the host starts; a request that comes first starts it and
/// waits at most the operation budget). A connection the store opened itself does not abort when Redis is down at first:
/// StackExchange.Redis keeps reconnecting, and the store works again as soon as Redis answers. When the connection is up,
/// the store decides how to redeem: GETDEL (Redis 6.2 and later) or, on older servers, one Lua script; and logs which.
/// </summary>
internal sealed partial class RedisTicketConnection : IAsyncDisposable
{
    /// <summary>The Lua fallback of GETDEL: one script is one atomic step, and it touches one key (Redis Cluster works).</summary>
    internal const string GetDeleteScript = "local v = redis.call('GET', KEYS[1]) if v then redis.call('DEL', KEYS[1]) end return v";

    private static readonly Version GetDeleteVersion = new(6, 2);

    /// <summary>How often a failed connection factory may be called again.</summary>
    private static readonly TimeSpan ConnectRetryInterval = TimeSpan.FromSeconds(1);

    private readonly Func<Task<IConnectionMultiplexer>> _connect;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private Task<IConnectionMultiplexer>? _connecting;
    private long _lastAttempt;
    private IConnectionMultiplexer? _connection;
    private int _mode;
    private bool _disposed;

    public RedisTicketConnection(
        IOptions<RedisTicketStoreOptions> options,
        IServiceProvider services,
        ILogger<RedisTicketConnection> logger,
        GivenConnection? given = null)
    {
        _logger = logger;
        var cache = services.GetService<IOptions<RedisCacheOptions>>()?.Value;
        Source = RedisTicketConnectionSource.Resolve(
            options.Value,
            cache,
            given is not null,
            services.GetService<IServiceProviderIsService>()?.IsService(typeof(IConnectionMultiplexer)) == true);

        // Validation already ran: the source exists and its configuration parses.
        _connect = Source.Kind switch
        {
            RedisTicketConnectionSource.SourceKind.GivenConnection => () => Task.FromResult(given!.Connection),
            RedisTicketConnectionSource.SourceKind.Configuration => Own(ConfigurationOptions.Parse(options.Value.Configuration!)),
            RedisTicketConnectionSource.SourceKind.CacheConfigurationOptions => Own(cache!.ConfigurationOptions!),
            RedisTicketConnectionSource.SourceKind.CacheConfiguration => Own(ConfigurationOptions.Parse(cache!.Configuration!)),
            RedisTicketConnectionSource.SourceKind.CacheFactory => cache!.ConnectionMultiplexerFactory!,
            RedisTicketConnectionSource.SourceKind.ServiceConnection => () => Task.FromResult(services.GetRequiredService<IConnectionMultiplexer>()),
            _ => throw new InvalidOperationException("WsAuth.Redis has no Redis to connect to (options validation did not run)."),
        };
    }

    public RedisTicketConnectionSource Source { get; }

    /// <summary>For tests: redeem with the Lua script even on a server that has GETDEL.</summary>
    internal bool ForceScript { get; set; }

    /// <summary>
    /// Whether redemptions use GETDEL. Until the server's version is known it is assumed to have GETDEL; an older server
    /// then answers one redemption with an error (503), and the next ones use the script.
    /// </summary>
    public bool UseGetDelete
    {
        get
        {
            if (ForceScript)
            {
                return false;
            }

            if (Volatile.Read(ref _mode) == 0 && Volatile.Read(ref _connection) is { } connection)
            {
                DecideRedeemCommand(connection);
            }

            return Volatile.Read(ref _mode) != 2;
        }
    }

    /// <summary>Starts connecting in the background, when the host starts. Never throws and never waits.</summary>
    public void StartConnecting() => _ = GetAsync().ContinueWith(
        static t => _ = t.Exception,
        CancellationToken.None,
        TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
        TaskScheduler.Default);

    /// <summary>The connection, once connected or connecting (the caller bounds the wait).</summary>
    public Task<IConnectionMultiplexer> GetAsync()
    {
        var current = Volatile.Read(ref _connecting);
        if (current is not null && !current.IsFaulted && !current.IsCanceled)
        {
            return current;
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_connecting is null
                || ((_connecting.IsFaulted || _connecting.IsCanceled)
                    && TimeProvider.System.GetElapsedTime(_lastAttempt) >= ConnectRetryInterval))
            {
                _lastAttempt = TimeProvider.System.GetTimestamp();

                // On the thread pool: whatever the client does synchronously while connecting never runs on a request's thread.
                _connecting = Task.Run(ConnectAsync);
            }

            return _connecting;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task<IConnectionMultiplexer>? connecting;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            connecting = _connecting;
        }

        if (connecting is null)
        {
            return;
        }

        if (!connecting.IsCompleted)
        {
            // Still connecting to a Redis that is down: close the connection when the attempt ends, without waiting for it.
            _ = connecting.ContinueWith(t => Release(t), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return;
        }

        await ReleaseAsync(connecting).ConfigureAwait(false);
    }

    private static Func<Task<IConnectionMultiplexer>> Own(ConfigurationOptions options)
    {
        var settings = RedisTicketConnectionSource.ForStore(options);
        return async () => await ConnectionMultiplexer.ConnectAsync(settings).ConfigureAwait(false);
    }

    private async Task<IConnectionMultiplexer> ConnectAsync()
    {
        Log.Connecting(_logger, Source.Description);
        var connection = await _connect().ConfigureAwait(false) ?? throw new InvalidOperationException("The Redis connection factory returned null.");
        connection.ConnectionRestored += OnConnectionRestored;
        Volatile.Write(ref _connection, connection);
        DecideRedeemCommand(connection);
        return connection;
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (sender is IConnectionMultiplexer connection)
        {
            DecideRedeemCommand(connection);
        }
    }

    /// <summary>GETDEL when every primary the connection knows is Redis 6.2 or later; otherwise the Lua script.</summary>
    private void DecideRedeemCommand(IConnectionMultiplexer connection)
    {
        Version? lowest = null;
        try
        {
            foreach (var endPoint in connection.GetEndPoints())
            {
                var server = connection.GetServer(endPoint);
                if (server.IsConnected && !server.IsReplica && (lowest is null || server.Version < lowest))
                {
                    lowest = server.Version;
                }
            }
        }
        catch (Exception ex) when (ex is RedisException or InvalidOperationException or NotSupportedException)
        {
            return;
        }

        if (lowest is null)
        {
            return; // not connected yet: decided when it is
        }

        var mode = lowest >= GetDeleteVersion ? 1 : 2;
        if (Interlocked.Exchange(ref _mode, mode) != mode)
        {
            Log.RedeemCommand(_logger, mode == 1 ? "GETDEL" : "a Lua script (GET and DEL in one step; GETDEL needs Redis 6.2)", lowest.ToString());
        }
    }

    private void Release(Task<IConnectionMultiplexer> connecting)
    {
        if (connecting.IsCompletedSuccessfully)
        {
            connecting.Result.ConnectionRestored -= OnConnectionRestored;
            if (Source.Owned)
            {
                connecting.Result.Dispose();
            }
        }
    }

    private async Task ReleaseAsync(Task<IConnectionMultiplexer> connecting)
    {
        if (connecting.IsCompletedSuccessfully)
        {
            var connection = await connecting.ConfigureAwait(false);
            connection.ConnectionRestored -= OnConnectionRestored;
            if (Source.Owned)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>An app-owned connection given to <c>AddRedisTicketStore(IConnectionMultiplexer)</c>; never disposed by the store.</summary>
    internal sealed record GivenConnection(IConnectionMultiplexer Connection);

    // Event ids 1300-1399 belong to WsAuth.Redis; never renumber or reuse one. No ticket, key or configuration string is logged.
    private static partial class Log
    {
        [LoggerMessage(1310, LogLevel.Information, "The Redis ticket store connects to the Redis from {Source}.", EventName = "TicketStoreConnecting")]
        public static partial void Connecting(ILogger logger, string source);

        [LoggerMessage(1311, LogLevel.Information, "The Redis ticket store redeems tickets with {Command} (lowest primary version {Version}).", EventName = "TicketStoreRedeemCommand")]
        public static partial void RedeemCommand(ILogger logger, string command, string version);
    }
}
