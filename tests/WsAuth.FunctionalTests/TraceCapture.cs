using System.Collections.Concurrent;
using System.Diagnostics;

namespace WsAuth.FunctionalTests;

/// <summary>
/// Records every stopped activity of the <c>WsAuth</c> and <c>Microsoft.AspNetCore</c> sources, all data requested, as
/// an OpenTelemetry SDK would. Sources are process-wide and tests run in parallel, so each test sends its own
/// <c>traceparent</c> (<see cref="NewTraceParent"/>) and reads only its trace.
/// </summary>
internal sealed class TraceCapture : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _stopped = new();

    public TraceCapture()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is WebSocketAuthDefaults.ActivitySourceName or "Microsoft.AspNetCore",
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Every WsAuth activity seen, of any test.</summary>
    public IEnumerable<Activity> WsAuthActivities => _stopped.Where(a => a.Source.Name == WebSocketAuthDefaults.ActivitySourceName);

    /// <summary>A new trace id and the <c>traceparent</c> header that puts a request into it.</summary>
    public static (ActivityTraceId TraceId, string Header) NewTraceParent()
    {
        var traceId = ActivityTraceId.CreateRandom();
        return (traceId, $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
    }

    /// <summary>Waits (at most 15 s) for a stopped activity named <paramref name="name"/> in the trace, and returns it.</summary>
    public async Task<Activity> WaitForAsync(ActivityTraceId traceId, string name, Func<Activity, bool>? where = null)
    {
        var deadline = TimeProvider.System.GetTimestamp();
        while (true)
        {
            var found = _stopped.FirstOrDefault(a => a.TraceId == traceId && a.OperationName == name && (where is null || where(a)));
            if (found is not null)
            {
                return found;
            }

            if (TimeProvider.System.GetElapsedTime(deadline) > TimeSpan.FromSeconds(15))
            {
                throw new TimeoutException($"No activity {name} in trace {traceId}; seen: {string.Join(", ", _stopped.Where(a => a.TraceId == traceId).Select(a => a.OperationName))}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>The activities of the trace stopped so far.</summary>
    public IReadOnlyList<Activity> In(ActivityTraceId traceId) => [.. _stopped.Where(a => a.TraceId == traceId)];

    public void Dispose() => _listener.Dispose();
}
