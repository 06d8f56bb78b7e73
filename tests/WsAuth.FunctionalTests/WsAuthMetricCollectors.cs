using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using WsAuth.Internal;

namespace WsAuth.FunctionalTests;

/// <summary>
/// A <see cref="MetricCollector{T}"/> for every instrument of one app's <c>WsAuth</c> meter (scoped to the app's
/// <see cref="IMeterFactory"/>, so the apps of tests running in parallel do not mix), and every tag value they recorded.
/// </summary>
internal sealed class WsAuthMetricCollectors : IDisposable
{
    private static readonly string[] CounterNames =
    [
        WebSocketAuthMetrics.HandshakesName,
        WebSocketAuthMetrics.SessionsClosedName,
        WebSocketAuthMetrics.SessionsRefreshedName,
        WebSocketAuthMetrics.PendingName,
        TicketMetrics.TicketRequestsName,
    ];

    private readonly Dictionary<string, MetricCollector<long>> _counters;

    public WsAuthMetricCollectors(IServiceProvider services)
    {
        var meterFactory = services.GetRequiredService<IMeterFactory>();
        _counters = CounterNames.ToDictionary(name => name, name => new MetricCollector<long>(meterFactory, WebSocketAuthDefaults.MeterName, name));
        Duration = new MetricCollector<double>(meterFactory, WebSocketAuthDefaults.MeterName, WebSocketAuthMetrics.DurationName);
    }

    /// <summary>The counter (or up-down counter) named <paramref name="instrument"/>.</summary>
    public MetricCollector<long> this[string instrument] => _counters[instrument];

    /// <summary><c>wsauth.authentication.duration</c>.</summary>
    public MetricCollector<double> Duration { get; }

    /// <summary>The tags of every measurement of <paramref name="instrument"/>.</summary>
    public List<IReadOnlyDictionary<string, object?>> Tags(string instrument)
        => [.. this[instrument].GetMeasurementSnapshot().Select(m => m.Tags)];

    /// <summary>Every tag value any WsAuth instrument recorded.</summary>
    public IEnumerable<object?> AllTagValues()
        => _counters.Values.SelectMany(c => c.GetMeasurementSnapshot()).SelectMany(m => m.Tags.Values)
            .Concat(Duration.GetMeasurementSnapshot().SelectMany(m => m.Tags.Values));

    public void Dispose()
    {
        foreach (var collector in _counters.Values)
        {
            collector.Dispose();
        }

        Duration.Dispose();
    }
}
