using System.Net;
using System.Net.WebSockets;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace WsAuth.Testing;

/// <summary>
/// An app with revocation on: cookie sign-in on <c>POST /login?user=</c> (name identifier = user), JWTs (bearer, query,
/// first message and refresh on the default validator), tickets on <c>/ws/ticket</c>, and <c>/ws</c>, which sends
/// <c>{"type":"welcome","user":…,"sessionId":…}</c> then echoes. Revocation's backplane is in memory unless
/// <paramref name="builder"/> adds another.
/// </summary>
public static class RevocationTestApp
{
    public const string AllowedOrigin = "https://app.example.com";

    public static Task<KestrelTestApp> StartAsync(
        Action<WebSocketAuthBuilder>? builder = null,
        Action<WebSocketRevocationOptions>? revocation = null,
        Action<IServiceCollection>? services = null)
        => KestrelTestApp.StartAsync(
            b =>
            {
                b.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o =>
                {
                    o.Events.OnRedirectToLogin = ctx =>
                    {
                        ctx.Response.StatusCode = StatusCodes.Status401Unauthorized;
                        return Task.CompletedTask;
                    };
                });
                b.Services.AddAuthorization();
                var ws = b.Services.AddWebSocketAuth(o => o.AllowedOrigins.Add(AllowedOrigin))
                    .AddJwtValidation(o =>
                    {
                        o.SigningKeys.Add(TestJwt.HmacKey);
                        o.ValidIssuers.Add(TestJwt.Issuer);
                        o.ValidAudiences.Add(TestJwt.Audience);
                    })
                    .AddTickets()
                    .AddBearer()
                    .AddQueryToken()
                    .AddCookie()
                    .AddFirstMessage()
                    .AddRevocation(revocation);
                builder?.Invoke(ws);
                services?.Invoke(b.Services);
            },
            (app, test) =>
            {
                app.UseAuthentication();
                app.UseAuthorization();
                app.UseWebSocketAuth();
                app.MapPost("/login", async (HttpContext context, string user) =>
                {
                    var claims = new List<Claim> { new(ClaimTypes.Name, user), new(ClaimTypes.NameIdentifier, user) };
                    await context.SignInAsync(new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme)));
                });
                app.MapWebSocketTickets("/ws/ticket");
                app.Map("/ws", async context =>
                {
                    using var socket = await context.WebSockets.AcceptWebSocketAsync();
                    var welcome = JsonSerializer.Serialize(new { type = "welcome", user = context.User.Identity?.Name, sessionId = context.GetWebSocketAuth()?.SessionId });
                    await socket.SendAsync(Encoding.UTF8.GetBytes(welcome), WebSocketMessageType.Text, true, context.RequestAborted);
                    var buffer = new byte[4096];
                    while (true)
                    {
                        var result = await socket.ReceiveAsync(buffer, context.RequestAborted);
                        if (result.MessageType == WebSocketMessageType.Close)
                        {
                            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                            return;
                        }

                        await socket.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage, context.RequestAborted);
                    }
                });
            });

    /// <summary>A valid token for <paramref name="user"/> issued at <paramref name="issuedAt"/> (or without <c>iat</c> when null).</summary>
    public static string Token(string user, DateTimeOffset? issuedAt)
        => TestJwt.HmacToken(TimeProvider.System.GetUtcNow(), user, claims =>
        {
            if (issuedAt is { } at)
            {
                claims["iat"] = at.ToUnixTimeSeconds();
            }
            else
            {
                claims.Remove("iat");
            }
        });

    /// <summary>Opens <c>/ws</c> with a bearer token and reads the welcome; returns the socket and its session id.</summary>
    public static async Task<(ClientWebSocket Socket, string SessionId)> ConnectBearerAsync(KestrelTestApp app, string token)
    {
        var socket = await WebSocketTestClient.ConnectAsync(app.WebSocketUri(), AllowedOrigin, o => o.SetRequestHeader("Authorization", "Bearer " + token));
        return (socket, await ReadWelcomeAsync(socket));
    }

    /// <summary>Opens <c>/ws</c> with the login cookie and reads the welcome.</summary>
    public static async Task<(ClientWebSocket Socket, string SessionId)> ConnectCookieAsync(KestrelTestApp app, string cookie)
    {
        var socket = await WebSocketTestClient.ConnectAsync(app.WebSocketUri(), AllowedOrigin, o => o.SetRequestHeader("Cookie", cookie));
        return (socket, await ReadWelcomeAsync(socket));
    }

    public static async Task<string> ReadWelcomeAsync(WebSocket socket)
    {
        using var welcome = JsonDocument.Parse(await WebSocketTestClient.ReceiveTextAsync(socket));
        return welcome.RootElement.GetProperty("sessionId").GetString()!;
    }

    /// <summary>A raw handshake with a bearer token: the status and body the server answered.</summary>
    public static Task<RawResponse> HandshakeBearerAsync(KestrelTestApp app, string token)
        => RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", AllowedOrigin), ("Authorization", "Bearer " + token)]);

    /// <summary>Waits for the close frame and returns its code and reason.</summary>
    public static async Task<(int Code, string? Reason)> ReceiveCloseAsync(WebSocket socket, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, cts.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return ((int)result.CloseStatus!.Value, result.CloseStatusDescription);
            }
        }
    }

    /// <summary>Sends a message and expects it back: the socket is open and served.</summary>
    public static async Task<bool> EchoesAsync(WebSocket socket)
    {
        await WebSocketTestClient.SendTextAsync(socket, "ping");
        return await WebSocketTestClient.ReceiveTextAsync(socket) == "ping";
    }

    public static IWebSocketRevocation Revocation(KestrelTestApp app) => app.App.Services.GetRequiredService<IWebSocketRevocation>();
}
