using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using WsAuth.Testing;

namespace WsAuth.FunctionalTests;

public class EventsAndObservabilityTests
{
    [Fact]
    public async Task OnRejected_CanChangeTheStatus()
    {
        await using var app = await HandshakeApp.StartAsync(o => o.Events.OnRejected = ctx =>
        {
            ctx.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
        var response = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", "https://evil.test")]);
        Assert.Equal(HttpStatusCode.NotFound, response.Status);
    }

    [Fact]
    public async Task OnRejected_CanWriteItsOwnResponse_AndSeesTheReason()
    {
        string? seen = null;
        await using var app = await HandshakeApp.StartAsync(o => o.Events.OnRejected = async ctx =>
        {
            seen = ctx.Reason;
            ctx.HandleResponse();
            ctx.HttpContext.Response.StatusCode = StatusCodes.Status418ImATeapot;
            await ctx.HttpContext.Response.WriteAsync("custom");
        });
        var response = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", HandshakeApp.AllowedOrigin)]);
        Assert.Equal((HttpStatusCode)418, response.Status);
        Assert.Equal("custom", response.Body);
        Assert.Equal(WebSocketAuthFailureReasons.NoCredentials, seen);
        Assert.Equal(0, app.EndpointInvocations);
    }

    [Fact]
    public async Task OnAuthenticated_CanRejectAValidCredential()
    {
        await using var app = await HandshakeApp.StartAsync(o => o.Events.OnAuthenticated = ctx =>
        {
            if (ctx.Principal.Identity?.Name == "mallory")
            {
                ctx.Reject("banned");
            }

            return Task.CompletedTask;
        });
        var response = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", HandshakeApp.AllowedOrigin), (HeaderAuthenticator.Header, "mallory")]);
        Assert.Equal(HttpStatusCode.Forbidden, response.Status);
        Assert.Equal("banned", response.Body);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await HandshakeApp.StatusAsync(app, HandshakeApp.AllowedOrigin, user: "alice"));
    }

    [Fact]
    public async Task EventsType_IsResolvedFromServices()
    {
        await using var app = await HandshakeApp.StartAsync(
            o => o.EventsType = typeof(CountingEvents),
            services: s => s.AddSingleton<CountingEvents>());
        await HandshakeApp.StatusAsync(app, HandshakeApp.AllowedOrigin, user: "alice");
        await HandshakeApp.StatusAsync(app, "https://evil.test", user: "alice");
        var events = app.App.Services.GetRequiredService<CountingEvents>();
        Assert.Equal(1, events.AuthenticatedCount);
        Assert.Equal(1, events.RejectedCount);
    }

    [Fact]
    [Trait("Matrix", "L1")]
    public async Task Rejection_LogsOneStructuredEventWithReasonOriginAndClient()
    {
        await using var app = await HandshakeApp.StartAsync();
        await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", "https://evil.test"), (HeaderAuthenticator.Header, "alice")]);
        var line = Assert.Single(app.Logs.GetSnapshot(), e => e.Id.Name == "HandshakeRejected");
        Assert.Equal(2, line.Id.Id);
        Assert.Contains("Reason=origin_not_allowed", line.StateValues);
        Assert.Contains("Origin=https://evil.test", line.StateValues);
        Assert.Contains("RemoteIp=127.0.0.1", line.StateValues);
    }

    [Fact]
    public async Task Meter_CountsHandshakesByMethodOutcomeAndReason_AndTimesThem()
    {
        await using var app = await HandshakeApp.StartAsync();
        using var metrics = new WsAuthMetricCollectors(app.App.Services);

        await HandshakeApp.StatusAsync(app, HandshakeApp.AllowedOrigin, user: "alice");
        await HandshakeApp.StatusAsync(app, HandshakeApp.AllowedOrigin, user: "bad");
        await HandshakeApp.StatusAsync(app, "https://evil.test", user: "alice");

        var counts = metrics.Tags("wsauth.handshakes");
        Assert.Contains(counts, t => (string?)t["wsauth.method"] == "header" && (string?)t["wsauth.outcome"] == "authenticated");
        Assert.Contains(counts, t => (string?)t["wsauth.method"] == "header" && (string?)t.GetValueOrDefault("wsauth.reason") == "invalid_credentials");
        Assert.Contains(counts, t => (string?)t["wsauth.method"] == "none" && (string?)t.GetValueOrDefault("wsauth.reason") == "origin_not_allowed");
        Assert.Equal(3, metrics.Duration.GetMeasurementSnapshot().Count);
        Assert.DoesNotContain(metrics.AllTagValues(), v => v is string s && (s.Contains("alice", StringComparison.Ordinal) || s.Contains("evil", StringComparison.Ordinal)));
    }

    internal sealed class CountingEvents : WebSocketAuthEvents
    {
        public int AuthenticatedCount;
        public int RejectedCount;

        public override Task Authenticated(WebSocketAuthenticatedContext context)
        {
            Interlocked.Increment(ref AuthenticatedCount);
            return base.Authenticated(context);
        }

        public override Task Rejected(WebSocketRejectedContext context)
        {
            Interlocked.Increment(ref RejectedCount);
            return base.Rejected(context);
        }
    }
}
