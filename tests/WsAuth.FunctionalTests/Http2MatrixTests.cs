using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using WsAuth.Testing;

namespace WsAuth.FunctionalTests;

/// <summary>
/// Matrix O10: the origin rows O1-O9 over HTTP/2 extended CONNECT (RFC 8441; Kestrel h2c on loopback, a real
/// <see cref="ClientWebSocket"/> with HTTP/2 exactly), and the ticket and cookie methods over HTTP/2. Headers a
/// <see cref="ClientWebSocket"/> cannot set itself (a second Origin, another :authority) are added by a handler under it.
/// </summary>
public class Http2MatrixTests
{
    public static TheoryData<string, string?, string?, string, HttpStatusCode> BadOrigins => new()
    {
        // row, Origin, extra header ("Name: value"), credential, expected
        { "O1", "https://evil.test", null, "cookie", HttpStatusCode.Forbidden },
        { "O1", "https://evil.test", null, "header", HttpStatusCode.Forbidden },
        { "O2", "https://evil-app.example.com", null, "header", HttpStatusCode.Forbidden },
        { "O2", "https://app.example.com.evil.net", null, "header", HttpStatusCode.Forbidden },
        { "O2", "https://app.example.com.hacked", null, "cookie", HttpStatusCode.Forbidden },
        { "O2", "https://evil-example.org", null, "header", HttpStatusCode.Forbidden },
        { "O3", "null", null, "cookie", HttpStatusCode.Forbidden },
        { "O3", "null", null, "header", HttpStatusCode.Forbidden },
        { "O4", null, null, "cookie", HttpStatusCode.Forbidden },
        // Two Origin values: .NET's HTTP/2 client sends them as one field "a, b" (RFC 9110 §5.3 list syntax), which is
        // not a serialized origin: 403 origin_malformed. (Two separate fields reach WsAuth as two values, 400, the same
        // code path as HTTP/1.1's two header lines: see OriginHandshakeTests.TwoOriginHeaders_Get400.)
        { "O5", HandshakeApp.AllowedOrigin, "Origin: " + HandshakeApp.AllowedOrigin, "header", HttpStatusCode.Forbidden },
        { "O5", HandshakeApp.AllowedOrigin, "Origin: https://evil.test", "cookie", HttpStatusCode.Forbidden },
        { "O6", "http://app.example.com", null, "header", HttpStatusCode.Forbidden },
        { "O6", "https://app.example.com:8443", null, "cookie", HttpStatusCode.Forbidden },
        { "O7", "https://xn--pp-7lc.example.com", null, "header", HttpStatusCode.Forbidden },
        { "O8", "https://127.0.0.1", null, "header", HttpStatusCode.Forbidden },
        { "O8", "http://localhost", null, "cookie", HttpStatusCode.Forbidden },
        { "O8", "http://[::1]", null, "header", HttpStatusCode.Forbidden },
        { "O9", "https://evil.test", "Host: evil.test", "cookie", HttpStatusCode.Forbidden },
        { "O9", "https://evil.test", "X-Forwarded-Host: evil.test", "header", HttpStatusCode.Forbidden },
        { "O9", "https://evil.test", "X-Forwarded-Host: app.example.com", "cookie", HttpStatusCode.Forbidden },
    };

