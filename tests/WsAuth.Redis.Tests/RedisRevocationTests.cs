using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using WsAuth.Testing;

namespace WsAuth.Redis.Tests;

/// <summary>
/// Revocation shared through Redis by several real app instances: pub/sub closes sockets on every instance, the keys
/// let a new instance know, a Redis restart without persistence is repaired by the running instances (RV4), and an
/// unreachable Redis has the documented safe default (RV3).
/// </summary>
public class RedisRevocationTests
{
    private static DateTimeOffset Now => TimeProvider.System.GetUtcNow();

    [RedisFact]
    public async Task RevokeOnOneInstance_ClosesTheUsersSocketsOnTheOther_AndItsTokensAreRefusedThere()
    {
        // Arrange
        var prefix = RedisTestServer.NewKeyPrefix();
        await using var a = await StartAsync(RedisTestServer.Configuration, prefix);
        await using var b = await StartAsync(RedisTestServer.Configuration, prefix);
        var old = RevocationTestApp.Token("alice", Now.AddMinutes(-10));
        var (aliceOnB, _) = await RevocationTestApp.ConnectBearerAsync(b, old);
        var (bobOnB, _) = await RevocationTestApp.ConnectBearerAsync(b, RevocationTestApp.Token("bob", Now.AddMinutes(-10)));
        using var _1 = aliceOnB;
        using var _2 = bobOnB;

        // Act
        await RevocationTestApp.Revocation(a).RevokeAsync("alice");

        // Assert
        Assert.Equal((4401, "revoked"), await RevocationTestApp.ReceiveCloseAsync(aliceOnB));
        Assert.True(await RevocationTestApp.EchoesAsync(bobOnB));
        var refused = await RevocationTestApp.HandshakeBearerAsync(b, old);
        Assert.Equal((HttpStatusCode.Unauthorized, "revoked"), (refused.Status, refused.Body));
    }

    [RedisFact]
    [Trait("Matrix", "RV4")]
    public async Task ARevocation_SurvivesARedisRestartWithoutPersistence_AndAnInstanceStartedAfterKnowsIt()
    {
        // Arrange: the test's own redis-server, started without persistence: a restart empties it.
        await using var redis = await RedisTestServer.StartOwnAsync();
        var prefix = RedisTestServer.NewKeyPrefix();
        var old = RevocationTestApp.Token("alice", Now.AddMinutes(-10));
        await using var a = await StartAsync(redis.Address, prefix);
        await RevocationTestApp.Revocation(a).RevokeAsync("alice");

        // Act: Redis restarts empty; the running instance writes back what it knows when it reconnects.
        await redis.StopAsync();
        await redis.StartAsync();
        await WaitUntilAsync(() => Task.FromResult(a.Logs.GetSnapshot().Any(e => e.Id.Name == "RevocationRepaired")));
        await using var b = await StartAsync(redis.Address, prefix);

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, (await RevocationTestApp.HandshakeBearerAsync(a, old)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await RevocationTestApp.HandshakeBearerAsync(b, old)).Status);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, (await RevocationTestApp.HandshakeBearerAsync(b, RevocationTestApp.Token("bob", Now.AddMinutes(-10)))).Status);
    }

    [RedisFact]
    [Trait("Matrix", "RV3")]
    public async Task RedisUnreachable_RefusesHandshakes503_ThenAppliesTheMissedRevocationWhenBack()
    {
        // Arrange: instance B reaches Redis through a proxy the test cuts; A keeps its own way in.
        await using var redis = await RedisTestServer.StartOwnAsync();
        await using var proxy = new LoopbackTcpProxy("127.0.0.1", redis.Port);
        var prefix = RedisTestServer.NewKeyPrefix();
        await using var a = await StartAsync(redis.Address, prefix);
        await using var b = await StartAsync("127.0.0.1:" + proxy.Port, prefix, o => o.MaxStaleness = TimeSpan.Zero);
        var old = RevocationTestApp.Token("alice", Now.AddMinutes(-10));
        var (aliceOnB, _) = await RevocationTestApp.ConnectBearerAsync(b, old);
        using var _alice = aliceOnB;

        // Act
        proxy.Cut();
        await WaitUntilAsync(async () => (await RevocationTestApp.HandshakeBearerAsync(b, RevocationTestApp.Token("bob", Now))).Status == HttpStatusCode.ServiceUnavailable);
        var healthWhileCut = (await b.App.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Status;
        await RevocationTestApp.Revocation(a).RevokeAsync("alice");
        proxy.Restore();
        var closeWhenBack = await RevocationTestApp.ReceiveCloseAsync(aliceOnB, TimeSpan.FromSeconds(30));

        // Assert
        Assert.Equal(HealthStatus.Unhealthy, healthWhileCut);
        Assert.Equal((4401, "revoked"), closeWhenBack);
        Assert.Equal(HttpStatusCode.Unauthorized, (await RevocationTestApp.HandshakeBearerAsync(b, old)).Status);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, (await RevocationTestApp.HandshakeBearerAsync(b, RevocationTestApp.Token("bob", Now))).Status);
        Assert.DoesNotContain(b.Logs.GetSnapshot(), e => e.AllText.Contains("alice", StringComparison.Ordinal));
    }

    internal static Task<KestrelTestApp> StartAsync(string configuration, string prefix, Action<WebSocketRevocationOptions>? revocation = null)
        => RevocationTestApp.StartAsync(
            builder: ws => ws.AddRedisRevocation(
                configuration,
                o =>
                {
                    o.KeyPrefix = prefix;
                    o.Channel = prefix + "channel"; // a channel per test: parallel tests do not hear each other
                    o.KeepAliveInterval = TimeSpan.FromMilliseconds(250);
                    o.OperationTimeout = TimeSpan.FromSeconds(2);
                },
                o =>
                {
                    o.ReconnectDelay = TimeSpan.FromMilliseconds(200);
                    o.StartupWait = TimeSpan.FromSeconds(15);
                    revocation?.Invoke(o);
                }),
            services: s => s.AddHealthChecks().AddWebSocketRevocation());

    private static Task WaitUntilAsync(Func<Task<bool>> condition)
        => Eventually.WaitUntilAsync(condition, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100));
}
