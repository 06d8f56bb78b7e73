using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using WsAuth.Testing;

namespace WsAuth.FunctionalTests;

/// <summary>
/// An app with every token transport (bearer, subprotocol with the marker, Kubernetes and Phoenix formats, query) on the
/// default JWT validator, then the cookie. <c>/ws</c> is the welcome-echo endpoint; <c>/ws/protocols?pick=x</c> accepts with
/// subprotocol <c>x</c> (none without <c>pick</c>) and records what endpoint code saw.
/// </summary>
internal static class TokenApp
{
    public const string AllowedOrigin = "https://app.example.com";
    public const string PhoenixPrefix = "base64url.bearer.phx.";

    public static Task<KestrelTestApp> StartAsync(
        Action<WebSocketAuthBuilder>? methods = null,
        Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>? builder = null,
        ConcurrentQueue<EndpointView>? seen = null,
        Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http1)
        => KestrelTestApp.StartAsync(
            b =>
            {
                b.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie();
                var ws = b.Services.AddWebSocketAuth(o => o.AllowedOrigins.Add(AllowedOrigin))
                    .AddJwtValidation(o =>
                    {
                        o.SigningKeys.Add(TestJwt.HmacKey);
                        o.SigningKeys.Add(TestJwt.RsaPublicKey);
                        o.SigningKeys.Add(TestJwt.EcdsaPublicKey);
                        o.ValidIssuers.Add(TestJwt.Issuer);
                        o.ValidAudiences.Add(TestJwt.Audience);
                    });
                if (methods is null)
                {
                    ws.AddBearer().AddSubprotocolToken(o => o.Prefixes.Add(PhoenixPrefix)).AddQueryToken().AddCookie();
                }
                else
                {
                    methods(ws);
                }

                builder?.Invoke(b);
            },
            (app, test) =>
            {
                app.UseAuthentication();
                app.UseWebSocketAuth();
                app.MapPost("/login", async (HttpContext context, string user) =>
                {
                    var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, user)], CookieAuthenticationDefaults.AuthenticationScheme);
                    await context.SignInAsync(new ClaimsPrincipal(identity));
                });
                test.MapWelcomeEcho(app);
                app.Map("/ws/protocols", async context =>
                {
                    var pick = context.Request.Query["pick"].ToString();
                    seen?.Enqueue(new EndpointView(
                        [.. context.WebSockets.WebSocketRequestedProtocols],
                        context.Request.Headers.SecWebSocketProtocol.ToString(),
                        context.Request.Headers.Authorization.ToString(),
                        context.GetWebSocketAuth()?.ExpiresAt));
                    using var socket = await context.WebSockets.AcceptWebSocketAsync(pick.Length == 0 ? null : pick);
                    var welcome = JsonSerializer.Serialize(new { type = "welcome", user = context.User.Identity?.Name, method = context.GetWebSocketAuth()?.Method });
                    await socket.SendAsync(Encoding.UTF8.GetBytes(welcome), WebSocketMessageType.Text, true, context.RequestAborted);
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, context.RequestAborted);
                });
            },
            protocols: protocols);

    public static string Token(string user = "alice") => TestJwt.HmacToken(TimeProvider.System.GetUtcNow(), user);

    /// <summary>Connects with <see cref="ClientWebSocket"/> and returns the socket and its welcome message.</summary>
    public static async Task<(ClientWebSocket Socket, JsonElement Welcome)> ConnectAsync(KestrelTestApp app, string path, Action<ClientWebSocketOptions> configure, string? origin = AllowedOrigin)
    {
        var socket = await WebSocketTestClient.ConnectAsync(app.WebSocketUri(path), origin, configure);
        var welcome = JsonDocument.Parse(await WebSocketTestClient.ReceiveTextAsync(socket)).RootElement;
        return (socket, welcome);
    }
}

/// <summary>What endpoint code saw of a handshake.</summary>
internal sealed record EndpointView(string[] RequestedProtocols, string ProtocolHeader, string Authorization, DateTimeOffset? ExpiresAt);