    [Theory]
    [MemberData(nameof(BadOrigins))]
    [Trait("Matrix", "O10")]
    [Trait("Matrix", "O1")]
    [Trait("Matrix", "O2")]
    [Trait("Matrix", "O3")]
    [Trait("Matrix", "O4")]
    [Trait("Matrix", "O5")]
    [Trait("Matrix", "O6")]
    [Trait("Matrix", "O7")]
    [Trait("Matrix", "O8")]
    [Trait("Matrix", "O9")]
    [Trait("Matrix", "C1")]
    public async Task BadOrigin_WithAValidCredential_IsRefusedOverHttp2_AndTheEndpointNeverRuns(string row, string? origin, string? extraHeader, string credential, HttpStatusCode expected)
    {
        // Arrange: a valid credential of the kind the row is about (the ambient cookie, or an explicit header).
        await using var app = await HandshakeApp.StartAsync(protocols: HttpProtocols.Http2);
        var headers = new List<(string, string)>();
        if (credential == "cookie")
        {
            headers.Add(("Cookie", await H2.LoginCookieAsync(app, "/login?user=alice")));
        }
        else
        {
            headers.Add((HeaderAuthenticator.Header, "alice"));
        }

        if (extraHeader is not null)
        {
            var colon = extraHeader.IndexOf(':', StringComparison.Ordinal);
            headers.Add((extraHeader[..colon], extraHeader[(colon + 1)..].Trim()));
        }

        // Act
        var (status, _) = await H2.ConnectAsync(app.WebSocketUri(), origin, headers);

        // Assert
        Assert.True(expected == status, $"{row}: expected {(int)expected}, got {(int)status}");
        Assert.Equal(0, app.EndpointInvocations);
        if (row == "O5")
        {
            Assert.Contains(app.Logs.FromWsAuth(), e => e.Id.Name == "HandshakeRejected" && e.AllText.Contains(WebSocketAuthFailureReasons.OriginMalformed, StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("HTTPS://APP.EXAMPLE.COM")]
    [InlineData("https://app.example.com:443")]
    [InlineData("https://deep.sub.example.org")]
    [Trait("Matrix", "O10")]
    [Trait("Matrix", "O6")]
    public async Task EquivalentSpelling_OfAnAllowedOrigin_ConnectsOverHttp2(string origin)
    {
        await using var app = await HandshakeApp.StartAsync(protocols: HttpProtocols.Http2);
        var (status, welcome) = await H2.ConnectAsync(app.WebSocketUri(), origin, [(HeaderAuthenticator.Header, "alice")]);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("alice", welcome!.Value.GetProperty("user").GetString());
    }

    [Fact]
    [Trait("Matrix", "O10")]
    [Trait("Matrix", "O4")]
    [Trait("Matrix", "C1")]
    public async Task Cookie_OverHttp2_ConnectsFromTheAllowedOrigin_Only()
    {
        await using var app = await HandshakeApp.StartAsync(protocols: HttpProtocols.Http2);
        var cookie = await H2.LoginCookieAsync(app, "/login?user=alice");

        var (allowed, welcome) = await H2.ConnectAsync(app.WebSocketUri(), HandshakeApp.AllowedOrigin, [("Cookie", cookie)]);
        var (crossSite, _) = await H2.ConnectAsync(app.WebSocketUri(), "https://evil.test", [("Cookie", cookie)]);
        var (noOrigin, _) = await H2.ConnectAsync(app.WebSocketUri(), null, [("Cookie", cookie)]);

        Assert.Equal(HttpStatusCode.OK, allowed);
        Assert.Equal("alice", welcome!.Value.GetProperty("user").GetString());
        Assert.Equal("cookie", welcome.Value.GetProperty("method").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, crossSite);
        Assert.Equal(HttpStatusCode.Forbidden, noOrigin);
        Assert.Equal(1, app.EndpointInvocations);
    }

    [Fact]
    [Trait("Matrix", "O10")]
    [Trait("Matrix", "T1")]
    [Trait("Matrix", "T3")]
    public async Task Ticket_OverHttp2_IsRedeemedOnce_AndOnlyFromItsOrigin()
    {
        // Arrange: login and ticket request over h2 too (the listener speaks HTTP/2 only).
        await using var app = await TicketTestApp.StartAsync(protocols: HttpProtocols.Http2);
        var cookie = await H2.LoginCookieAsync(app, "/login?user=alice");
        var ticket = await H2.RequestTicketAsync(app, cookie, TicketTestApp.AllowedOrigin);
        var crossOriginTicket = await H2.RequestTicketAsync(app, cookie, TicketTestApp.AllowedOrigin);

        // Act
        var (first, welcome) = await H2.ConnectAsync(app.WebSocketUri("/ws?ticket=" + ticket), TicketTestApp.AllowedOrigin, []);
        var (replay, _) = await H2.ConnectAsync(app.WebSocketUri("/ws?ticket=" + ticket), TicketTestApp.AllowedOrigin, []);
        var (evil, _) = await H2.ConnectAsync(app.WebSocketUri("/ws?ticket=" + crossOriginTicket), "https://evil.test", []);
        var (otherAllowed, _) = await H2.ConnectAsync(app.WebSocketUri("/ws?ticket=" + crossOriginTicket), TicketTestApp.OtherAllowedOrigin, []);

        // Assert: one 101 per ticket; the origin check and the ticket's origin binding hold over h2.
        Assert.Equal(HttpStatusCode.OK, first);
        Assert.Equal("ticket", welcome!.Value.GetProperty("method").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, replay);
        Assert.Equal(HttpStatusCode.Forbidden, evil);
        Assert.Equal(HttpStatusCode.Unauthorized, otherAllowed);
        Assert.Equal(1, app.EndpointInvocations);
    }

    /// <summary>HTTP/2 clients for the tests above.</summary>
    internal static class H2
    {
        public static async Task<(HttpStatusCode Status, JsonElement? Welcome)> ConnectAsync(Uri uri, string? origin, IEnumerable<(string Name, string Value)> headers)
        {
            var extra = headers.ToList();
            using var handler = new HeaderAddingHandler(extra.Where(h => h.Name is "Host" or "Origin").ToList());
            using var invoker = new HttpMessageInvoker(handler);
            using var socket = new ClientWebSocket();
            socket.Options.HttpVersion = HttpVersion.Version20;
            socket.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
            socket.Options.CollectHttpResponseDetails = true;
            if (origin is not null)
            {
                socket.Options.SetRequestHeader("Origin", origin);
            }

            foreach (var (name, value) in extra.Where(h => h.Name is not ("Host" or "Origin")))
            {
                socket.Options.SetRequestHeader(name, value);
            }

            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                await socket.ConnectAsync(uri, invoker, timeout.Token);
                var welcome = JsonDocument.Parse(await WebSocketTestClient.ReceiveTextAsync(socket)).RootElement.Clone();
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                return (socket.HttpStatusCode, welcome);
            }
            catch (WebSocketException)
            {
                return (socket.HttpStatusCode, null);
            }
        }

        public static async Task<string> LoginCookieAsync(KestrelTestApp app, string pathAndQuery)
        {
            using var http = Client(app);
            using var response = await http.PostAsync(pathAndQuery, null);
            response.EnsureSuccessStatusCode();
            Assert.Equal(HttpVersion.Version20, response.Version);
            var setCookie = response.Headers.GetValues("Set-Cookie").Single();
            return setCookie[..setCookie.IndexOf(';', StringComparison.Ordinal)];
        }

        public static async Task<string> RequestTicketAsync(KestrelTestApp app, string cookie, string origin)
        {
            using var http = Client(app);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/ws/ticket")
            {
                Version = HttpVersion.Version20,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            };
            request.Headers.Add("Cookie", cookie);
            request.Headers.Add("Origin", origin);
            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}");
            using var json = JsonDocument.Parse(body);
            return json.RootElement.GetProperty("ticket").GetString()!;
        }

        private static HttpClient Client(KestrelTestApp app)
            => new(new SocketsHttpHandler { UseCookies = false })
            {
                BaseAddress = app.HttpUri,
                DefaultRequestVersion = HttpVersion.Version20,
                DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            };
    }

    /// <summary>Adds headers <see cref="ClientWebSocketOptions.SetRequestHeader"/> cannot: a second Origin, another Host (:authority).</summary>
    private sealed class HeaderAddingHandler(List<(string Name, string Value)> headers) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            foreach (var (name, value) in headers)
            {
                if (name == "Host")
                {
                    request.Headers.Host = value;
                }
                else
                {
                    request.Headers.TryAddWithoutValidation(name, value);
                }
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
