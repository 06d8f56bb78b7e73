using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using WsAuth.Testing;

namespace WsAuth.Redis.Tests;

/// <summary>
/// The log audit (matrix L1) on the Redis store: every WsAuth log line at Trace, through issuing, redeeming, replaying,
/// forging, Redis dying, coming back and the health check, holds no ticket and no full ticket id (the key suffix); no key
/// in Redis holds a ticket.
/// </summary>
public class RedisLogAuditTests
{
    [RedisFact]
    [Trait("Matrix", "L1")]
    [Trait("Matrix", "RV1")]
    public async Task NoWsAuthLogLine_AndNoKey_HoldsATicket_ThroughFailuresAndRecovery()
    {
        // Arrange
        var prefix = RedisTestServer.NewKeyPrefix();
        await using var redis = await RedisTestServer.StartOwnAsync(password: "audit-not-a-real-password-0001");
        await using var app = await RedisTicketApp.StartAsync(
            prefix,
            redis.Address,
            store: o => o.OperationTimeout = TimeSpan.FromSeconds(2),
            services: s => s.AddHealthChecks().AddWebSocketTicketStore());
        var cookie = await TicketTestApp.LoginAsync(app);
        var tickets = new List<string> { await RedisTicketApp.IssueWarmAsync(app), await RedisTicketApp.IssueWarmAsync(app), await RedisTicketApp.IssueWarmAsync(app) };
        var forged = WsAuth.Internal.TicketCodec.NewTicket(out _);
        var keys = await RedisTicketApp.KeysAsync(prefix, redis.Address);

        // Act: good and bad redemptions, then an outage and a recovery, then the health check.
        var responses = new List<RawResponse>
        {
            await TicketTestApp.RedeemAsync(app, tickets[0]),
            await TicketTestApp.RedeemAsync(app, tickets[0]),
            await TicketTestApp.RedeemAsync(app, forged),
            await TicketTestApp.RedeemAsync(app, tickets[1], origin: "https://evil.test"),
        };
        await redis.StopAsync();
        responses.Add(await TicketTestApp.RedeemAsync(app, tickets[2]));
        var issueWhileDown = await TicketTestApp.RequestAsync(app, cookie);
        var healthWhileDown = await app.App.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        await redis.StartAsync();
        var afterRestart = await RedisTicketApp.RequestUntilNot503Async(app, cookie);
        tickets.Add(afterRestart.Ticket!);
        responses.Add(await TicketTestApp.RedeemAsync(app, afterRestart.Ticket!));

        // Assert: the traffic did what it should, so the audit covers successes, refusals and failures.
        Assert.Equal(
            [HttpStatusCode.SwitchingProtocols, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden, HttpStatusCode.ServiceUnavailable, HttpStatusCode.SwitchingProtocols],
            responses.Select(r => r.Status));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, issueWhileDown.Status);
        Assert.Equal(HealthStatus.Unhealthy, healthWhileDown.Status);

        var ids = tickets.Append(forged).Select(t => WsAuth.Internal.TicketCodec.TryGetId(t, out var id) ? id : throw new InvalidOperationException()).ToList();
        var secrets = tickets.Append(forged).Concat(ids).Append("audit-not-a-real-password-0001").ToList();
        var lines = app.Logs.FromWsAuth().ToList();
        Assert.Contains(lines, l => l.Category!.StartsWith("WsAuth.Redis", StringComparison.Ordinal) && l.Id.Name == "TicketStoreUnavailable");
        Assert.Contains(lines, l => l.Category!.StartsWith("WsAuth.Redis", StringComparison.Ordinal) && l.Id.Name == "TicketStoreRecovered");
        foreach (var line in lines)
        {
            foreach (var secret in secrets)
            {
                Assert.False(line.AllText.Contains(secret, StringComparison.Ordinal), $"WsAuth log line {line.Category}/{line.Id.Name} contains a secret");
            }
        }

        foreach (var entry in healthWhileDown.Entries.Values)
        {
            Assert.Null(entry.Exception);
            Assert.DoesNotContain(secrets, s => entry.Description!.Contains(s, StringComparison.Ordinal));
        }

        // Keys are the prefix and the id (a hash): never the ticket.
        Assert.Equal(3, keys.Length);
        Assert.All(keys, k => Assert.DoesNotContain(tickets, t => k.Contains(t, StringComparison.Ordinal)));
    }
}
