using System.Net;
using System.Threading.RateLimiting;

namespace WsAuth.Internal;

/// <summary>
/// Caps the sockets waiting for their first message, in total and per client IP, with concurrency limiters that never
/// queue. The lease is held from before the upgrade until the first message is accepted or the socket is closed.
/// </summary>
internal sealed class PendingSocketLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<IPAddress> _global;
    private readonly PartitionedRateLimiter<IPAddress> _perClient;
    private readonly PartitionedRateLimiter<IPAddress> _chained;

    public PendingSocketLimiter(int maxPending, int maxPendingPerClient)
    {
        var global = new ConcurrencyLimiterOptions { PermitLimit = maxPending, QueueLimit = 0 };
        var perClient = new ConcurrencyLimiterOptions { PermitLimit = maxPendingPerClient, QueueLimit = 0 };
        _global = PartitionedRateLimiter.Create<IPAddress, int>(_ => RateLimitPartition.GetConcurrencyLimiter(0, _ => global));
        _perClient = PartitionedRateLimiter.Create<IPAddress, IPAddress>(ip => RateLimitPartition.GetConcurrencyLimiter(ip, _ => perClient));
        _chained = PartitionedRateLimiter.CreateChained(_perClient, _global);
    }

    /// <summary>A lease to dispose when the socket stops waiting; <see cref="RateLimitLease.IsAcquired"/> is false over a cap.</summary>
    public RateLimitLease TryAcquire(IPAddress client) => _chained.AttemptAcquire(client);

    public void Dispose()
    {
        _chained.Dispose();
        _global.Dispose();
        _perClient.Dispose();
    }
}
