using System.Net;
using Microsoft.Extensions.Logging;
using WsAuth.Testing;

namespace WsAuth.Redis.Tests;

/// <summary>
/// Redis stopped, paused past the budget, restarted, out of memory and read-only (matrix RV1). Each test starts its own
/// redis-server process, so stopping or pausing it disturbs no other test. Throughout: 503 store_unavailable, never a 101,
/// then recovery on the same app instance.
/// </summary>
public class RedisFailureTests
{
    [RedisFact]
    [Trait("Matrix", "RV1")]
    public async Task RedisStoppedMidRun_Gets503_ThenRecoversWithoutRestartingTheApp()
    {
        // Arrange
        await using var redis = await RedisTestServer.StartOwnAsync();
        await using var app = await RedisTicketApp.StartAsync(RedisTestServer.NewKeyPrefix(), redis.Address, store: o => o.OperationTimeout = TimeSpan.FromSeconds(2));
        var cookie = await TicketTestApp.LoginAsync(app);
        var issuedBefore = await RedisTicketApp.IssueWarmAsync(app);

        // Act: Redis dies; clients keep trying.
        await redis.StopAsync();
        var redeemWhileDown = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => TicketTestApp.RedeemAsync(app, issuedBefore)));
        var issueWhileDown = await TicketTestApp.RequestAsync(app, cookie);

        // Redis comes back empty (no persistence): the outstanding ticket is gone, new ones work.
        await redis.StartAsync();
        var afterRestart = await RedisTicketApp.RedeemUntilNot503Async(app, issuedBefore);
        var issueAfter = await RedisTicketApp.RequestUntilNot503Async(app, cookie);
        var redeemAfter = await TicketTestApp.RedeemAsync(app, issueAfter.Ticket!);

        // Assert: fail closed meanwhile, never a 101, and the same app recovers.
        Assert.All(redeemWhileDown, r => Assert.Equal(HttpStatusCode.ServiceUnavailable, r.Status));
        Assert.All(redeemWhileDown, r => Assert.Equal(WebSocketAuthFailureReasons.StoreUnavailable, r.Body));
        Assert.All(redeemWhileDown, r => Assert.Empty(r.HeaderValues("Sec-WebSocket-Accept")));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, issueWhileDown.Status);
        Assert.Equal(WebSocketAuthFailureReasons.StoreUnavailable, issueWhileDown.Body);
        Assert.All(afterRestart[..^1], r => Assert.Equal(HttpStatusCode.ServiceUnavailable, r.Status));
        Assert.Equal(HttpStatusCode.Unauthorized, afterRestart[^1].Status);
        Assert.Equal(WebSocketAuthFailureReasons.TicketInvalid, afterRestart[^1].Body);
        Assert.Equal(HttpStatusCode.OK, issueAfter.Status);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, redeemAfter.Status);
        Assert.Equal(1, app.EndpointInvocations);
        Assert.Contains(app.Logs.Entries, e => e.EventId.Name == "TicketStoreUnavailable" && e.Level == LogLevel.Error);
        Assert.Contains(app.Logs.Entries, e => e.EventId.Name == "TicketStoreRecovered");
    }

    [RedisFact]
    [Trait("Matrix", "RV1")]
    public async Task RedisPausedPastTheBudget_Gets503_NeverA101_ThenRecovers()
    {
        // Arrange: a 2 s budget (the default), Redis paused for 6 s (CLIENT PAUSE: it accepts commands and answers none).
        await using var redis = await RedisTestServer.StartOwnAsync();
        await using var app = await RedisTicketApp.StartAsync(RedisTestServer.NewKeyPrefix(), redis.Address, store: o => o.OperationTimeout = TimeSpan.FromSeconds(2));
        var cookie = await TicketTestApp.LoginAsync(app);
        var ticket = await RedisTicketApp.IssueWarmAsync(app);

        // Act
        await redis.CommandAsync("CLIENT", "PAUSE", "6000", "ALL");
        var whilePaused = await TicketTestApp.RedeemAsync(app, ticket);
        var issueWhilePaused = await TicketTestApp.RequestAsync(app, cookie);
        await redis.CommandAsync("CLIENT", "UNPAUSE");
        var fresh = await RedisTicketApp.RequestUntilNot503Async(app, cookie);
        var redeemFresh = await TicketTestApp.RedeemAsync(app, fresh.Ticket!);
        var replay = await RedisTicketApp.RedeemUntilNot503Async(app, ticket);

        // Assert: 503 within the budget. The GETDEL abandoned at the budget still ran once Redis answered again, so the
        // ticket it carried is used up (401), never redeemed: a lost answer burns a ticket rather than risk a second use.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, whilePaused.Status);
        Assert.Equal(WebSocketAuthFailureReasons.StoreUnavailable, whilePaused.Body);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, issueWhilePaused.Status);
        Assert.Contains(app.Logs.Entries, e => e.EventId.Name == "TicketStoreUnavailable" && e.Message.Contains("(TimeoutException)", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, fresh.Status);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, redeemFresh.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, replay[^1].Status);
        Assert.Equal(WebSocketAuthFailureReasons.TicketInvalid, replay[^1].Body);
        Assert.Equal(1, app.EndpointInvocations);
    }

    [RedisFact]
    [Trait("Matrix", "RV1")]
    public async Task RedisOutOfMemory_TicketRequestsGet503_OutstandingTicketsStillRedeemOnce_ThenRecovers()
    {
        // Arrange
        await using var redis = await RedisTestServer.StartOwnAsync();
        await using var app = await RedisTicketApp.StartAsync(RedisTestServer.NewKeyPrefix(), redis.Address);
        var cookie = await TicketTestApp.LoginAsync(app);
        var outstanding = await RedisTicketApp.IssueWarmAsync(app);

        // Act: Redis refuses every write that needs memory (maxmemory 1 byte, no eviction).
        await redis.CommandAsync("CONFIG", "SET", "maxmemory-policy", "noeviction");
        await redis.CommandAsync("CONFIG", "SET", "maxmemory", "1");
        var issueWhileFull = await TicketTestApp.RequestAsync(app, cookie);
        var redeemWhileFull = await TicketTestApp.RedeemAsync(app, outstanding);
        var replayWhileFull = await TicketTestApp.RedeemAsync(app, outstanding);
        await redis.CommandAsync("CONFIG", "SET", "maxmemory", "0");
        var issueAfter = await TicketTestApp.RequestAsync(app, cookie);

        // Assert: no ticket can be issued (503, logged with Redis's error code); GETDEL frees memory, so Redis still
        // lets an outstanding ticket be redeemed, once.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, issueWhileFull.Status);
        Assert.Equal(WebSocketAuthFailureReasons.StoreUnavailable, issueWhileFull.Body);
        Assert.Contains(app.Logs.Entries, e => e.EventId.Name == "TicketStoreUnavailable" && e.Message.Contains("OOM", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, redeemWhileFull.Status);
        Assert.Equal(WebSocketAuthFailureReasons.TicketInvalid, replayWhileFull.Body);
        Assert.Equal(HttpStatusCode.OK, issueAfter.Status);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, (await TicketTestApp.RedeemAsync(app, issueAfter.Ticket!)).Status);
    }

    [RedisFact]
    [Trait("Matrix", "RV1")]
    public async Task RedisReadOnly_Gets503_NeverA101_TheTicketSurvives_ThenRecovers()
    {
        // Arrange: Redis turned into a read-only replica (of a primary that does not exist, so it keeps its data).
        await using var redis = await RedisTestServer.StartOwnAsync();
        await using var app = await RedisTicketApp.StartAsync(RedisTestServer.NewKeyPrefix(), redis.Address, store: o => o.OperationTimeout = TimeSpan.FromSeconds(2));
        var cookie = await TicketTestApp.LoginAsync(app);
        var ticket = await RedisTicketApp.IssueWarmAsync(app);

        // Act
        await redis.CommandAsync("REPLICAOF", "127.0.0.1", "1");
        var redeemWhileReadOnly = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => TicketTestApp.RedeemAsync(app, ticket)));
        var issueWhileReadOnly = await TicketTestApp.RequestAsync(app, cookie);
        await redis.CommandAsync("REPLICAOF", "NO", "ONE");
        var afterRecovery = await RedisTicketApp.RedeemUntilNot503Async(app, ticket);
        var replay = await TicketTestApp.RedeemAsync(app, ticket);

        // Assert: GETDEL is a write, so it is refused and the ticket is not consumed; it works once after recovery.
        Assert.All(redeemWhileReadOnly, r => Assert.Equal(HttpStatusCode.ServiceUnavailable, r.Status));
        Assert.All(redeemWhileReadOnly, r => Assert.Equal(WebSocketAuthFailureReasons.StoreUnavailable, r.Body));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, issueWhileReadOnly.Status);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, afterRecovery[^1].Status);
        Assert.Equal(WebSocketAuthFailureReasons.TicketInvalid, replay.Body);
        Assert.Equal(1, app.EndpointInvocations);
    }

    [RedisFact]
    [Trait("Matrix", "RV1")]
    public async Task RedisDownAtStartup_TheAppStartsAnyway_Gets503_ThenWorksWhenRedisComesUp()
    {
        // Arrange: a Redis that is not running yet.
        var redis = await RedisTestServer.StartOwnAsync();
        await redis.StopAsync();
        await using var stopRedis = redis;

        // Act: the app starts (the connection is opened in the background, never awaited by the host).
        await using var app = await RedisTicketApp.StartAsync(RedisTestServer.NewKeyPrefix(), redis.Address, store: o => o.OperationTimeout = TimeSpan.FromSeconds(1));
        var cookie = await TicketTestApp.LoginAsync(app);
        var whileDown = await TicketTestApp.RequestAsync(app, cookie);
        await redis.StartAsync();
        var afterStart = await RedisTicketApp.RequestUntilNot503Async(app, cookie);

        // Assert
        Assert.Equal(HttpStatusCode.ServiceUnavailable, whileDown.Status);
        Assert.Equal(WebSocketAuthFailureReasons.StoreUnavailable, whileDown.Body);
        Assert.Equal(HttpStatusCode.OK, afterStart.Status);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, (await TicketTestApp.RedeemAsync(app, afterStart.Ticket!)).Status);
    }
}
