using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using WsAuth.Testing;

namespace WsAuth.FunctionalTests;

/// <summary>
/// <see cref="WebSocketRejectionMode.CloseAfterUpgrade"/>: browsers see only 1006 for a refused handshake, so
/// authentication failures are sent as close codes instead; Origin and transport refusals stay HTTP statuses.
/// </summary>
public class RejectionModeTests
{
    private static Task<KestrelTestApp> StartAsync(Action<WebSocketAuthOptions>? configure = null)
        => HandshakeApp.StartAsync(
            o =>
            {
                o.RejectionMode = WebSocketRejectionMode.CloseAfterUpgrade;
                configure?.Invoke(o);
            },
            map: (a, t) =>
            {
                a.Map("/admin", t.WelcomeEchoAsync).RequireWebSocketAuth("admins");
                a.Map("/chat", t.WelcomeEchoAsync).WithWebSocketSubprotocols("chat.v1");
            });

    private static async Task<(int Code, string? Reason)> ConnectAndReceiveCloseAsync(KestrelTestApp app, string path, string? user)
    {
        using var socket = await WebSocketTestClient.ConnectAsync(app.WebSocketUri(path), HandshakeApp.AllowedOrigin, o =>
        {
            if (user is not null)
            {
                o.SetRequestHeader(HeaderAuthenticator.Header, user);
            }
        });
        Assert.Equal(HttpStatusCode.SwitchingProtocols, socket.HttpStatusCode);
        return await FirstMessageApp.ReceiveCloseAsync(socket);
    }

    [Theory]
    [InlineData("/ws", null, 4401, WebSocketAuthFailureReasons.NoCredentials)]
    [InlineData("/ws", "bad", 4401, WebSocketAuthFailureReasons.InvalidCredentials)]
    [InlineData("/admin", "alice", 4403, WebSocketAuthFailureReasons.Forbidden)]
    public async Task AuthenticationFailure_IsAcceptedThenClosedWithTheCode_AndTheEndpointNeverRuns(string path, string? user, int code, string reason)
    {
        await using var app = await StartAsync();
        Assert.Equal((code, reason), await ConnectAndReceiveCloseAsync(app, path, user));
        Assert.Equal(0, app.EndpointInvocations);
    }

    [Fact]
    public async Task Success_IsUnchanged()
    {
        await using var app = await StartAsync();
        using var socket = await WebSocketTestClient.ConnectAsync(app.WebSocketUri(), HandshakeApp.AllowedOrigin, o => o.SetRequestHeader(HeaderAuthenticator.Header, "alice"));
        var welcome = await FirstMessageApp.ReceiveJsonAsync(socket);
        Assert.Equal("alice", welcome.GetProperty("user").GetString());
    }

    [Fact]
    public async Task OriginAndTransportRefusals_StayHttpStatuses()
    {
        await using var app = await StartAsync();
        var cookie = await HandshakeApp.LoginCookieAsync(app, "alice");

        var foreign = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", "https://evil.test"), (HeaderAuthenticator.Header, "alice")]);
        var cookieWithoutOrigin = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Cookie", cookie)]);

        Assert.Equal(HttpStatusCode.Forbidden, foreign.Status);
        Assert.Equal(HttpStatusCode.Forbidden, cookieWithoutOrigin.Status);
        Assert.Equal(WebSocketAuthFailureReasons.OriginRequired, cookieWithoutOrigin.Body);
    }

    [Fact]
    public async Task CloseWithPolicyViolation_Sends1008WithoutAReason()
    {
        await using var app = await StartAsync(o => o.CloseWithPolicyViolation = true);
        var (code, reason) = await ConnectAndReceiveCloseAsync(app, "/ws", "bad");
        Assert.Equal(1008, code);
        Assert.True(string.IsNullOrEmpty(reason));
    }

    [Fact]
    public async Task DeclaredSubprotocol_IsAnswered_SoThatBrowsersAcceptTheSocketAndSeeTheCode()
    {
        await using var app = await StartAsync();
        var response = await RawHandshake.SendAsync(app.HttpUri, "/chat", [("Origin", HandshakeApp.AllowedOrigin), ("Sec-WebSocket-Protocol", "chat.v1, access_token, c2VjcmV0")]);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, response.Status);
        Assert.Equal("chat.v1", response.HeaderValues("Sec-WebSocket-Protocol").Single());
    }

    [Fact]
    public async Task UndeclaredOfferedSubprotocol_IsNeverEchoed()
    {
        await using var app = await StartAsync();
        var response = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", HandshakeApp.AllowedOrigin), ("Sec-WebSocket-Protocol", "c2VjcmV0LXRva2Vu")]);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, response.Status);
        Assert.Empty(response.HeaderValues("Sec-WebSocket-Protocol"));
    }

    [Fact]
    public async Task OnRejectedHandlingTheResponse_KeepsItsHttpResponse()
    {
        await using var app = await StartAsync(o => o.Events.OnRejected = async ctx =>
        {
            ctx.HandleResponse();
            ctx.HttpContext.Response.StatusCode = 418;
            await Microsoft.AspNetCore.Http.HttpResponseWritingExtensions.WriteAsync(ctx.HttpContext.Response, "custom");
        });
        var response = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", HandshakeApp.AllowedOrigin)]);
        Assert.Equal((HttpStatusCode)418, response.Status);
    }

    [Fact]
    public async Task RejectionModeFromConfiguration_IsUsed()
    {
        await using var app = await KestrelTestApp.StartAsync(
            b =>
            {
                b.Configuration["WsAuth:RejectionMode"] = "CloseAfterUpgrade";
                Microsoft.Extensions.DependencyInjection.WebSocketAuthServiceCollectionExtensions
                    .AddWebSocketAuth(b.Services, o => o.AllowedOrigins.Add(HandshakeApp.AllowedOrigin))
                    .AddAuthenticator<HeaderAuthenticator>("header");
            },
            (a, t) =>
            {
                a.UseWebSocketAuth();
                t.MapWelcomeEcho(a);
            });
        Assert.Equal((4401, WebSocketAuthFailureReasons.NoCredentials), await ConnectAndReceiveCloseAsync(app, "/ws", null));
    }
}
