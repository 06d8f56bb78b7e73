using System.Diagnostics.Metrics;
using System.Net.WebSockets;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WsAuth.Internal;
using WsAuth.Testing;

namespace WsAuth.Tests.Revocation;

/// <summary>
/// What revocation costs per idle socket, measured (docs/benchmarks.md, memory): the session wrapper every admitted
/// socket then gets (sockets whose credential expires or can be refreshed had it already) plus its registry entry.
/// </summary>
public class SessionMemoryTests
{
    [Fact]
    public void BytesPerIdleSession_WithRevocation_AreMeasured()
    {
        // Arrange: a session that needs nothing but revocation (no expiry, no refresh, no cap).
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new WebSocketAuthMetrics(services.GetRequiredService<IMeterFactory>());
        var time = new FakeTimeProvider();
        using var revocation = new WebSocketRevocationService(
            new InMemoryRevocationBackplane(), new SessionRegistry(), Options.Create(new WebSocketRevocationOptions()), time, metrics, NullLogger<WebSocketRevocationService>.Instance);
        var settings = new SessionSettings(
            new WebSocketSessionOptions { CloseOnExpiry = false },
            refreshEnabled: false,
            closeWithPolicyViolation: false,
            JsonWebSocketAuthMessageParser.Instance,
            time,
            metrics,
            NullLogger.Instance,
            revocation: revocation);
        using var socket = WebSocket.CreateFromStream(new MemoryStream(), new WebSocketCreationOptions { IsServer = true });
        var context = new DefaultHttpContext();
        const int Count = 5_000;
        var features = new WebSocketAuthFeature[Count];
        for (var i = 0; i < Count; i++)
        {
            var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "user-" + i)], "test"));
            features[i] = new WebSocketAuthFeature(principal, "test", null, null) { SessionId = SessionIds.New() };
        }

        // Warm the registry's table to its size (a server at its usual load), then measure new sessions.
        var warm = features.Select(f => settings.Start(socket, context, f, time.GetUtcNow(), null)!).ToList();
        warm.ForEach(s => s.Abort());
        var sessions = new SessionWebSocket[Count];

        // Act
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Count; i++)
        {
            sessions[i] = settings.Start(socket, context, features[i], time.GetUtcNow(), null)!;
        }

        var perSession = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)Count;
        Console.WriteLine($"bytes per idle session with revocation (wrapper + registry): {perSession:F0}");

        // Assert: all registered; a bound that catches a regression multiplying the cost, not a few bytes.
        Assert.Equal(Count, revocation.Registry.Count);
        Assert.InRange(perSession, 1, 1024);
    }
}
