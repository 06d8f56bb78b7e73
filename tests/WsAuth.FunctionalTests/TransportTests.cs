using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;
using WsAuth.Testing;

namespace WsAuth.FunctionalTests;

public class TransportTests
{
    [Fact]
    public async Task PlainWs_OutsideDevelopment_Gets403AndALogLineNamingTheFix()
    {
        await using var app = await HandshakeApp.StartAsync(environment: "Production");
        var response = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", HandshakeApp.AllowedOrigin), (HeaderAuthenticator.Header, "alice")]);

        Assert.Equal(HttpStatusCode.Forbidden, response.Status);
        Assert.Equal(WebSocketAuthFailureReasons.InsecureTransport, response.Body);
        var warning = Assert.Single(app.Logs.GetSnapshot(), e => e.Id.Name == "InsecureTransport");
        Assert.Contains("UseForwardedHeaders", warning.Message, StringComparison.Ordinal);
        Assert.Contains("RequireSecureTransport", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlainWs_InDevelopment_IsAllowedByDefault()
    {
        await using var app = await HandshakeApp.StartAsync(environment: "Development");
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await HandshakeApp.StatusAsync(app, HandshakeApp.AllowedOrigin, user: "alice"));
    }

    [Fact]
    public async Task PlainWs_RuleTurnedOff_IsAllowedOutsideDevelopment()
    {
        await using var app = await HandshakeApp.StartAsync(o => o.RequireSecureTransport = false, environment: "Production");
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await HandshakeApp.StatusAsync(app, HandshakeApp.AllowedOrigin, user: "alice"));
    }

    [Fact]
    public async Task PlainWs_RuleTurnedOn_IsRefusedInDevelopment()
    {
        await using var app = await HandshakeApp.StartAsync(o => o.RequireSecureTransport = true, environment: "Development");
        Assert.Equal(HttpStatusCode.Forbidden, await HandshakeApp.StatusAsync(app, HandshakeApp.AllowedOrigin, user: "alice"));
    }

    [Fact]
    public async Task TlsAtAProxy_WithForwardedHeadersMiddleware_Counts()
    {
        await using var app = await KestrelTestApp.StartAsync(
            builder =>
            {
                builder.Services.Configure<ForwardedHeadersOptions>(o =>
                {
                    o.ForwardedHeaders = ForwardedHeaders.XForwardedProto;
                    o.KnownProxies.Add(IPAddress.Loopback);
                });
                builder.Services.AddWebSocketAuth(o => o.AllowedOrigins.Add(HandshakeApp.AllowedOrigin)).AddAuthenticator<HeaderAuthenticator>("header");
            },
            (a, test) =>
            {
                a.UseForwardedHeaders();
                a.UseWebSocketAuth();
                test.MapWelcomeEcho(a);
            },
            environment: "Production");

        var viaProxy = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", HandshakeApp.AllowedOrigin), (HeaderAuthenticator.Header, "alice"), ("X-Forwarded-Proto", "https")]);
        var direct = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", HandshakeApp.AllowedOrigin), (HeaderAuthenticator.Header, "alice")]);

        Assert.Equal(HttpStatusCode.SwitchingProtocols, viaProxy.Status);
        Assert.Equal(HttpStatusCode.Forbidden, direct.Status);
    }

    [Fact]
    [Trait("Matrix", "D2")]
    public async Task ForwardedProto_WithoutForwardedHeadersMiddleware_IsIgnored()
    {
        await using var app = await HandshakeApp.StartAsync(environment: "Production");
        var response = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", HandshakeApp.AllowedOrigin), (HeaderAuthenticator.Header, "alice"), ("X-Forwarded-Proto", "https")]);
        Assert.Equal(HttpStatusCode.Forbidden, response.Status);
    }
}
