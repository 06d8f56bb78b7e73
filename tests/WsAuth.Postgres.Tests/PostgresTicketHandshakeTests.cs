using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Time.Testing;
using WsAuth.Testing;

namespace WsAuth.Postgres.Tests;

/// <summary>Tickets end to end over Kestrel on the PostgreSQL store, one and two app instances (matrix T1-T3).</summary>
public class PostgresTicketHandshakeTests : PostgresTest
{
    [PostgresFact]
    [Trait("Matrix", "T1")]
    public async Task LoginTicketConnect_Works_AndReplayIsRejected()
    {
        await using var app = await PostgresTicketApp.StartAsync(NewTableName());
        var issued = await TicketTestApp.RequestAsync(app, await TicketTestApp.LoginAsync(app, "alice"));

        using var socket = await WebSocketTestClient.ConnectAsync(app.WebSocketUri("/ws?ticket=" + issued.Ticket), TicketTestApp.AllowedOrigin);
        var welcome = JsonDocument.Parse(await WebSocketTestClient.ReceiveTextAsync(socket)).RootElement;
        var replay = await TicketTestApp.RedeemAsync(app, issued.Ticket!);

        Assert.Equal(HttpStatusCode.OK, issued.Status);
        Assert.Equal(30, issued.ExpiresIn);
        Assert.Equal("ticket", welcome.GetProperty("method").GetString());
        Assert.Equal("alice", welcome.GetProperty("user").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, replay.Status);
        Assert.Equal(WebSocketAuthFailureReasons.TicketInvalid, replay.Body);
    }

    [PostgresFact]
    [Trait("Matrix", "T2")]
    public async Task FiftyParallelHandshakes_WithOneTicket_GiveExactlyOne101()
    {
        await using var app = await PostgresTicketApp.StartAsync(NewTableName());
        var ticket = await TicketTestApp.IssueAsync(app);

        var responses = await TicketTestApp.RedeemConcurrentlyAsync(Enumerable.Repeat(app, 50), ticket);

        Assert.Single(responses, r => r.Status == HttpStatusCode.SwitchingProtocols);
        Assert.Equal(49, responses.Count(r => r.Status == HttpStatusCode.Unauthorized && r.Body == WebSocketAuthFailureReasons.TicketInvalid));
    }

    [PostgresFact]
    [Trait("Matrix", "T1")]
    [Trait("Matrix", "T2")]
    public async Task TwoInstances_TicketIssuedOnA_IsRedeemedOnB_AndReplayFailsOnBoth()
    {
        // Arrange: two apps, one database table, as behind a load balancer.
        var table = NewTableName();
        await using var a = await PostgresTicketApp.StartAsync(table);
        await using var b = await PostgresTicketApp.StartAsync(table);
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
    }

    [PostgresFact]
    [Trait("Matrix", "T2")]
    public async Task TwoInstances_FiftyParallelHandshakesSplitAcrossThem_GiveExactlyOne101()
    {
        var table = NewTableName();
        await using var a = await PostgresTicketApp.StartAsync(table);
        await using var b = await PostgresTicketApp.StartAsync(table);
        var ticket = await TicketTestApp.IssueAsync(a);

        var responses = await TicketTestApp.RedeemConcurrentlyAsync(Enumerable.Range(0, 50).Select(i => i % 2 == 0 ? a : b), ticket);

        Assert.Single(responses, r => r.Status == HttpStatusCode.SwitchingProtocols);
        Assert.Equal(1, a.EndpointInvocations + b.EndpointInvocations);
    }

    [PostgresFact]
    [Trait("Matrix", "T1")]
    public async Task Ticket_ExpiresAfterItsLifetime()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await PostgresTicketApp.StartAsync(NewTableName(), clock: clock, tickets: o => o.Lifetime = TimeSpan.FromSeconds(10));
        var (beforeExpiry, atExpiry) = await TicketTestApp.RedeemAroundExpiryAsync(app, clock);

        Assert.Equal(HttpStatusCode.SwitchingProtocols, beforeExpiry.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, atExpiry.Status);
        Assert.Equal(WebSocketAuthFailureReasons.TicketExpired, atExpiry.Body);
    }

    [PostgresFact]
    [Trait("Matrix", "T3")]
    public async Task Bindings_AreEnforcedAcrossInstances()
    {
        var table = NewTableName();
        await using var a = await PostgresTicketApp.StartAsync(table, mapTickets: app => app.MapWebSocketTickets("/ws/ticket", "/ws"));
        await using var b = await PostgresTicketApp.StartAsync(table, mapTickets: app => app.MapWebSocketTickets("/ws/ticket", "/ws"));

        var otherOrigin = await TicketTestApp.RedeemAsync(b, await TicketTestApp.IssueAsync(a), origin: TicketTestApp.OtherAllowedOrigin);
        var otherPath = await TicketTestApp.RedeemAsync(b, await TicketTestApp.IssueAsync(a), path: "/elsewhere");

        Assert.Equal(WebSocketAuthFailureReasons.TicketOriginMismatch, otherOrigin.Body);
        Assert.Equal(WebSocketAuthFailureReasons.TicketPathMismatch, otherPath.Body);
    }
}
