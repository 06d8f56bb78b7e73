using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using WsAuth.Internal;

namespace WsAuth.Benchmarks;

/// <summary>
/// What WsAuth's tracing costs the guard (the same allowed handshake as <see cref="MiddlewareHandshakeBenchmarks"/>):
/// nothing listening to the <c>WsAuth</c> activity source (the baseline: tracing must cost nothing here), against a
/// listener that records every span with all its tags, as an OpenTelemetry SDK exporting WsAuth's traces does.
/// </summary>
[MemoryDiagnoser]
public class MiddlewareTracingBenchmarks : IDisposable
{
    private readonly HttpContext _context = BenchHttpContexts.WebSocketUpgrade();
    private IHttpWebSocketFeature _webSocketFeature = null!;
    private WebSocketAuthMiddleware _middleware = null!;
    private ServiceProvider _services = null!;
    private ActivityListener? _listener;

    [GlobalSetup(Target = nameof(TracingOff))]
    public void Setup()
    {
        _webSocketFeature = _context.Features.Get<IHttpWebSocketFeature>()!;
        RequestDelegate endpoint = context =>
        {
            context.Features.Set(_webSocketFeature);
            return Task.CompletedTask;
        };
        (_middleware, _services) = MiddlewareFactory.Create(endpoint);
    }

    [GlobalSetup(Target = nameof(TracingOn))]
    public void SetupWithListener()
    {
        Setup();
        _listener = new ActivityListener
        {
            ShouldListenTo = static source => source.Name == WebSocketAuthDefaults.ActivitySourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = static _ => { },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _listener?.Dispose();
        _listener = null;
        _services.Dispose();
    }

    public void Dispose()
    {
        _listener?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true, Description = "Handshake guard, nothing listening to WsAuth traces")]
    public Task TracingOff() => _middleware.InvokeAsync(_context);

    [Benchmark(Description = "Handshake guard, every WsAuth span recorded with its tags")]
    public Task TracingOn() => _middleware.InvokeAsync(_context);
}
