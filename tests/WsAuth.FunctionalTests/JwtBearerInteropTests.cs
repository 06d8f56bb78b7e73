using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Reflection;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using WsAuth.Testing;

namespace WsAuth.FunctionalTests;

/// <summary>
/// The real <c>Microsoft.AspNetCore.Authentication.JwtBearer</c> 10 on real Kestrel, on the same IdentityModel 8 as
/// WsAuth: tokens forwarded to it with <c>AddTokenValidationScheme("Bearer")</c> (its parameters, events and
/// <c>ExpiresUtc</c> apply), and an app that has JwtBearer for its HTTP API next to WsAuth's own <c>AddJwtValidation</c>.
/// </summary>
public class JwtBearerInteropTests
{
    private const string Origin = TokenApp.AllowedOrigin;

    /// <summary>What the app's JwtBearer events saw and how they behave.</summary>
    private sealed class BearerEventsProbe
    {
        public ConcurrentQueue<string> MessageReceivedAuthorization { get; } = new();

        public ConcurrentQueue<string?> TokenValidatedSubjects { get; } = new();

        /// <summary>
        /// The SignalR recipe: take the token from <c>?access_token</c> when there is one; <c>null</c> leaves it out,
        /// <see langword="false"/> takes it always (seen to validate the handshake's token on every refresh),
        /// <see langword="true"/> only when no Authorization header came (the guard docs/jwt.md asks for).
        /// </summary>
        public bool? QueryTokenRecipeOnlyWithoutAuthorization { get; init; }

        /// <summary>OnMessageReceived refuses requests with <c>?deny</c>, as an app's own rule would.</summary>
        public Task OnMessageReceived(MessageReceivedContext context)
        {
            MessageReceivedAuthorization.Enqueue(context.Request.Headers.Authorization.ToString());
            if (context.Request.Query.ContainsKey("deny"))
            {
                context.Fail("denied by the app's OnMessageReceived");
            }

            var queryToken = context.Request.Query["access_token"].ToString();
            if (QueryTokenRecipeOnlyWithoutAuthorization is { } onlyWithout && queryToken.Length > 0
                && (!onlyWithout || string.IsNullOrEmpty(context.Request.Headers.Authorization)))
            {
                context.Token = queryToken;
            }

            return Task.CompletedTask;
        }

        /// <summary>OnTokenValidated revokes the subject <c>revoked</c> and adds a role from the app's own store.</summary>
        public Task OnTokenValidated(TokenValidatedContext context)
        {
            var subject = context.Principal!.FindFirst(ClaimTypes.NameIdentifier)?.Value;
            TokenValidatedSubjects.Enqueue(subject);
            if (subject == "revoked")
            {
                context.Fail("revoked by the app's OnTokenValidated");
                return Task.CompletedTask;
            }

            ((ClaimsIdentity)context.Principal.Identity!).AddClaim(new Claim(ClaimTypes.Role, "from-app-store"));
            return Task.CompletedTask;
        }
    }

