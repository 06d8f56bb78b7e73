using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using WsAuth.Testing;

namespace WsAuth.FunctionalTests;

/// <summary>Tokens forwarded to an authentication scheme the app already has (as apps with JwtBearer would do).</summary>
public class SchemeForwardingTests
{
    public static readonly DateTimeOffset Expiry = new(2031, 5, 6, 7, 8, 9, TimeSpan.Zero);

    /// <summary>
    /// The test's own bearer scheme: <c>Bearer tok-NAME</c> authenticates NAME until <see cref="Expiry"/>,
    /// <c>Bearer expired</c> fails as expired, anything else fails, no header is no result. Counts its calls.
    /// </summary>
    private sealed class TestBearerHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public static int Calls;

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            Interlocked.Increment(ref Calls);
            var header = Request.Headers.Authorization.ToString();
            if (!header.StartsWith("Bearer ", StringComparison.Ordinal))
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var token = header["Bearer ".Length..];
            if (token == "expired")
            {
                return Task.FromResult(AuthenticateResult.Fail(new SecurityTokenExpiredException("expired at ... for token " + token)));
            }

            if (!token.StartsWith("tok-", StringComparison.Ordinal))
            {
                return Task.FromResult(AuthenticateResult.Fail("invalid token " + token));
            }

            var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, token[4..])], Scheme.Name));
            var properties = new AuthenticationProperties { ExpiresUtc = Expiry };
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, properties, Scheme.Name)));
        }
    }

    private static Task<KestrelTestApp> StartAsync(ConcurrentQueue<EndpointView> seen, string scheme = "TestBearer")
        => TokenApp.StartAsync(
            builder: b =>
            {
                // The scheme is the app's default, so UseAuthentication() runs it (and caches its result) before WsAuth.
                b.Services.AddAuthentication("TestBearer").AddScheme<AuthenticationSchemeOptions, TestBearerHandler>("TestBearer", null);
            },
            methods: ws => ReplaceValidator(ws, scheme).AddBearer().AddSubprotocolToken().AddQueryToken(),
            seen: seen);

    private static WebSocketAuthBuilder ReplaceValidator(WebSocketAuthBuilder ws, string scheme)
    {
        // TokenApp registers the JWT validator; this test forwards to the scheme instead.
        ws.Services.RemoveAll<WsAuth.IWebSocketTokenValidator>();
        return ws.AddTokenValidationScheme(scheme);
    }

    [Theory]
    [InlineData("bearer")]
    [InlineData("subprotocol")]
    [InlineData("query")]
    public async Task ForwardedToken_Authenticates_WithTheSchemesPrincipalAndExpiry(string transport)
    {
        var seen = new ConcurrentQueue<EndpointView>();
        await using var app = await StartAsync(seen);
        (string, string)[] headers = transport switch
        {
            "bearer" => [("Authorization", "Bearer tok-alice")],
            "subprotocol" => [("Sec-WebSocket-Protocol", "chat, access_token, tok-alice")],
            _ => [],
        };
        var path = transport == "query" ? "/ws/protocols?access_token=tok-alice" : "/ws/protocols";

        var response = await RawHandshake.SendAsync(app.HttpUri, path, [("Origin", TokenApp.AllowedOrigin), .. headers]);

        Assert.Equal(HttpStatusCode.SwitchingProtocols, response.Status);
        var view = Assert.Single(seen);
        Assert.Equal(Expiry, view.ExpiresAt);

        // The request's own Authorization header is what endpoint code sees afterwards.
        Assert.Equal(transport == "bearer" ? "Bearer tok-alice" : string.Empty, view.Authorization);
    }

    [Fact]
    public async Task ForwardedToken_WinsOverTheResultUseAuthenticationCached()
    {
        var seen = new ConcurrentQueue<EndpointView>();
        await using var app = await StartAsync(seen);
        var before = Volatile.Read(ref TestBearerHandler.Calls);

        var (socket, welcome) = await TokenApp.ConnectAsync(app, "/ws", o => { o.AddSubProtocol("access_token"); o.AddSubProtocol("tok-bob"); });
        using (socket)
        {
            Assert.Equal("bob", welcome.GetProperty("user").GetString());
            Assert.Equal("subprotocol", welcome.GetProperty("method").GetString());
        }

        Assert.True(Volatile.Read(ref TestBearerHandler.Calls) - before >= 2, "UseAuthentication and WsAuth each ran a handler");
    }

    [Theory]
    [InlineData("expired", WebSocketAuthFailureReasons.Expired)]
    [InlineData("forged", WebSocketAuthFailureReasons.InvalidToken)]
    public async Task RejectedByTheScheme_Gets401WithAFixedReason_AndNoMessageInWsAuthLogs(string token, string reason)
    {
        await using var app = await StartAsync(new());
        var response = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", TokenApp.AllowedOrigin), ("Sec-WebSocket-Protocol", $"chat, access_token, {token}")]);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal(reason, response.Body);
        Assert.DoesNotContain(app.Logs.FromWsAuth(), e => e.AllText.Contains("token " + token, StringComparison.Ordinal) || e.AllText.Contains("expired at", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnregisteredScheme_IsAStartupErrorNamingIt()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(new(), scheme: "Missing"));
        Assert.Contains("\"Missing\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains("TestBearer", ex.Message, StringComparison.Ordinal);
    }
}
