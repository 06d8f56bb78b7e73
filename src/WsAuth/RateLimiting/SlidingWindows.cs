using System.Threading.RateLimiting;

namespace WsAuth.Internal;

/// <summary>The sliding windows of WsAuth's limits (handshakes, ticket issuance): six segments, no queue.</summary>
internal static class SlidingWindows
{
    public const int SegmentsPerWindow = 6;

    public static SlidingWindowRateLimiterOptions Options(int permits, TimeSpan window) => new()
    {
        PermitLimit = permits,
        Window = window,
        SegmentsPerWindow = SegmentsPerWindow,
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    /// <summary>How long a refused caller should wait: the limiter's own answer, else one segment of the window.</summary>
    public static TimeSpan RetryAfter(RateLimitLease lease, TimeSpan window)
        => lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) && retryAfter > TimeSpan.Zero ? retryAfter : window / SegmentsPerWindow;
}
