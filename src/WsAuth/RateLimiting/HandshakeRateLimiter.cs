using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WsAuth.Internal;

/// <summary>
/// Handshake limits on <c>System.Threading.RateLimiting</c>: a sliding window per client IP and per user, and a lockout
/// of a client IP after repeated rejected credentials. Handshakes whose Origin is refused spend a second window per
/// client IP, never the first: a page on a foreign origin can make its visitor's browser open sockets without end, and
/// those must not use up the visitor's own budget. Partitions idle for a while are dropped by the partitioned limiters.
/// </summary>
internal sealed partial class HandshakeRateLimiter : IDisposable
{
    private const int LockoutSweepThreshold = 10_000;

    private readonly PartitionedRateLimiter<IPAddress>? _clients;
    private readonly PartitionedRateLimiter<IPAddress>? _refusedOrigins;
    private readonly PartitionedRateLimiter<string>? _users;
    private readonly PartitionedRateLimiter<IPAddress>? _failures;
    private readonly ConcurrentDictionary<IPAddress, DateTimeOffset> _lockouts = new();
    private readonly TimeSpan _window;
    private readonly TimeSpan _lockoutDuration;
    private readonly int _ipv6PrefixLength;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private int _proxyWarningLogged;

    public HandshakeRateLimiter(IOptions<WebSocketAuthOptions> options, TimeProvider timeProvider, ILogger<HandshakeRateLimiter> logger)
    {
        var value = options.Value;
        var limits = value.RateLimiting;
        _time = value.TimeProvider ?? timeProvider;
        _logger = logger;
        _ipv6PrefixLength = limits.ClientIPv6PrefixLength;
        _lockoutDuration = limits.LockoutDuration;
        _window = limits.Window;
        Enabled = limits.Enabled;
        if (!Enabled)
        {
            return;
        }

        if (limits.PermitsPerClient > 0)
        {
            var window = SlidingWindows.Options(limits.PermitsPerClient, limits.Window);
            _clients = PartitionedRateLimiter.Create<IPAddress, IPAddress>(ip => RateLimitPartition.GetSlidingWindowLimiter(ip, _ => window));
            _refusedOrigins = PartitionedRateLimiter.Create<IPAddress, IPAddress>(ip => RateLimitPartition.GetSlidingWindowLimiter(ip, _ => window));
        }

        if (limits.PermitsPerUser > 0)
        {
            var window = SlidingWindows.Options(limits.PermitsPerUser, limits.Window);
            _users = PartitionedRateLimiter.Create<string, string>(user => RateLimitPartition.GetSlidingWindowLimiter(user, _ => window), StringComparer.Ordinal);
        }

        if (limits.LockoutThreshold > 0)
        {
            var window = new FixedWindowRateLimiterOptions
            {
                PermitLimit = limits.LockoutThreshold,
                Window = limits.LockoutWindow,
                QueueLimit = 0,
                AutoReplenishment = true,
            };
            _failures = PartitionedRateLimiter.Create<IPAddress, IPAddress>(ip => RateLimitPartition.GetFixedWindowLimiter(ip, _ => window));
        }
    }

    public bool Enabled { get; }

    public IPAddress ClientKey(IPAddress? remoteIpAddress) => ClientAddress.Key(remoteIpAddress, _ipv6PrefixLength);

    /// <summary>
    /// Takes one handshake permit for the client, unless it is locked out or over its budget. A handshake whose Origin
    /// is refused (<paramref name="originRefused"/>) takes it from the client's budget of refused-Origin handshakes.
    /// </summary>
    public RateLimitDecision AcquireClient(IPAddress client, bool originRefused = false)
    {
        if (!Enabled)
        {
            return RateLimitDecision.Allowed;
        }

        if (!_lockouts.IsEmpty && _lockouts.TryGetValue(client, out var until))
        {
            var remaining = until - _time.GetUtcNow();
            if (remaining > TimeSpan.Zero)
            {
                return RateLimitDecision.Reject(WebSocketAuthFailureReasons.LockedOut, remaining);
            }

            _lockouts.TryRemove(new KeyValuePair<IPAddress, DateTimeOffset>(client, until));
        }

        var budget = originRefused ? _refusedOrigins : _clients;
        if (budget is null)
        {
            return RateLimitDecision.Allowed;
        }

        using var lease = budget.AttemptAcquire(client);
        if (lease.IsAcquired)
        {
            return RateLimitDecision.Allowed;
        }

        if (!originRefused && ClientAddress.IsLoopbackOrPrivate(client) && Interlocked.Exchange(ref _proxyWarningLogged, 1) == 0)
        {
            Log.PrivateClientLimited(_logger, client.ToString());
        }

        return RateLimitDecision.Reject(WebSocketAuthFailureReasons.RateLimited, RetryAfter(lease));
    }

