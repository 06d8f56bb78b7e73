using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using WsAuth.Testing;

namespace WsAuth.FunctionalTests;

/// <summary>Matrix rows no earlier test covered on the wire: O10 on every guarded route, D4 (no permessage-deflate).</summary>
public class SecurityMatrixTests
{
    private static readonly string[] Routes = ["/ws", "/chat/room-1", "/api/v2/socket", "/api/v2/other"];

    private static Task<KestrelTestApp> StartAsync(HttpProtocols protocols, Action<WebSocketAuthOptions>? configure = null)
        => HandshakeApp.StartAsync(
            configure,
            map: (app, test) =>
            {
                test.MapWelcomeEcho(app, "/chat/{room}");
                var group = app.MapGroup("/api/v2");
                group.Map("/socket", context => test.WelcomeEchoAsync(context));
                group.Map("/{**rest}", context => test.WelcomeEchoAsync(context));
            },
            protocols: protocols);

    [Theory]
    [InlineData("https://evil.test")]
    [InlineData("https://app.example.com.evil.net")]
    [InlineData("null")]
    [Trait("Matrix", "O10")]
    public async Task EveryGuardedRoute_RefusesABadOrigin_OverHttp11(string origin)
    {
        await using var app = await StartAsync(HttpProtocols.Http1);
        foreach (var route in Routes)
        {
            var response = await RawHandshake.SendAsync(app.HttpUri, route, [("Origin", origin), (HeaderAuthenticator.Header, "alice")]);
            Assert.True(response.Status == HttpStatusCode.Forbidden, $"{route}: {(int)response.Status}");
            Assert.Empty(response.HeaderValues("Sec-WebSocket-Accept"));
        }

        Assert.Equal(0, app.EndpointInvocations);

        // The same routes do open for the allowed origin: the refusals above are the origin check, not a missing route.
        foreach (var route in Routes)
        {
            var response = await RawHandshake.SendAsync(app.HttpUri, route, [("Origin", HandshakeApp.AllowedOrigin), (HeaderAuthenticator.Header, "alice")]);
            Assert.True(response.Status == HttpStatusCode.SwitchingProtocols, $"{route}: {(int)response.Status}");
        }
    }

    [Fact]
    [Trait("Matrix", "O10")]
    public async Task EveryGuardedRoute_RefusesABadOrigin_OverHttp2()
    {
        await using var app = await StartAsync(HttpProtocols.Http2);
        foreach (var route in Routes)
        {
            var (refused, _) = await Http2MatrixTests.H2.ConnectAsync(app.WebSocketUri(route), "https://evil.test", [(HeaderAuthenticator.Header, "alice")]);
            var (allowed, _) = await Http2MatrixTests.H2.ConnectAsync(app.WebSocketUri(route), HandshakeApp.AllowedOrigin, [(HeaderAuthenticator.Header, "alice")]);
            Assert.True(refused == HttpStatusCode.Forbidden, $"{route}: {(int)refused}");
            Assert.True(allowed == HttpStatusCode.OK, $"{route}: {(int)allowed}");
        }

        Assert.Equal(Routes.Length, app.EndpointInvocations);
    }

    [Fact]
    [Trait("Matrix", "D4")]
    public async Task PermessageDeflate_OfferedByTheClient_IsNotNegotiated_WhenTheHandshakeAuthenticates()
    {
        await using var app = await HandshakeApp.StartAsync();
        var response = await RawHandshake.SendAsync(app.HttpUri, "/ws", [
            ("Origin", HandshakeApp.AllowedOrigin),
            (HeaderAuthenticator.Header, "alice"),
            ("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits"),
        ]);

        Assert.Equal(HttpStatusCode.SwitchingProtocols, response.Status);
        Assert.Empty(response.HeaderValues("Sec-WebSocket-Extensions"));
    }

    [Fact]
    [Trait("Matrix", "D4")]
    public async Task PermessageDeflate_OfferedByTheClient_IsNotNegotiated_WhenWsAuthAcceptsForTheFirstMessage()
    {
        // First-message authentication: WsAuth itself accepts the socket before the endpoint runs.
        var (app, _, _) = await FirstMessageApp.StartAsync();
        await using (app)
        {
            var response = await RawHandshake.SendAsync(app.HttpUri, "/ws", [
                ("Origin", FirstMessageApp.AllowedOrigin),
                ("Sec-WebSocket-Extensions", "permessage-deflate"),
            ]);

            Assert.Equal(HttpStatusCode.SwitchingProtocols, response.Status);
            Assert.Empty(response.HeaderValues("Sec-WebSocket-Extensions"));
        }
    }
}
