using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using WsAuth.Internal;

namespace WsAuth.Benchmarks;

/// <summary>The first thing the middleware does for every request: is this a WebSocket handshake?</summary>
[MemoryDiagnoser]
public class WebSocketRequestDetectorBenchmarks
{
    private readonly HttpContext _plainGet = BenchHttpContexts.PlainGet();
    private readonly HttpContext _upgrade = BenchHttpContexts.WebSocketUpgrade();

    [Benchmark(Description = "Detector: plain GET")]
    public bool PlainGet() => WebSocketRequestDetector.IsWebSocketHandshake(_plainGet);

    [Benchmark(Description = "Detector: WebSocket upgrade")]
    public bool Upgrade() => WebSocketRequestDetector.IsWebSocketHandshake(_upgrade);
}
