using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace WsAuth.FunctionalTests;

/// <summary>Every measurement of one app's <c>WsAuth</c> meter (any instrument), with its tags, for the telemetry audit.</summary>
internal sealed class MeterTagCapture : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Instrument, KeyValuePair<string, object?>[] Tags)> _measurements = new();

    public MeterTagCapture(IMeterFactory meterFactory)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == WebSocketAuthDefaults.MeterName && ReferenceEquals(instrument.Meter.Scope, meterFactory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, _, tags, _) => _measurements.Enqueue((i.Name, tags.ToArray())));
        _listener.SetMeasurementEventCallback<double>((i, _, tags, _) => _measurements.Enqueue((i.Name, tags.ToArray())));
        _listener.Start();
    }

    /// <summary>The instruments that recorded something.</summary>
    public IReadOnlySet<string> Instruments => _measurements.Select(m => m.Instrument).ToHashSet();

    /// <summary>Every tag value recorded, as text.</summary>
    public IReadOnlyList<string> TagValues => [.. _measurements.SelectMany(m => m.Tags).Select(t => t.Value?.ToString() ?? string.Empty)];

    public void Dispose() => _listener.Dispose();
}