    /// <summary>Takes one handshake permit for the authenticated user (its subject, else its name).</summary>
    public RateLimitDecision AcquireUser(ClaimsPrincipal principal)
    {
        if (_users is null || SessionSubject.RateLimitKeyOf(principal) is not { } user)
        {
            return RateLimitDecision.Allowed;
        }

        using var lease = _users.AttemptAcquire(user);
        return lease.IsAcquired ? RateLimitDecision.Allowed : RateLimitDecision.Reject(WebSocketAuthFailureReasons.UserRateLimited, RetryAfter(lease));
    }

    /// <summary>Counts a rejected credential from the client; the one that reaches the threshold starts a lockout.</summary>
    public void RecordFailure(IPAddress client)
    {
        if (_failures is null)
        {
            return;
        }

        bool reached;
        using (var lease = _failures.AttemptAcquire(client))
        {
            reached = !lease.IsAcquired || _failures.GetStatistics(client)?.CurrentAvailablePermits == 0;
        }

        if (!reached)
        {
            return;
        }


        var now = _time.GetUtcNow();
        if (_lockouts.Count >= LockoutSweepThreshold)
        {
            foreach (var entry in _lockouts)
            {
                if (entry.Value <= now)
                {
                    _lockouts.TryRemove(entry);
                }
            }
        }

        // Failures still in flight when a lockout began neither extend it nor log again: one lockout, one warning.
        while (true)
        {
            if (_lockouts.TryGetValue(client, out var current))
            {
                if (current > now)
                {
                    return;
                }

                if (_lockouts.TryUpdate(client, now + _lockoutDuration, current))
                {
                    break;
                }
            }
            else if (_lockouts.TryAdd(client, now + _lockoutDuration))
            {
                break;
            }
        }

        Log.LockedOut(_logger, client.ToString(), _lockoutDuration);
    }

    public void Dispose()
    {
        _clients?.Dispose();
        _refusedOrigins?.Dispose();
        _users?.Dispose();
        _failures?.Dispose();
    }

    private TimeSpan RetryAfter(RateLimitLease lease) => SlidingWindows.RetryAfter(lease, _window);

    private static partial class Log
    {
        [LoggerMessage(440, LogLevel.Warning, "The client {Client} is locked out of WebSocket handshakes for {Duration} after repeated rejected credentials.", EventName = "ClientLockedOut")]
        public static partial void LockedOut(ILogger logger, string client, TimeSpan duration);

        [LoggerMessage(441, LogLevel.Warning, "The per-client handshake limit rejected the loopback or private address {Client}. If WsAuth runs behind a reverse proxy, every client shares the proxy's address and budget: call app.UseForwardedHeaders() (with the proxy in KnownProxies or KnownNetworks) before app.UseWebSocketAuth(), or raise WsAuth:RateLimiting:PermitsPerClient. Logged once.", EventName = "PrivateClientRateLimited")]
        public static partial void PrivateClientLimited(ILogger logger, string client);
    }
}

/// <summary>The outcome of a limit check: allowed, or the reason and how long until a retry may succeed.</summary>
internal readonly record struct RateLimitDecision(bool IsAllowed, string Reason, TimeSpan RetryAfter)
{
    public static RateLimitDecision Allowed => new(true, string.Empty, TimeSpan.Zero);

    public static RateLimitDecision Reject(string reason, TimeSpan retryAfter) => new(false, reason, retryAfter);
}