    private static void AddJwtBearer(WebApplicationBuilder builder, BearerEventsProbe? probe = null)
        => builder.Services.AddAuthorization().AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
        {
            // A typical app's setup: its issuer, audience and keys; defaults for everything else (claim mapping on,
            // 5 minutes of clock skew).
            o.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = TestJwt.Issuer,
                ValidAudience = TestJwt.Audience,
                IssuerSigningKeys = [TestJwt.HmacKey, TestJwt.RsaPublicKey, TestJwt.EcdsaPublicKey],
                NameClaimType = "name",
            };
            if (probe is not null)
            {
                o.Events = new JwtBearerEvents { OnMessageReceived = probe.OnMessageReceived, OnTokenValidated = probe.OnTokenValidated };
            }
        });

    /// <summary>
    /// An app whose WsAuth forwards every token (bearer, subprotocol, first message, refresh) to JwtBearer. WsAuth's clock
    /// starts at the real time, which JwtBearer uses, and is moved by the test to reach a session's end.
    /// </summary>
    private static async Task<(KestrelTestApp App, FakeTimeProvider Time)> StartForwardingAsync(BearerEventsProbe probe)
    {
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var app = await KestrelTestApp.StartAsync(
            b =>
            {
                AddJwtBearer(b, probe);
                b.Services.AddWebSocketAuth(o =>
                    {
                        o.AllowedOrigins.Add(Origin);
                        o.TimeProvider = time;
                    })
                    .AddTokenValidationScheme(JwtBearerDefaults.AuthenticationScheme)
                    .AddBearer()
                    .AddSubprotocolToken()
                    .AddQueryToken()
                    .AddFirstMessage();
            },
            (a, _) => MapEndpoints(a));
        return (app, time);
    }

    /// <summary>An app with JwtBearer for its HTTP API and WsAuth's own JWT validator for its sockets, on the same keys.</summary>
    private static async Task<(KestrelTestApp App, FakeTimeProvider Time)> StartSideBySideAsync()
    {
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var app = await KestrelTestApp.StartAsync(
            b =>
            {
                AddJwtBearer(b);
                b.Services.AddWebSocketAuth(o =>
                    {
                        o.AllowedOrigins.Add(Origin);
                        o.TimeProvider = time;
                    })
                    .AddJwtValidation(o =>
                    {
                        o.SigningKeys.Add(TestJwt.HmacKey);
                        o.SigningKeys.Add(TestJwt.RsaPublicKey);
                        o.SigningKeys.Add(TestJwt.EcdsaPublicKey);
                        o.ValidIssuers.Add(TestJwt.Issuer);
                        o.ValidAudiences.Add(TestJwt.Audience);
                    })
                    .AddBearer()
                    .AddSubprotocolToken()
                    .AddQueryToken()
                    .AddFirstMessage();
            },
            (a, _) =>
            {
                MapEndpoints(a);
                a.MapGet("/api/me", (ClaimsPrincipal user) => user.Identity!.Name).RequireAuthorization();
            });
        return (app, time);
    }

    private static void MapEndpoints(WebApplication app)
    {
        app.UseAuthentication();
        app.UseWebSocketAuth();
        app.UseAuthorization();

        // Welcome with the user, method, session end and roles; then echo until closed.
        app.Map("/ws", async context =>
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var auth = context.GetWebSocketAuth();
            var welcome = JsonSerializer.Serialize(new
            {
                type = "welcome",
                user = context.User.Identity?.Name,
                method = auth?.Method,
                expiresAt = auth?.ExpiresAt,
                roles = context.User.FindAll(ClaimTypes.Role).Select(c => c.Value).ToArray(),
            });
            await socket.SendAsync(Encoding.UTF8.GetBytes(welcome), WebSocketMessageType.Text, true, context.RequestAborted);
            var buffer = new byte[4096];
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, context.RequestAborted);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, context.RequestAborted);
            }
        });
    }

    private static string Token(DateTimeOffset now, string subject = "alice", Action<Dictionary<string, object?>>? change = null)
        => TestJwt.HmacToken(now, subject, change);

    /// <summary>A token that expires at <paramref name="expiresAt"/>, issued 10 minutes before now.</summary>
    private static string TokenUntil(DateTimeOffset now, DateTimeOffset expiresAt, string subject = "alice")
        => TestJwt.HmacToken(now, subject, c => c["exp"] = expiresAt.ToUnixTimeSeconds());

    /// <summary>The bad tokens of the matrix, by name, with the reason each must be refused with.</summary>
    private static (string Token, string Reason) BadToken(string kind, DateTimeOffset now) => kind switch
    {
        // An hour past exp: beyond JwtBearer's default 5 minutes of clock skew.
        "expired" => (TestJwt.HmacToken(now, change: c =>
        {
            c["iat"] = c["nbf"] = now.AddHours(-2).ToUnixTimeSeconds();
            c["exp"] = now.AddHours(-1).ToUnixTimeSeconds();
        }), WebSocketAuthFailureReasons.Expired),
        "bad-signature" => (TestJwt.Sign("""{"alg":"HS256","typ":"JWT"}""", TestJwt.Payload(now), TestJwt.Hs256(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))),
            WebSocketAuthFailureReasons.InvalidSignature),
        "wrong-issuer" => (TestJwt.HmacToken(now, change: c => c["iss"] = "https://evil.test"), WebSocketAuthFailureReasons.InvalidIssuer),
        "wrong-audience" => (TestJwt.HmacToken(now, change: c => c["aud"] = "another-api"), WebSocketAuthFailureReasons.InvalidAudience),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Opens a socket authenticated by <paramref name="method"/> with <paramref name="token"/> and reads the welcome.</summary>
    private static async Task<(ClientWebSocket Socket, JsonElement Welcome)> ConnectAsync(KestrelTestApp app, string method, string token, string path = "/ws")
    {
        switch (method)
        {
            case "first-message":
            {
                var socket = await WebSocketTestClient.ConnectAsync(app.WebSocketUri(path), Origin);
                var (ack, welcome) = await FirstMessageApp.AuthenticateAsync(socket, token);
                Assert.Equal("wsauth.authenticated", ack.GetProperty("type").GetString());
                return (socket, welcome);
            }

            default:
            {
                var socket = await WebSocketTestClient.ConnectAsync(app.WebSocketUri(method == "query" ? path + "?access_token=" + token : path), Origin, o =>
                {
                    switch (method)
                    {
                        case "bearer":
                            o.SetRequestHeader("Authorization", "Bearer " + token);
                            break;
                        case "subprotocol":
                            o.AddSubProtocol("chat");
                            o.AddSubProtocol(WebSocketAuthDefaults.SubprotocolTokenMarker);
                            o.AddSubProtocol(token);
                            break;
                        case "subprotocol-k8s":
                            o.AddSubProtocol("chat");
                            o.AddSubProtocol(TestJwt.KubernetesProtocol(token));
                            break;
                    }
                });
                return (socket, await FirstMessageApp.ReceiveJsonAsync(socket));
            }
        }
    }

    private static string ExpectedMethod(string method) => method == "subprotocol-k8s" ? WebSocketAuthDefaults.SubprotocolMethod : method;

    /// <summary>
    /// The refusal of a handshake: 401 with the reason before the upgrade, or the close after first-message auth (which
    /// fails if the endpoint's welcome arrives first).
    /// </summary>
    private static async Task<(int Code, string? Reason)> RefusalAsync(KestrelTestApp app, string method, string token, string query = "")
    {
        if (method == "first-message")
        {
            using var socket = await WebSocketTestClient.ConnectAsync(app.WebSocketUri("/ws" + query), Origin);
            await FirstMessageApp.SendAuthAsync(socket, token);
            return await FirstMessageApp.ReceiveCloseAsync(socket);
        }

        (string, string) credential = method == "bearer"
            ? ("Authorization", "Bearer " + token)
            : ("Sec-WebSocket-Protocol", $"chat, {WebSocketAuthDefaults.SubprotocolTokenMarker}, {token}");
        var response = await RawHandshake.SendAsync(app.HttpUri, "/ws" + query, [("Origin", Origin), credential]);
        return ((int)response.Status, response.Body);
    }

    private static DateTimeOffset ExpiresAt(JsonElement message) => message.GetProperty("expiresAt").GetDateTimeOffset();

    // ---- AddTokenValidationScheme("Bearer") on JwtBearer 10 ----

    [Theory]
    [InlineData("bearer")]
    [InlineData("subprotocol")]
    [InlineData("first-message")]
    public async Task ForwardedToJwtBearer_AValidToken_Authenticates_AndItsExpiresUtcEndsTheSession(string method)
    {
        // Arrange
        var probe = new BearerEventsProbe();
        var (app, time) = await StartForwardingAsync(probe);
        await using var _ = app;
        var now = time.GetUtcNow();
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(now.AddMinutes(10).ToUnixTimeSeconds());

        // Act
        var (socket, welcome) = await ConnectAsync(app, method, TokenUntil(now, expiresAt));
        using var __ = socket;

        // Assert: JwtBearer's principal (its claim mapping, the role its OnTokenValidated added) and expiry.
        Assert.Equal("alice", welcome.GetProperty("user").GetString());
        Assert.Equal(method, welcome.GetProperty("method").GetString());
        Assert.Equal(expiresAt, ExpiresAt(welcome));
        Assert.Equal(["from-app-store"], welcome.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Contains("alice", probe.TokenValidatedSubjects);

        // The session ends at the token's exp, by WsAuth's clock.
        time.Advance(expiresAt - now - TimeSpan.FromSeconds(1));
        await WebSocketTestClient.SendTextAsync(socket, "still here");
        Assert.Equal("still here", await WebSocketTestClient.ReceiveTextAsync(socket));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal((4401, WebSocketAuthFailureReasons.Expired), await FirstMessageApp.ReceiveCloseAsync(socket));
    }

    public static TheoryData<string, string> BadTokensByMethod()
    {
        var data = new TheoryData<string, string>();
        foreach (var kind in new[] { "expired", "bad-signature", "wrong-issuer", "wrong-audience" })
        {
            foreach (var method in new[] { "bearer", "subprotocol", "first-message" })
            {
                data.Add(kind, method);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BadTokensByMethod))]
    public async Task ForwardedToJwtBearer_ABadToken_IsRefusedWithItsReason(string kind, string method)
    {
        var (app, time) = await StartForwardingAsync(new BearerEventsProbe());
        await using var _ = app;
        var (token, reason) = BadToken(kind, time.GetUtcNow());

        var refusal = await RefusalAsync(app, method, token);

        Assert.Equal((method == "first-message" ? 4401 : 401, reason), refusal);
    }

    [Theory]
    [InlineData("bearer")]
    [InlineData("subprotocol")]
    [InlineData("first-message")]
    public async Task ForwardedToJwtBearer_OnMessageReceived_SeesTheForwardedToken_AndItsRefusalHolds(string method)
    {
        var probe = new BearerEventsProbe();
        var (app, time) = await StartForwardingAsync(probe);
        await using var _ = app;
        var token = Token(time.GetUtcNow());

        var (socket, _) = await ConnectAsync(app, method, token);
        socket.Dispose();
        var refusal = await RefusalAsync(app, method, Token(time.GetUtcNow()), query: "?deny");

        // Whatever carried it, the token reaches JwtBearer as "Authorization: Bearer <token>".
        Assert.Contains("Bearer " + token, probe.MessageReceivedAuthorization);
        Assert.Equal((method == "first-message" ? 4401 : 401, WebSocketAuthFailureReasons.InvalidToken), refusal);
    }

    [Theory]
    [InlineData("bearer")]
    [InlineData("subprotocol")]
    [InlineData("first-message")]
    public async Task ForwardedToJwtBearer_OnTokenValidated_CanRevokeAValidToken(string method)
    {
        var (app, time) = await StartForwardingAsync(new BearerEventsProbe());
        await using var _ = app;

        var refusal = await RefusalAsync(app, method, Token(time.GetUtcNow(), "revoked"));

        Assert.Equal((method == "first-message" ? 4401 : 401, WebSocketAuthFailureReasons.InvalidToken), refusal);
    }

    [Fact]
    public async Task ForwardedToJwtBearer_ARefresh_MovesTheSessionEndToTheNewExpiresUtc()
    {
        var probe = new BearerEventsProbe();
        var (app, time) = await StartForwardingAsync(probe);
        await using var _ = app;
        var now = time.GetUtcNow();
        var firstEnd = DateTimeOffset.FromUnixTimeSeconds(now.AddMinutes(2).ToUnixTimeSeconds());
        var secondEnd = firstEnd.AddMinutes(10);
        var (socket, _) = await ConnectAsync(app, "subprotocol", TokenUntil(now, firstEnd));
        using var __ = socket;

        var refreshToken = TokenUntil(now, secondEnd);
        await FirstMessageApp.SendRefreshAsync(socket, refreshToken);
        var ack = await FirstMessageApp.ReceiveJsonAsync(socket);
        time.Advance(secondEnd - now - TimeSpan.FromSeconds(1)); // well past the first token's end
        await WebSocketTestClient.SendTextAsync(socket, "still here");
        var echo = await WebSocketTestClient.ReceiveTextAsync(socket);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal("wsauth.refreshed", ack.GetProperty("type").GetString());
        Assert.Equal(secondEnd, ExpiresAt(ack));
        Assert.Contains("Bearer " + refreshToken, probe.MessageReceivedAuthorization);
        Assert.Equal("still here", echo);
        Assert.Equal((4401, WebSocketAuthFailureReasons.Expired), await FirstMessageApp.ReceiveCloseAsync(socket));
    }

    [Theory]
    [InlineData("expired")]
    [InlineData("bad-signature")]
    [InlineData("wrong-issuer")]
    [InlineData("wrong-audience")]
    public async Task ForwardedToJwtBearer_ABadRefresh_ClosesTheSessionWithItsReason(string kind)
    {
        var (app, time) = await StartForwardingAsync(new BearerEventsProbe());
        await using var _ = app;
        var (socket, _) = await ConnectAsync(app, "bearer", Token(time.GetUtcNow()));
        using var __ = socket;

        await FirstMessageApp.SendRefreshAsync(socket, BadToken(kind, time.GetUtcNow()).Token);

        Assert.Equal((4401, BadToken(kind, time.GetUtcNow()).Reason), await FirstMessageApp.ReceiveCloseAsync(socket));
    }

    [Fact]
    public async Task ForwardedToJwtBearer_TheQueryTokenRecipe_GuardedAsDocsJwtMdSays_LetsTheRefreshTokenBeValidated()
    {
        // The SignalR recipe sets context.Token from ?access_token, which overrides the token WsAuth forwards: unguarded,
        // every refresh of a socket opened with a query token validates the handshake's token again (a forged refresh is
        // acknowledged, though the session's end cannot pass that token's exp). Guarded by "no Authorization header", the
        // refresh WsAuth forwards is what JwtBearer validates.
        var (app, time) = await StartForwardingAsync(new BearerEventsProbe { QueryTokenRecipeOnlyWithoutAuthorization = true });
        await using var _ = app;
        var (socket, welcome) = await ConnectAsync(app, "query", Token(time.GetUtcNow()));
        using var __ = socket;

        await FirstMessageApp.SendRefreshAsync(socket, BadToken("bad-signature", time.GetUtcNow()).Token);

        Assert.Equal(WebSocketAuthDefaults.QueryMethod, welcome.GetProperty("method").GetString());
        Assert.Equal((4401, WebSocketAuthFailureReasons.InvalidSignature), await FirstMessageApp.ReceiveCloseAsync(socket));
    }

    // ---- AddJwtValidation next to JwtBearer 10 in one app ----

    [Theory]
    [InlineData("bearer")]
    [InlineData("subprotocol")]
    [InlineData("subprotocol-k8s")]
    [InlineData("query")]
    [InlineData("first-message")]
    public async Task SideBySide_WsAuthsOwnValidator_AuthenticatesEveryMethod_AndJwtBearerServesTheApi(string method)
    {
        var (app, time) = await StartSideBySideAsync();
        await using var _ = app;
        var now = time.GetUtcNow();
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(now.AddMinutes(10).ToUnixTimeSeconds());

        var (socket, welcome) = await ConnectAsync(app, method, TokenUntil(now, expiresAt));
        using var __ = socket;
        using var http = new HttpClient { BaseAddress = app.HttpUri };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        request.Headers.Authorization = new("Bearer", Token(now, "bob"));
        using var api = await http.SendAsync(request);
        using var anonymous = await http.GetAsync(new Uri("/api/me", UriKind.Relative));

        Assert.Equal("alice", welcome.GetProperty("user").GetString());
        Assert.Equal(ExpectedMethod(method), welcome.GetProperty("method").GetString());
        Assert.Equal(expiresAt, ExpiresAt(welcome));
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        Assert.Equal("bob", await api.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task SideBySide_ARefresh_IsValidatedByWsAuth_AndABadOneCloses()
    {
        var (app, time) = await StartSideBySideAsync();
        await using var _ = app;
        var now = time.GetUtcNow();
        var (socket, _) = await ConnectAsync(app, "first-message", Token(now));
        using var __ = socket;
        var newEnd = DateTimeOffset.FromUnixTimeSeconds(now.AddMinutes(30).ToUnixTimeSeconds());

        await FirstMessageApp.SendRefreshAsync(socket, TokenUntil(now, newEnd));
        var ack = await FirstMessageApp.ReceiveJsonAsync(socket);
        await FirstMessageApp.SendRefreshAsync(socket, BadToken("bad-signature", now).Token);

        Assert.Equal(newEnd, ExpiresAt(ack));
        Assert.Equal((4401, WebSocketAuthFailureReasons.InvalidSignature), await FirstMessageApp.ReceiveCloseAsync(socket));
    }

    [Fact]
    public void SideBySide_JwtBearerAndWsAuth_RunOnOneIdentityModel8()
    {
        // JwtBearer 10 was compiled against IdentityModel 8, as WsAuth is; the process holds one copy of each assembly.
        var bearer = typeof(JwtBearerHandler).Assembly.GetReferencedAssemblies().Where(IsIdentityModel).ToList();
        var wsAuth = typeof(WebSocketAuthBuilder).Assembly.GetReferencedAssemblies().Where(IsIdentityModel).ToList();
        _ = new JsonWebTokenHandler();
        var loaded = AppDomain.CurrentDomain.GetAssemblies().Where(a => IsIdentityModel(a.GetName())).ToList();

        Assert.NotEmpty(bearer);
        Assert.NotEmpty(wsAuth);
        Assert.All(bearer.Concat(wsAuth), r => Assert.Equal(8, r.Version!.Major));
        Assert.All(loaded, a => Assert.StartsWith("8.", a.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion, StringComparison.Ordinal));
        Assert.Equal(loaded.Count, loaded.Select(a => a.GetName().Name).Distinct().Count());

        static bool IsIdentityModel(AssemblyName name) => name.Name!.StartsWith("Microsoft.IdentityModel.", StringComparison.Ordinal);
    }
}
