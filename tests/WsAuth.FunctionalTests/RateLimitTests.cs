using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WsAuth.Testing;

namespace WsAuth.FunctionalTests;

/// <summary>Handshake rate limits (SECURITY-MATRIX D1, D2, T4): 429 with Retry-After before the upgrade.</summary>
public class RateLimitTests
{
    private static Task<KestrelTestApp> StartAsync(Action<WebSocketRateLimitOptions> limits, bool forwardedHeaders = false, TimeProvider? time = null)
        => KestrelTestApp.StartAsync(
            b =>
            {
                if (time is not null)
                {
                    b.Services.AddSingleton(time);
                }

                b.Services.AddWebSocketAuth(o =>
                {
                    o.AllowedOrigins.Add(HandshakeApp.AllowedOrigin);
                    limits(o.RateLimiting);
                }).AddAuthenticator<HeaderAuthenticator>("header");
            },
            (a, t) =>
            {
                if (forwardedHeaders)
                {
                    // The default KnownNetworks trust loopback proxies, which is where the test client is.
                    a.UseForwardedHeaders(new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor });
                }

                a.UseWebSocketAuth();
                t.MapWelcomeEcho(a);
            });

    private static Task<RawResponse> HandshakeAsync(KestrelTestApp app, string user, string? forwardedFor = null)
    {
        var headers = new List<(string, string)> { ("Origin", HandshakeApp.AllowedOrigin), (HeaderAuthenticator.Header, user) };
        if (forwardedFor is not null)
        {
            headers.Add(("X-Forwarded-For", forwardedFor));
        }

        return RawHandshake.SendAsync(app.HttpUri, "/ws", headers);
    }

    [Fact]
    [Trait("Matrix", "D1")]
    public async Task PerClient_TheNPlusOnethAttemptInTheWindow_Gets429WithRetryAfter()
    {
        // Arrange
        await using var app = await StartAsync(l => l.PermitsPerClient = 5);

        // Act
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add((await HandshakeAsync(app, "user" + i)).Status);
        }

        var limited = await HandshakeAsync(app, "another");

        // Assert
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.SwitchingProtocols, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.Status);
        Assert.Equal(WebSocketAuthFailureReasons.RateLimited, limited.Body);
        var retryAfter = int.Parse(limited.HeaderValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        Assert.Equal("no-store", limited.HeaderValues("Cache-Control").Single());
        Assert.Empty(limited.HeaderValues("Sec-WebSocket-Accept"));
        Assert.Equal(5, app.EndpointInvocations);
    }

    [Fact]
    [Trait("Matrix", "D1")]
    public async Task PerClient_CountsEveryAttempt_RejectedOnesToo()
    {
        await using var app = await StartAsync(l => l.PermitsPerClient = 3);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", HandshakeApp.AllowedOrigin)])).Status);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await HandshakeAsync(app, "alice")).Status);
    }

    [Fact]
    [Trait("Matrix", "D1")]
    [Trait("Matrix", "AV1")]
    public async Task PerClient_RefusedOrigins_SpendTheirOwnBudget_NotTheClients()
    {
        await using var app = await StartAsync(l => l.PermitsPerClient = 3);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", "https://evil.test")])).Status);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", "https://evil.test")])).Status);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, (await HandshakeAsync(app, "alice")).Status);
    }

    [Fact]
    [Trait("Matrix", "D2")]
    public async Task SpoofedForwardedFor_WithoutForwardedHeadersMiddleware_IsIgnored()
    {
        await using var app = await StartAsync(l => l.PermitsPerClient = 3);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await HandshakeAsync(app, "alice", forwardedFor: $"203.0.113.{i + 1}")).Status);
        }

        Assert.Equal([HttpStatusCode.SwitchingProtocols, HttpStatusCode.SwitchingProtocols, HttpStatusCode.SwitchingProtocols, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    [Trait("Matrix", "D2")]
    public async Task ForwardedFor_WithForwardedHeadersMiddleware_GivesEachClientItsOwnBudget()
    {
        await using var app = await StartAsync(l => l.PermitsPerClient = 1, forwardedHeaders: true);
        var first = await HandshakeAsync(app, "alice", forwardedFor: "203.0.113.1");
        var second = await HandshakeAsync(app, "alice", forwardedFor: "203.0.113.2");
        var again = await HandshakeAsync(app, "alice", forwardedFor: "203.0.113.1");

        Assert.Equal(HttpStatusCode.SwitchingProtocols, first.Status);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, second.Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, again.Status);
    }

    [Fact]
    [Trait("Matrix", "D1")]
    public async Task PerUser_LimitsOneUserFromAnyAddress_NotTheOthers()
    {
        await using var app = await StartAsync(l => l.PermitsPerUser = 2);
        var alice = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            alice.Add((await HandshakeAsync(app, "alice")).Status);
        }

        var limited = await HandshakeAsync(app, "alice");
        var bob = await HandshakeAsync(app, "bob");

        Assert.Equal([HttpStatusCode.SwitchingProtocols, HttpStatusCode.SwitchingProtocols, HttpStatusCode.TooManyRequests], alice);
        Assert.Equal(WebSocketAuthFailureReasons.UserRateLimited, limited.Body);
        Assert.NotEmpty(limited.HeaderValues("Retry-After"));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, bob.Status);
    }

    [Fact]
    [Trait("Matrix", "D1")]
    [Trait("Matrix", "T4")]
    public async Task RepeatedRejectedCredentials_LockTheClientOut_UntilTheLockoutEnds()
    {
        var time = new FakeTimeProvider();
        await using var app = await StartAsync(l => { l.LockoutThreshold = 3; l.LockoutDuration = TimeSpan.FromMinutes(2); }, time: time);

        var failures = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            failures.Add((await HandshakeAsync(app, "bad")).Status);
        }

        var lockedOut = await HandshakeAsync(app, "alice"); // even a valid credential
        time.Advance(TimeSpan.FromMinutes(2));
        var afterwards = await HandshakeAsync(app, "alice");

        Assert.All(failures, s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, lockedOut.Status);
        Assert.Equal(WebSocketAuthFailureReasons.LockedOut, lockedOut.Body);
        Assert.Equal("120", lockedOut.HeaderValues("Retry-After").Single());
        Assert.Contains(app.Logs.GetSnapshot(), e => e.Id.Name == "ClientLockedOut");
        Assert.Equal(HttpStatusCode.SwitchingProtocols, afterwards.Status);
    }

    [Fact]
    public async Task FirstMessageFailures_CountTowardsTheLockout_ExpiredCredentialsDoNot()
    {
        var (app, _, _) = await FirstMessageApp.StartAsync(o => o.RateLimiting.LockoutThreshold = 2);
        await using var _app = app;

        for (var i = 0; i < 3; i++)
        {
            using var expired = await FirstMessageApp.ConnectAsync(app);
            await FirstMessageApp.SendAuthAsync(expired, "expired-token");
            Assert.Equal(4401, (await FirstMessageApp.ReceiveCloseAsync(expired)).Code);
        }

        for (var i = 0; i < 2; i++)
        {
            using var invalid = await FirstMessageApp.ConnectAsync(app);
            await FirstMessageApp.SendAuthAsync(invalid, "invalid-token");
            Assert.Equal(4401, (await FirstMessageApp.ReceiveCloseAsync(invalid)).Code);
        }

        var lockedOut = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", FirstMessageApp.AllowedOrigin)]);
        Assert.Equal(HttpStatusCode.TooManyRequests, lockedOut.Status);
        Assert.Equal(WebSocketAuthFailureReasons.LockedOut, lockedOut.Body);
    }

    [Fact]
    public async Task LimitHitByALoopbackClient_WarnsOnceAboutProxies()
    {
        await using var app = await StartAsync(l => l.PermitsPerClient = 1);
        for (var i = 0; i < 4; i++)
        {
            await HandshakeAsync(app, "alice");
        }

        var warning = Assert.Single(app.Logs.GetSnapshot(), e => e.Id.Name == "PrivateClientRateLimited");
        Assert.Contains("UseForwardedHeaders", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disabled_LimitsNothing()
    {
        await using var app = await StartAsync(l => { l.Enabled = false; l.PermitsPerClient = 1; });
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.SwitchingProtocols, (await HandshakeAsync(app, "alice")).Status);
        }
    }

    [Theory]
    [InlineData("WsAuth:RateLimiting:Window", "00:00:00")]
    [InlineData("WsAuth:RateLimiting:PermitsPerClient", "-1")]
    [InlineData("WsAuth:RateLimiting:PermitsPerClient", "many")]
    [InlineData("WsAuth:RateLimiting:ClientIPv6PrefixLength", "8")]
    public async Task InvalidConfiguration_AppFailsToStartNamingTheKey(string key, string value)
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => KestrelTestApp.StartAsync(
            b =>
            {
                b.Configuration[key] = value;
                b.Services.AddWebSocketAuth(o => o.AllowedOrigins.Add(HandshakeApp.AllowedOrigin)).AddAuthenticator<HeaderAuthenticator>("header");
            },
            (a, t) => a.UseWebSocketAuth()));
        Assert.Contains(key.Split(':')[^1], ex.Message, StringComparison.Ordinal);
    }
}
