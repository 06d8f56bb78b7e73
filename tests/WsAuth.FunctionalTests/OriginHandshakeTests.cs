using System.Net;
using System.Text.Json;
using WsAuth.Testing;

namespace WsAuth.FunctionalTests;

public class OriginHandshakeTests
{
    [Fact]
    public async Task AllowedOrigin_ValidCredential_Gets101AndTheEndpointSeesTheUser()
    {
        // Arrange
        await using var app = await HandshakeApp.StartAsync();

        // Act
        using var socket = await WebSocketTestClient.ConnectAsync(app.WebSocketUri(), HandshakeApp.AllowedOrigin, o => o.SetRequestHeader(HeaderAuthenticator.Header, "alice"));
        var welcome = JsonDocument.Parse(await WebSocketTestClient.ReceiveTextAsync(socket)).RootElement;
        await WebSocketTestClient.SendTextAsync(socket, "hello");
        var echo = await WebSocketTestClient.ReceiveTextAsync(socket);

        // Assert
        Assert.Equal(HttpStatusCode.SwitchingProtocols, socket.HttpStatusCode);
        Assert.Equal("welcome", welcome.GetProperty("type").GetString());
        Assert.Equal("alice", welcome.GetProperty("user").GetString());
        Assert.Equal("header", welcome.GetProperty("method").GetString());
        Assert.Equal("hello", echo);
    }

    public static TheoryData<string> BadOrigins =>
    [
        "https://evil.test",
        "https://evil-app.example.com",
        "https://app.example.com.evil.net",
        "https://app.example.com.hacked",
        "https://example.org",
        "https://evil-example.org",
        "http://app.example.com",
        "https://app.example.com:8443",
        "https://127.0.0.1",
        "http://localhost",
        "https://\u0430pp.example.com",
        "https://xn--pp-7lc.example.com",
        "https://app.example.com/",
        "https://app.example.com/path",
        "null",
        "",
        "garbage",
    ];

    [Theory]
    [MemberData(nameof(BadOrigins))]
    [Trait("Matrix", "O1")]
    [Trait("Matrix", "O2")]
    [Trait("Matrix", "O3")]
    [Trait("Matrix", "O6")]
    [Trait("Matrix", "O7")]
    [Trait("Matrix", "O8")]
    public async Task BadOrigin_ValidCredential_Gets403AndTheEndpointNeverRuns(string origin)
    {
        // Arrange
        await using var app = await HandshakeApp.StartAsync();

        // Act: raw socket, so that even values ClientWebSocket would refuse to send reach the server
        var response = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", origin), (HeaderAuthenticator.Header, "alice")]);

        // Assert
        Assert.Equal(HttpStatusCode.Forbidden, response.Status);
        Assert.StartsWith("origin_", response.Body, StringComparison.Ordinal);
        Assert.Empty(response.HeaderValues("Sec-WebSocket-Accept"));
        Assert.Equal(0, app.EndpointInvocations);
    }

    [Theory]
    [InlineData("HTTPS://APP.EXAMPLE.COM")]
    [InlineData("https://app.example.com:443")]
    [InlineData("  https://app.example.com  ")]
    [InlineData("https://deep.sub.example.org")]
    [Trait("Matrix", "O6")]
    public async Task EquivalentSpelling_OfAnAllowedOrigin_Gets101(string origin)
    {
        await using var app = await HandshakeApp.StartAsync();
        var response = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", origin), (HeaderAuthenticator.Header, "alice")]);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, response.Status);
    }

    [Fact]
    [Trait("Matrix", "O5")]
    public async Task TwoOriginHeaders_Get400()
    {
        await using var app = await HandshakeApp.StartAsync();
        var response = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", HandshakeApp.AllowedOrigin), ("Origin", HandshakeApp.AllowedOrigin), (HeaderAuthenticator.Header, "alice")]);
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(WebSocketAuthFailureReasons.MultipleOrigins, response.Body);
        Assert.Equal(0, app.EndpointInvocations);
    }

    [Fact]
    [Trait("Matrix", "O9")]
    public async Task HostHeaderOfTheAttacker_DoesNotWidenTheAllowList()
    {
        // DNS rebinding: the allow-list never derives from Host or X-Forwarded-Host.
        await using var app = await HandshakeApp.StartAsync();
        var response = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", "https://evil.test"), ("X-Forwarded-Host", "evil.test"), (HeaderAuthenticator.Header, "alice")]);
        Assert.Equal(HttpStatusCode.Forbidden, response.Status);
    }

    [Fact]
    [Trait("Matrix", "O4")]
    public async Task MissingOrigin_NonAmbientCredential_Gets101ByDefault()
    {
        await using var app = await HandshakeApp.StartAsync();
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await HandshakeApp.StatusAsync(app, origin: null, user: "svc"));
    }

    [Fact]
    [Trait("Matrix", "O4")]
    [Trait("Matrix", "C1")]
    public async Task MissingOrigin_Cookie_Gets403()
    {
        await using var app = await HandshakeApp.StartAsync();
        var cookie = await HandshakeApp.LoginCookieAsync(app, "alice");
        Assert.Equal(HttpStatusCode.Forbidden, await HandshakeApp.StatusAsync(app, origin: null, cookie: cookie));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await HandshakeApp.StatusAsync(app, HandshakeApp.AllowedOrigin, cookie: cookie));
        Assert.Equal(1, app.EndpointInvocations);
    }

    [Fact]
    [Trait("Matrix", "O4")]
    public async Task MissingOrigin_WhenRejected_Gets403EvenWithAValidCredential()
    {
        await using var app = await HandshakeApp.StartAsync(o => o.MissingOrigin = MissingOriginPolicy.Reject);
        var response = await RawHandshake.SendAsync(app.HttpUri, "/ws", [(HeaderAuthenticator.Header, "svc")]);
        Assert.Equal(HttpStatusCode.Forbidden, response.Status);
        Assert.Equal(WebSocketAuthFailureReasons.OriginMissing, response.Body);
    }

    [Fact]
    [Trait("Matrix", "O3")]
    public async Task NullOrigin_WhenAllowed_AcceptsTokensButNeverCookies()
    {
        await using var app = await HandshakeApp.StartAsync(o => o.AllowNullOrigin = true);
        var cookie = await HandshakeApp.LoginCookieAsync(app, "alice");
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await HandshakeApp.StatusAsync(app, "null", user: "svc"));
        Assert.Equal(HttpStatusCode.Forbidden, await HandshakeApp.StatusAsync(app, "null", cookie: cookie));
    }

    [Fact]
    [Trait("Matrix", "O1")]
    [Trait("Matrix", "C1")]
    public async Task CrossSiteCookie_Gets403_SameSiteCookie_Gets101WithTheRightUser()
    {
        await using var app = await HandshakeApp.StartAsync();
        var cookie = await HandshakeApp.LoginCookieAsync(app, "alice");

        Assert.Equal(HttpStatusCode.Forbidden, await HandshakeApp.StatusAsync(app, "https://evil.test", cookie: cookie));

        using var socket = await WebSocketTestClient.ConnectAsync(app.WebSocketUri(), HandshakeApp.AllowedOrigin, o => o.SetRequestHeader("Cookie", cookie));
        var welcome = JsonDocument.Parse(await WebSocketTestClient.ReceiveTextAsync(socket)).RootElement;
        Assert.Equal("alice", welcome.GetProperty("user").GetString());
        Assert.Equal("cookie", welcome.GetProperty("method").GetString());
    }
}
