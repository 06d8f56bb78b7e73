using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using WsAuth.Testing;

namespace WsAuth.Redis.Tests;

/// <summary>Tickets on Redis through real handshakes on Kestrel, on one instance and on two sharing one Redis.</summary>
public class RedisTicketHandshakeTests
{
    [RedisFact]
    [Trait("Matrix", "T1")]
    public async Task Ticket_IssuedAndRedeemedOnce_OverRedis()
    {
        await using var app = await RedisTicketApp.StartAsync(RedisTestServer.NewKeyPrefix());
        var issued = await TicketTestApp.RequestAsync(app, await TicketTestApp.LoginAsync(app));

        using var socket = await WebSocketTestClient.ConnectAsync(app.WebSocketUri("/ws?ticket=" + issued.Ticket), TicketTestApp.AllowedOrigin);
        var welcome = JsonDocument.Parse(await WebSocketTestClient.ReceiveTextAsync(socket)).RootElement;
        var replay = await TicketTestApp.RedeemAsync(app, issued.Ticket!);

        Assert.Equal(HttpStatusCode.OK, issued.Status);
        Assert.Equal("ticket", welcome.GetProperty("method").GetString());
        Assert.Equal("alice", welcome.GetProperty("user").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, replay.Status);
        Assert.Equal(WebSocketAuthFailureReasons.TicketInvalid, replay.Body);
    }

    [RedisFact]
    [Trait("Matrix", "T2")]
    [Trait("Matrix", "RV2")]
    public async Task FiftyParallelHandshakes_WithOneTicket_GiveExactlyOne101()
    {
        await using var app = await RedisTicketApp.StartAsync(RedisTestServer.NewKeyPrefix());
        var ticket = await TicketTestApp.IssueAsync(app);

        var responses = await TicketTestApp.RedeemConcurrentlyAsync(Enumerable.Repeat(app, 50), ticket);

        Assert.Single(responses, r => r.Status == HttpStatusCode.SwitchingProtocols);
        Assert.Equal(49, responses.Count(r => r.Status == HttpStatusCode.Unauthorized && r.Body == WebSocketAuthFailureReasons.TicketInvalid));
        Assert.Equal(1, app.EndpointInvocations);
    }

    [RedisFact]
    [Trait("Matrix", "T1")]
    [Trait("Matrix", "RV2")]
    public async Task TwoInstances_TicketIssuedOnA_IsRedeemedOnB_AndReplayFailsOnBoth()
    {
        // Arrange: two apps, one Redis, as behind a load balancer.
        var prefix = RedisTestServer.NewKeyPrefix();
        await using var a = await RedisTicketApp.StartAsync(prefix);
        await using var b = await RedisTicketApp.StartAsync(prefix);
        var ticket = await TicketTestApp.IssueAsync(a);

        // Act
        var onB = await TicketTestApp.RedeemAsync(b, ticket);
        var replayOnA = await TicketTestApp.RedeemAsync(a, ticket);
        var replayOnB = await TicketTestApp.RedeemAsync(b, ticket);

        // Assert
        Assert.Equal(HttpStatusCode.SwitchingProtocols, onB.Status);
        Assert.Equal(WebSocketAuthFailureReasons.TicketInvalid, replayOnA.Body);
        Assert.Equal(WebSocketAuthFailureReasons.TicketInvalid, replayOnB.Body);
        Assert.Equal(0, a.EndpointInvocations);
        Assert.Equal(1, b.EndpointInvocations);
        Assert.Empty(await RedisTicketApp.KeysAsync(prefix));
    }

    [RedisFact]
    [Trait("Matrix", "T2")]
    [Trait("Matrix", "RV2")]
    public async Task TwoInstances_FiftyParallelHandshakesSplitAcrossThem_GiveExactlyOne101()
    {
        var prefix = RedisTestServer.NewKeyPrefix();
        await using var a = await RedisTicketApp.StartAsync(prefix);
        await using var b = await RedisTicketApp.StartAsync(prefix);
        var ticket = await TicketTestApp.IssueAsync(a);

        var responses = await TicketTestApp.RedeemConcurrentlyAsync(Enumerable.Range(0, 50).Select(i => i % 2 == 0 ? a : b), ticket);

        Assert.Single(responses, r => r.Status == HttpStatusCode.SwitchingProtocols);
        Assert.Equal(49, responses.Count(r => r.Body == WebSocketAuthFailureReasons.TicketInvalid));
        Assert.Equal(1, a.EndpointInvocations + b.EndpointInvocations);
    }

    [RedisFact]
    [Trait("Matrix", "T1")]
    public async Task Ticket_ExpiresAfterItsLifetime()
    {
        var clock = new TestTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await RedisTicketApp.StartAsync(RedisTestServer.NewKeyPrefix(), clock: clock, tickets: o => o.Lifetime = TimeSpan.FromSeconds(10));
        var (beforeExpiry, atExpiry) = await TicketTestApp.RedeemAroundExpiryAsync(app, clock);

        Assert.Equal(HttpStatusCode.SwitchingProtocols, beforeExpiry.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, atExpiry.Status);
        Assert.Equal(WebSocketAuthFailureReasons.TicketExpired, atExpiry.Body);
    }

    [RedisFact]
    [Trait("Matrix", "T3")]
    public async Task Bindings_AreEnforcedAcrossInstances()
    {
        var prefix = RedisTestServer.NewKeyPrefix();
        await using var a = await RedisTicketApp.StartAsync(prefix, mapTickets: app => app.MapWebSocketTickets("/ws/ticket", "/ws"));
        await using var b = await RedisTicketApp.StartAsync(prefix, mapTickets: app => app.MapWebSocketTickets("/ws/ticket", "/ws"));

        var otherOrigin = await TicketTestApp.RedeemAsync(b, await TicketTestApp.IssueAsync(a), origin: TicketTestApp.OtherAllowedOrigin);
        var otherPath = await TicketTestApp.RedeemAsync(b, await TicketTestApp.IssueAsync(a), path: "/elsewhere");

        Assert.Equal(WebSocketAuthFailureReasons.TicketOriginMismatch, otherOrigin.Body);
        Assert.Equal(WebSocketAuthFailureReasons.TicketPathMismatch, otherPath.Body);
    }

    [RedisFact]
    public async Task DifferentPrefixes_DoNotShareTickets()
    {
        await using var a = await RedisTicketApp.StartAsync(RedisTestServer.NewKeyPrefix());
        await using var b = await RedisTicketApp.StartAsync(RedisTestServer.NewKeyPrefix());
        var ticket = await TicketTestApp.IssueAsync(a);

        Assert.Equal(WebSocketAuthFailureReasons.TicketInvalid, (await TicketTestApp.RedeemAsync(b, ticket)).Body);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, (await TicketTestApp.RedeemAsync(a, ticket)).Status);
    }
}
