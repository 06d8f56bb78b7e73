using System.Net;
using System.Net.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WsAuth.Testing;

namespace WsAuth.FunctionalTests;

/// <summary>Every token transport authenticates a real <see cref="ClientWebSocket"/> over Kestrel, with each key type.</summary>
public class TokenTransportTests
{
    public static TheoryData<string, string> TransportsAndKeys
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var transport in new[] { "bearer", "query", "subprotocol-marker", "subprotocol-k8s", "subprotocol-phoenix" })
            {
                foreach (var alg in new[] { "HS256", "RS256", "ES256" })
                {
                    data.Add(transport, alg);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(TransportsAndKeys))]
    public async Task RealClient_AuthenticatesWithEveryTransport(string transport, string alg)
    {
        await using var app = await TokenApp.StartAsync();
        var now = TimeProvider.System.GetUtcNow();
        var token = alg switch { "HS256" => TestJwt.HmacToken(now, "alice"), "RS256" => TestJwt.RsaToken(now, "alice"), _ => TestJwt.EcdsaToken(now, "alice") };
        var path = transport == "query" ? "/ws?access_token=" + Uri.EscapeDataString(token) : "/ws";

        var (socket, welcome) = await TokenApp.ConnectAsync(app, path, o =>
        {
            switch (transport)
            {
                case "bearer":
                    o.SetRequestHeader("Authorization", "Bearer " + token);
                    break;
                case "subprotocol-marker":
                    o.AddSubProtocol("chat.v1");
                    o.AddSubProtocol("access_token");
                    o.AddSubProtocol(token);
                    break;
                case "subprotocol-k8s":
                    o.AddSubProtocol(TestJwt.KubernetesProtocol(token));
                    o.AddSubProtocol("chat.v1");
                    break;
                case "subprotocol-phoenix":
                    o.AddSubProtocol(TokenApp.PhoenixPrefix + TestJwt.Base64Url(token));
                    o.AddSubProtocol("chat.v1");
                    break;
            }
        });
        using (socket)
        {
            Assert.Equal("alice", welcome.GetProperty("user").GetString());
            Assert.Equal(transport.StartsWith("subprotocol", StringComparison.Ordinal) ? "subprotocol" : transport, welcome.GetProperty("method").GetString());
            var expectedProtocol = transport switch { "subprotocol-marker" => "access_token", "subprotocol-k8s" or "subprotocol-phoenix" => "chat.v1", _ => null };
            Assert.Equal(expectedProtocol, socket.SubProtocol);

            await WebSocketTestClient.SendTextAsync(socket, "ping");
            Assert.Equal("ping", await WebSocketTestClient.ReceiveTextAsync(socket));
        }
    }

    [Fact]
    public async Task ExpiryOfTheToken_IsTheSessionsExpiry()
    {
        var seen = new System.Collections.Concurrent.ConcurrentQueue<EndpointView>();
        await using var app = await TokenApp.StartAsync(seen: seen);
        var now = TimeProvider.System.GetUtcNow();
        var token = TestJwt.HmacToken(now, change: c => c["exp"] = now.AddMinutes(3).ToUnixTimeSeconds());

        var response = await RawHandshake.SendAsync(app.HttpUri, "/ws/protocols", [("Origin", TokenApp.AllowedOrigin), ("Authorization", "Bearer " + token)]);

        Assert.Equal(HttpStatusCode.SwitchingProtocols, response.Status);
        Assert.Equal(now.AddMinutes(3).ToUnixTimeSeconds(), Assert.Single(seen).ExpiresAt!.Value.ToUnixTimeSeconds());
    }

    [Fact]
    [Trait("Matrix", "O4")]
    public async Task NonBrowserClientWithoutOrigin_IsAccepted_ForExplicitTokens()
    {
        await using var app = await TokenApp.StartAsync();
        var (socket, welcome) = await TokenApp.ConnectAsync(app, "/ws", o => o.SetRequestHeader("Authorization", "Bearer " + TokenApp.Token()), origin: null);
        using (socket)
        {
            Assert.Equal("bearer", welcome.GetProperty("method").GetString());
        }
    }

    [Fact]
    public async Task ExplicitTokenBeforeCookie_TokenWins_AndABadTokenIsNotReplacedByTheCookie()
    {
        await using var app = await TokenApp.StartAsync();
        var cookie = await LoginAsync(app, "carol");

        var (socket, welcome) = await TokenApp.ConnectAsync(app, "/ws", o =>
        {
            o.SetRequestHeader("Cookie", cookie);
            o.SetRequestHeader("Authorization", "Bearer " + TokenApp.Token("alice"));
        });
        using (socket)
        {
            Assert.Equal("alice", welcome.GetProperty("user").GetString());
        }

        var bad = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", TokenApp.AllowedOrigin), ("Cookie", cookie), ("Authorization", "Bearer " + TokenApp.Token("alice")[..^3])]);
        Assert.Equal(HttpStatusCode.Unauthorized, bad.Status);
        Assert.Equal(WebSocketAuthFailureReasons.InvalidSignature, bad.Body);
        Assert.Equal(["Bearer error=\"invalid_token\""], bad.HeaderValues("WWW-Authenticate"));
    }

    // ---- Basic ----

    [Fact]
    public async Task OnlyBasicCredentials_Get401BasicNotSupported()
    {
        await using var app = await TokenApp.StartAsync();
        var response = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", TokenApp.AllowedOrigin), ("Authorization", "Basic YWxpY2U6c2VjcmV0")]);
        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal(WebSocketAuthFailureReasons.BasicNotSupported, response.Body);
        Assert.Empty(response.HeaderValues("WWW-Authenticate")); // never invite a Basic prompt
        Assert.Equal(0, app.EndpointInvocations);
    }

    [Fact]
    public async Task BasicCredentials_WithoutAnyTokenAuthenticator_Get401BasicNotSupported()
    {
        await using var app = await HandshakeApp.StartAsync();
        var response = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", HandshakeApp.AllowedOrigin), ("Authorization", "basic YWxpY2U6c2VjcmV0")]);
        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal(WebSocketAuthFailureReasons.BasicNotSupported, response.Body);
    }

    [Fact]
    public async Task BasicCredentials_NextToAValidCookie_AreIgnored()
    {
        await using var app = await TokenApp.StartAsync();
        var cookie = await LoginAsync(app, "carol");
        var response = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", TokenApp.AllowedOrigin), ("Cookie", cookie), ("Authorization", "Basic YWxpY2U6c2VjcmV0")]);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, response.Status);
    }

    // ---- Bearer and query edge cases ----

    [Fact]
    public async Task TwoAuthorizationHeaders_Get400()
    {
        await using var app = await TokenApp.StartAsync();
        var token = TokenApp.Token();
        var response = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", TokenApp.AllowedOrigin), ("Authorization", "Bearer " + token), ("Authorization", "Bearer " + token)]);
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(WebSocketAuthFailureReasons.TokenMultiple, response.Body);
    }

    [Theory]
    [InlineData("/ws?access_token=", WebSocketAuthFailureReasons.TokenMissing)]
    [InlineData("/ws?access_token=a&access_token=b", WebSocketAuthFailureReasons.TokenMultiple)]
    [InlineData("/ws?access_token=garbage", WebSocketAuthFailureReasons.MalformedToken)]
    public async Task BadQueryToken_IsRejectedWithItsReason(string path, string reason)
    {
        await using var app = await TokenApp.StartAsync();
        var response = await RawHandshake.SendAsync(app.HttpUri, path, [("Origin", TokenApp.AllowedOrigin)]);
        Assert.Equal(reason, response.Body);
        Assert.Equal(0, app.EndpointInvocations);
    }

    [Fact]
    public async Task QueryParameterName_IsConfigurable()
    {
        await using var app = await TokenApp.StartAsync(ws => ws.AddQueryToken(o => o.ParameterName = "jwt"));
        var (socket, welcome) = await TokenApp.ConnectAsync(app, "/ws?jwt=" + TokenApp.Token(), _ => { });
        using (socket)
        {
            Assert.Equal("query", welcome.GetProperty("method").GetString());
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await WebSocketTestClient.HandshakeStatusAsync(app.WebSocketUri("/ws?access_token=" + TokenApp.Token()), TokenApp.AllowedOrigin));
    }

    [Fact]
    public async Task QueryToken_IsOffUnlessAdded()
    {
        await using var app = await TokenApp.StartAsync(ws => ws.AddBearer().AddSubprotocolToken());
        var response = await RawHandshake.SendAsync(app.HttpUri, "/ws?access_token=" + TokenApp.Token(), [("Origin", TokenApp.AllowedOrigin)]);
        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal(WebSocketAuthFailureReasons.NoCredentials, response.Body);
    }

    // ---- J8: oversized input ----

    [Fact]
    [Trait("Matrix", "J8")]
    public async Task Oversized300KBBearer_IsRefusedByKestrelBeforeWsAuth()
    {
        await using var app = await TokenApp.StartAsync();
        var huge = TestJwt.HmacToken(TimeProvider.System.GetUtcNow(), change: c => c["pad"] = new string('a', 300 * 1024));
        var response = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", TokenApp.AllowedOrigin), ("Authorization", "Bearer " + huge)]);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.Status);
    }

    [Fact]
    [Trait("Matrix", "J8")]
    public async Task QueryOver8KB_IsRefusedByKestrel()
    {
        await using var app = await TokenApp.StartAsync();
        var response = await RawHandshake.SendAsync(app.HttpUri, "/ws?access_token=" + new string('a', 9 * 1024), [("Origin", TokenApp.AllowedOrigin)]);
        Assert.Equal(HttpStatusCode.RequestUriTooLong, response.Status);
    }

    [Fact]
    [Trait("Matrix", "J8")]
    public async Task TokenOverTheCapButUnderKestrelsLimits_Gets401TokenTooLarge()
    {
        await using var app = await TokenApp.StartAsync();
        var large = TestJwt.HmacToken(TimeProvider.System.GetUtcNow(), change: c => c["pad"] = new string('a', 12 * 1024));
        var response = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", TokenApp.AllowedOrigin), ("Authorization", "Bearer " + large)]);
        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal(WebSocketAuthFailureReasons.TokenTooLarge, response.Body);
    }

    // ---- Startup ----

    [Fact]
    [Trait("Matrix", "L1")]
    public async Task QueryToken_WarnsAtStartup_WhenHostingLogsUrlsAtInformation()
    {
        await using var app = await TokenApp.StartAsync();
        var warning = Assert.Single(app.Logs.GetSnapshot(), e => e.Id.Name == "QueryTokenUrlsLogged");
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Equal(120, warning.Id.Id);
        Assert.Contains("Microsoft.AspNetCore.Hosting.Diagnostics", warning.Message, StringComparison.Ordinal);
        Assert.Contains("?access_token=", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Matrix", "L1")]
    public async Task QueryToken_DoesNotWarn_WhenHostingLogsAtWarning()
    {
        await using var app = await TokenApp.StartAsync(builder: b => b.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning));
        Assert.DoesNotContain(app.Logs.GetSnapshot(), e => e.Id.Name == "QueryTokenUrlsLogged");
    }

    [Fact]
    public async Task TokenAuthenticatorWithoutValidator_IsAStartupErrorNamingTheFix()
    {
        var ex = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => KestrelTestApp.StartAsync(
            b => b.Services.AddWebSocketAuth(o => o.AllowedOrigins.Add(TokenApp.AllowedOrigin)).AddBearer(),
            (a, _) => Microsoft.AspNetCore.Builder.WebSocketAuthApplicationBuilderExtensions.UseWebSocketAuth(a)));
        Assert.Contains("AddJwtValidation", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AddTokenValidationScheme", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CustomAuthenticatorNeedingAValidator_WithoutOne_IsTheSameStartupError()
    {
        var ex = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => KestrelTestApp.StartAsync(
            b => b.Services.AddWebSocketAuth(o => o.AllowedOrigins.Add(TokenApp.AllowedOrigin))
                .AddAuthenticator<ApiKeyFromValidatorAuthenticator>("api-key", needsTokenValidator: true),
            (a, _) => Microsoft.AspNetCore.Builder.WebSocketAuthApplicationBuilderExtensions.UseWebSocketAuth(a)));
        Assert.Contains("api-key", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AddJwtValidation", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AddTokenValidationScheme", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CustomAuthenticatorNeedingAValidator_StartsWhenOneIsRegistered_AndValidatesThroughIt()
    {
        await using var app = await KestrelTestApp.StartAsync(
            b => b.Services.AddWebSocketAuth(o => o.AllowedOrigins.Add(TokenApp.AllowedOrigin))
                .AddJwtValidation(o =>
                {
                    o.SigningKeys.Add(TestJwt.HmacKey);
                    o.ValidateIssuer = o.ValidateAudience = false;
                })
                .AddAuthenticator<ApiKeyFromValidatorAuthenticator>("api-key", needsTokenValidator: true),
            (a, t) =>
            {
                Microsoft.AspNetCore.Builder.WebSocketAuthApplicationBuilderExtensions.UseWebSocketAuth(a);
                t.MapWelcomeEcho(a);
            });

        var good = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", TokenApp.AllowedOrigin), ("X-Api-Key", TestJwt.HmacToken(DateTimeOffset.UtcNow))]);
        var forged = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", TokenApp.AllowedOrigin), ("X-Api-Key", "not-a-token")]);

        Assert.Equal(HttpStatusCode.SwitchingProtocols, good.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.Status);
    }

    [Fact]
    public async Task JwtValidationWithoutKey_IsAStartupError()
    {
        var ex = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => KestrelTestApp.StartAsync(
            b => b.Services.AddWebSocketAuth(o => o.AllowedOrigins.Add(TokenApp.AllowedOrigin)).AddJwtValidation(o => o.ValidateIssuer = o.ValidateAudience = false).AddBearer(),
            (a, _) => Microsoft.AspNetCore.Builder.WebSocketAuthApplicationBuilderExtensions.UseWebSocketAuth(a)));
        Assert.Contains("no signing key", ex.Message, StringComparison.Ordinal);
    }

    private static async Task<string> LoginAsync(KestrelTestApp app, string user)
    {
        using var http = new HttpClient { BaseAddress = app.HttpUri };
        using var response = await http.PostAsync($"/login?user={user}", null);
        response.EnsureSuccessStatusCode();
        var setCookie = response.Headers.GetValues("Set-Cookie").Single();
        return setCookie[..setCookie.IndexOf(';', StringComparison.Ordinal)];
    }
}

/// <summary>A custom authenticator that hands an <c>X-Api-Key</c> header to the app's token validator.</summary>
internal sealed class ApiKeyFromValidatorAuthenticator(IWebSocketTokenValidator validator) : IWebSocketAuthenticator
{
    public async ValueTask<WebSocketAuthenticateResult> AuthenticateAsync(WebSocketAuthenticateContext context, CancellationToken cancellationToken)
        => context.HttpContext.Request.Headers["X-Api-Key"] is [{ } key]
            ? await validator.ValidateAsync(key, context.HttpContext, cancellationToken)
            : WebSocketAuthenticateResult.NoCredentials;
}
