using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;

namespace WsAuth.Internal;

/// <summary>
/// Caps the sockets waiting for their first message, in total, per network prefix (IPv4 /24, IPv6 /64) and per client
/// IP, with concurrency limiters that never queue. The lease is held from before the upgrade until the first message is
/// accepted or the socket is closed. The prefix cap keeps one network from filling the pool with many addresses.
/// </summary>
internal sealed class PendingSocketLimiter : IDisposable
{
    private readonly int _maxPending;
    private readonly PartitionedRateLimiter<IPAddress> _global;
    private readonly PartitionedRateLimiter<IPAddress> _perNetwork;
    private readonly PartitionedRateLimiter<IPAddress> _perClient;
    private readonly PartitionedRateLimiter<IPAddress> _chained;

    public PendingSocketLimiter(int maxPending, int maxPendingPerClient, int maxPendingPerNetwork = int.MaxValue)
    {
        _maxPending = maxPending;
        var global = new ConcurrencyLimiterOptions { PermitLimit = maxPending, QueueLimit = 0 };
        var perNetwork = new ConcurrencyLimiterOptions { PermitLimit = maxPendingPerNetwork, QueueLimit = 0 };
        var perClient = new ConcurrencyLimiterOptions { PermitLimit = maxPendingPerClient, QueueLimit = 0 };
        _global = PartitionedRateLimiter.Create<IPAddress, int>(_ => RateLimitPartition.GetConcurrencyLimiter(0, _ => global));
        _perNetwork = PartitionedRateLimiter.Create<IPAddress, IPAddress>(ip => RateLimitPartition.GetConcurrencyLimiter(NetworkOf(ip), _ => perNetwork));
        _perClient = PartitionedRateLimiter.Create<IPAddress, IPAddress>(ip => RateLimitPartition.GetConcurrencyLimiter(ip, _ => perClient));
        _chained = PartitionedRateLimiter.CreateChained(_perClient, _perNetwork, _global);
    }

    /// <summary>How many sockets wait for their first message right now.</summary>
    public long Pending => _maxPending - (_global.GetStatistics(IPAddress.None)?.CurrentAvailablePermits ?? _maxPending);

    /// <summary>Whether more than three quarters of the pool is taken: new sockets then get a shorter deadline.</summary>
    public bool UnderPressure => Pending * 4 > (long)_maxPending * 3;

    /// <summary>A lease to dispose when the socket stops waiting; <see cref="RateLimitLease.IsAcquired"/> is false over a cap.</summary>
    public RateLimitLease TryAcquire(IPAddress client) => _chained.AttemptAcquire(client);

    /// <summary>The network a client belongs to for the prefix cap: its IPv4 /24 or its IPv6 /64.</summary>
    public static IPAddress NetworkOf(IPAddress client)
    {
        if (client.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> v4 = stackalloc byte[4];
            client.TryWriteBytes(v4, out _);
            v4[3] = 0;
            return new IPAddress(v4);
        }

        Span<byte> v6 = stackalloc byte[16];
        if (!client.TryWriteBytes(v6, out _))
        {
            return client;
        }

        v6[8..].Clear();
        return new IPAddress(v6);
    }

    public void Dispose()
    {
        _chained.Dispose();
        _global.Dispose();
        _perNetwork.Dispose();
        _perClient.Dispose();
    }
}
