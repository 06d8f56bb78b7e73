using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using WsAuth.Internal;

namespace WsAuth.Benchmarks;

/// <summary>
/// What WsAuth costs a request that is not a WebSocket handshake: the whole middleware against calling the next
/// delegate directly. The Ratio column is the answer; it should be indistinguishable from 1.
/// </summary>
[MemoryDiagnoser]
public class MiddlewarePlainRequestBenchmarks
{
    private static readonly RequestDelegate Next = static _ => Task.CompletedTask;
    private readonly HttpContext _context = BenchHttpContexts.PlainGet();
    private WebSocketAuthMiddleware _middleware = null!;
    private ServiceProvider _services = null!;

    [GlobalSetup]
    public void Setup() => (_middleware, _services) = MiddlewareFactory.Create(Next);

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark(Baseline = true, Description = "Plain HTTP: next delegate alone")]
    public Task NextAlone() => Next(_context);

    [Benchmark(Description = "Plain HTTP: through WsAuth")]
    public Task ThroughWsAuth() => _middleware.InvokeAsync(_context);
}

/// <summary>
/// The whole guard on an allowed WebSocket handshake with an authenticator that always succeeds: transport, Origin,
/// the authenticator loop, the feature and the accept wrapper. The authenticator's own cost is zero here.
/// </summary>
[MemoryDiagnoser]
public class MiddlewareHandshakeBenchmarks
{
    private readonly HttpContext _context = BenchHttpContexts.WebSocketUpgrade();
    private IHttpWebSocketFeature _webSocketFeature = null!;
    private WebSocketAuthMiddleware _middleware = null!;
    private WebSocketAuthMiddleware _limited = null!;
    private WebSocketAuthMiddleware _revocation = null!;
    private ServiceProvider _revocationServices = null!;
    private ServiceProvider _services = null!;
    private ServiceProvider _limitedServices = null!;

    [GlobalSetup]
    public void Setup()
    {
        _webSocketFeature = _context.Features.Get<IHttpWebSocketFeature>()!;

        // The endpoint: puts the original WebSocket feature back so the next call starts from the same request.
        RequestDelegate endpoint = context =>
        {
            context.Features.Set(_webSocketFeature);
            return Task.CompletedTask;
        };
        (_middleware, _services) = MiddlewareFactory.Create(endpoint);
        (_limited, _limitedServices) = MiddlewareFactory.Create(endpoint, rateLimiter: true);
        (_revocation, _revocationServices) = MiddlewareFactory.Create(endpoint, revocation: true);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.Dispose();
        _limitedServices.Dispose();
        _revocationServices.Dispose();
    }

    [Benchmark(Description = "Handshake: WsAuth guard, Origin + always-success authenticator")]
    public Task Guarded() => _middleware.InvokeAsync(_context);

    [Benchmark(Description = "Handshake: the same with the rate limiter on (no rejection)")]
    public Task GuardedWithLimiter() => _limited.InvokeAsync(_context);

    [Benchmark(Description = "Handshake: the same with revocation on (1,000 other users revoked; no I/O)")]
    public Task GuardedWithRevocation() => _revocation.InvokeAsync(_context);
}
