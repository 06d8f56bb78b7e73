using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using WsAuth.Testing;

namespace WsAuth.FunctionalTests;

public class AuthenticationPipelineTests
{
    [Fact]
    public async Task NoCredentials_Get401WithReason()
    {
        await using var app = await HandshakeApp.StartAsync();
        var response = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", HandshakeApp.AllowedOrigin)]);
        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal(WebSocketAuthFailureReasons.NoCredentials, response.Body);
        Assert.Equal("no-store", response.HeaderValues("Cache-Control").Single());
        Assert.Equal(0, app.EndpointInvocations);
    }

    [Fact]
    public async Task InvalidCredential_Gets401_AndIsNotReplacedByAValidCookie()
    {
        // A presented bad credential ends the handshake even when a later authenticator (the cookie) would succeed.
        await using var app = await HandshakeApp.StartAsync();
        var cookie = await HandshakeApp.LoginCookieAsync(app, "alice");
        var response = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", HandshakeApp.AllowedOrigin), (HeaderAuthenticator.Header, "bad"), ("Cookie", cookie)]);
        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal(WebSocketAuthFailureReasons.InvalidCredentials, response.Body);
        Assert.Equal(0, app.EndpointInvocations);
    }

    [Fact]
    public async Task Authenticators_RunInRegistrationOrder_FirstSuccessWins()
    {
        await using var app = await HandshakeApp.StartAsync(headerFirst: false);
        var cookie = await HandshakeApp.LoginCookieAsync(app, "alice");
        using var socket = await WebSocketTestClient.ConnectAsync(app.WebSocketUri(), HandshakeApp.AllowedOrigin, o =>
        {
            o.SetRequestHeader("Cookie", cookie);
            o.SetRequestHeader(HeaderAuthenticator.Header, "bob");
        });
        var welcome = JsonDocument.Parse(await WebSocketTestClient.ReceiveTextAsync(socket)).RootElement;
        Assert.Equal("cookie", welcome.GetProperty("method").GetString());
        Assert.Equal("alice", welcome.GetProperty("user").GetString());
    }

    [Fact]
    public async Task InvalidCookie_Gets401()
    {
        await using var app = await HandshakeApp.StartAsync();
        var response = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", HandshakeApp.AllowedOrigin), ("Cookie", ".AspNetCore.Cookies=CfDJ8garbage")]);
        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
    }

    [Fact]
    public async Task ThrowingAuthenticator_Gets500_AndTheExceptionMessageIsNotLogged()
    {
        await using var app = await HandshakeApp.StartAsync();
        var response = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", HandshakeApp.AllowedOrigin), (HeaderAuthenticator.Header, "throw")]);
        Assert.Equal(HttpStatusCode.InternalServerError, response.Status);
        Assert.Equal(WebSocketAuthFailureReasons.AuthenticatorError, response.Body);
        Assert.Contains(app.Logs.GetSnapshot(), e => e.Id.Name == "AuthenticatorThrew" && e.Message.Contains("System.InvalidOperationException", StringComparison.Ordinal));
        Assert.DoesNotContain(app.Logs.GetSnapshot(), e => e.AllText.Contains(HeaderAuthenticator.SecretInException, StringComparison.Ordinal));
    }

    [Fact]
    public async Task PlainHttpRequests_AreUntouched()
    {
        await using var app = await HandshakeApp.StartAsync(o => o.MissingOrigin = MissingOriginPolicy.Reject);
        using var http = new HttpClient { BaseAddress = app.HttpUri };
        http.DefaultRequestHeaders.Add("Origin", "https://evil.test");

        Assert.Equal("plain", await http.GetStringAsync("/plain"));
        using var notUpgrade = await http.GetAsync("/ws");
        Assert.Equal(HttpStatusCode.BadRequest, notUpgrade.StatusCode); // the endpoint's own answer: it ran
        Assert.Equal(1, app.EndpointInvocations);
        Assert.DoesNotContain(app.Logs.GetSnapshot(), e => e.Category?.StartsWith("WsAuth", StringComparison.Ordinal) == true && e.Id.Name != "Configured");
    }

    [Fact]
    public async Task NonWebSocketUpgrade_IsUntouched()
    {
        await using var app = await HandshakeApp.StartAsync();
        var response = await RawHandshake.SendAsync(app.HttpUri, "/plain", [("Connection", "Upgrade"), ("Upgrade", "h2c"), ("Origin", "https://evil.test")], includeWebSocketHeaders: false);
        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Fact]
    public async Task HandshakeToAnUnmappedPath_IsStillGuarded()
    {
        // No endpoint metadata is no opt-out: terminal middleware after UseWebSocketAuth never sees an unauthenticated socket.
        var ran = 0;
        await using var app = await HandshakeApp.StartAsync(map: (a, _) => a.Run(ctx => { Interlocked.Increment(ref ran); return Task.CompletedTask; }));
        var response = await RawHandshake.SendAsync(app.HttpUri, "/elsewhere", [("Origin", HandshakeApp.AllowedOrigin)]);
        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal(0, ran);
    }
}
