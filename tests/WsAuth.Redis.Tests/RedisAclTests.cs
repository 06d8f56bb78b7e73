using System.Net;
using WsAuth.Testing;

namespace WsAuth.Redis.Tests;

/// <summary>The Redis user docs/redis.md recommends: its keys limited to the prefix, its commands to what the store needs.</summary>
public class RedisAclTests
{
    /// <summary>The ACL rules of docs/redis.md, after the user name and password.</summary>
    public static readonly string[] DocumentedRules =
        ["resetkeys", "~wsauth:ticket:*", "resetchannels", "-@all", "+set", "+getdel", "+eval", "+evalsha", "+ping", "+info", "+echo", "+client|setname", "+client|id"];

    [RedisFact]
    public async Task UserLimitedToThePrefix_RunsTheStore_AndCanTouchNothingElse()
    {
        // Arrange: a Redis with the documented user and one key that is not the store's.
        await using var redis = await RedisTestServer.StartOwnAsync();
        await redis.CommandAsync([.. new[] { "ACL", "SETUSER", "wsauth", "on", ">wsauth-test-password" }, .. DocumentedRules]);
        await redis.CommandAsync("SET", "other-app:secret", "x");
        var asUser = redis.Address + ",user=wsauth,password=wsauth-test-password";
        await using var app = await RedisTicketApp.StartAsync("wsauth:ticket:", asUser);

        // Act
        var ticket = await RedisTicketApp.IssueWarmAsync(app);
        var redeemed = await TicketTestApp.RedeemAsync(app, ticket);
        var replay = await TicketTestApp.RedeemAsync(app, ticket);
        var readOther = await Assert.ThrowsAsync<InvalidOperationException>(() => RedisTestServer.CommandAsync(asUser, "GET", "other-app:secret"));
        var flush = await Assert.ThrowsAsync<InvalidOperationException>(() => RedisTestServer.CommandAsync(asUser, "FLUSHALL"));

        // Assert
        Assert.Equal(HttpStatusCode.SwitchingProtocols, redeemed.Status);
        Assert.Equal(WebSocketAuthFailureReasons.TicketInvalid, replay.Body);
        Assert.StartsWith("NOPERM", readOther.Message, StringComparison.Ordinal);
        Assert.StartsWith("NOPERM", flush.Message, StringComparison.Ordinal);
    }
}
