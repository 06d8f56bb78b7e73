using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;

namespace WsAuth.Internal;

/// <summary>
/// Bounds the log volume of rejections under attack: per client and reason, the first rejection in each
/// <see cref="Window"/> is logged at Information (with how many were logged at Debug since the last one), the rest at
/// Debug. At most <see cref="MaxTracked"/> client-reason pairs are tracked; past that, new pairs go to Debug until
/// expired ones are swept, so a flood from many addresses cannot grow the table or the log without bound.
/// </summary>
internal sealed class RejectionLogLimiter
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    public const int MaxTracked = 10_000;

    private readonly ConcurrentDictionary<(IPAddress Client, string Reason), Entry> _entries = new();
    private readonly TimeProvider _time;
    private readonly int _ipv6PrefixLength;

    public RejectionLogLimiter(IOptions<WebSocketAuthOptions> options, TimeProvider timeProvider)
    {
        _time = options.Value.TimeProvider ?? timeProvider;
        _ipv6PrefixLength = options.Value.RateLimiting.ClientIPv6PrefixLength;
    }

    /// <summary>
    /// Whether this rejection gets an Information line; when it does, <paramref name="suppressed"/> is how many
    /// rejections of the same client and reason went to Debug since the previous Information line.
    /// </summary>
    public bool TryTake(IPAddress? remoteIpAddress, string reason, out int suppressed)
    {
        suppressed = 0;
        var key = (ClientAddress.Key(remoteIpAddress, _ipv6PrefixLength), reason);
        var now = _time.GetUtcNow();
        if (!_entries.TryGetValue(key, out var entry))
        {
            if (_entries.Count >= MaxTracked)
            {
                Sweep(now);
                if (_entries.Count >= MaxTracked)
                {
                    return false;
                }
            }

            entry = _entries.GetOrAdd(key, static _ => new Entry());
        }

        lock (entry)
        {
            if (entry.NextInformation > now)
            {
                entry.Suppressed++;
                return false;
            }

            suppressed = entry.Suppressed;
            entry.Suppressed = 0;
            entry.NextInformation = now + Window;
            return true;
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var pair in _entries)
        {
            if (pair.Value.NextInformation <= now)
            {
                _entries.TryRemove(pair);
            }
        }
    }

    private sealed class Entry
    {
        public DateTimeOffset NextInformation { get; set; } = DateTimeOffset.MinValue;

        public int Suppressed { get; set; }
    }
}
