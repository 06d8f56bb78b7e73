using System.Net;
using System.Security.Claims;
using System.Threading.RateLimiting;

namespace WsAuth.Internal;

/// <summary>
/// Quotas of the ticket endpoint: tickets issued per client IP and per user in a sliding window, so that one signed-in
/// user (or one address) cannot fill the ticket store for everyone else. A limit of 0 is off.
/// </summary>
internal sealed class TicketIssueLimiter : IDisposable
{

    private readonly PartitionedRateLimiter<IPAddress>? _clients;
    private readonly PartitionedRateLimiter<string>? _users;
    private readonly TimeSpan _window;
    private readonly int _ipv6PrefixLength;

    public TicketIssueLimiter(int permitsPerClient, int permitsPerUser, TimeSpan window, int ipv6PrefixLength)
    {
        _window = window;
        _ipv6PrefixLength = ipv6PrefixLength;
        if (permitsPerClient > 0)
        {
            var options = SlidingWindows.Options(permitsPerClient, window);
            _clients = PartitionedRateLimiter.Create<IPAddress, IPAddress>(ip => RateLimitPartition.GetSlidingWindowLimiter(ip, _ => options));
        }

        if (permitsPerUser > 0)
        {
            var options = SlidingWindows.Options(permitsPerUser, window);
            _users = PartitionedRateLimiter.Create<string, string>(user => RateLimitPartition.GetSlidingWindowLimiter(user, _ => options), StringComparer.Ordinal);
        }
    }

    /// <summary>
    /// Takes one ticket from the user's quota (its issuer and subject, else its name), then from the client's: a user over
    /// its own quota spends nothing of its address's.
    /// </summary>
    public RateLimitDecision Acquire(IPAddress? remoteIpAddress, ClaimsPrincipal user)
    {
        if (_users is not null && SessionSubject.RateLimitKeyOf(user) is { } key)
        {
            using var lease = _users.AttemptAcquire(key);
            if (!lease.IsAcquired)
            {
                return RateLimitDecision.Reject(WebSocketAuthFailureReasons.UserRateLimited, RetryAfter(lease));
            }
        }

        if (_clients is not null)
        {
            using var lease = _clients.AttemptAcquire(ClientAddress.Key(remoteIpAddress, _ipv6PrefixLength));
            if (!lease.IsAcquired)
            {
                return RateLimitDecision.Reject(WebSocketAuthFailureReasons.RateLimited, RetryAfter(lease));
            }
        }

        return RateLimitDecision.Allowed;
    }

    public void Dispose()
    {
        _clients?.Dispose();
        _users?.Dispose();
    }

    private TimeSpan RetryAfter(RateLimitLease lease) => SlidingWindows.RetryAfter(lease, _window);
}
