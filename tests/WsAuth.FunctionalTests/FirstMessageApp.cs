using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using WsAuth.Testing;

namespace WsAuth.FunctionalTests;

/// <summary>
/// An app with the header authenticator, then first-message authentication validated by <see cref="TestTokenValidator"/>,
/// a controllable clock, and the sample's welcome-then-echo endpoint on <c>/ws</c>.
/// </summary>
internal static class FirstMessageApp
{
    public const string AllowedOrigin = HandshakeApp.AllowedOrigin;

    public static async Task<(KestrelTestApp App, TimerCountingTimeProvider Time, TestTokenValidator Validator)> StartAsync(
        Action<WebSocketAuthOptions>? configure = null,
        Action<WebSocketFirstMessageOptions>? firstMessage = null,
        Action<WebApplication, KestrelTestApp>? map = null,
        Action<IServiceCollection>? services = null,
        IPAddress? address = null)
    {
        var time = new TimerCountingTimeProvider();
        var validator = new TestTokenValidator();
        var app = await KestrelTestApp.StartAsync(
            builder =>
            {
                builder.Services.AddAuthorization(o => o.AddPolicy("admins", p => p.RequireRole("admin")));
                builder.Services.AddSingleton<TimeProvider>(time);
                builder.Services.AddSingleton<IWebSocketTokenValidator>(validator);
                builder.Services.AddWebSocketAuth(o =>
                    {
                        o.AllowedOrigins.Add(AllowedOrigin);
                        configure?.Invoke(o);
                    })
                    .AddFirstMessage(firstMessage)
                    .AddAuthenticator<HeaderAuthenticator>("header"); // added after, still runs before first-message
                services?.Invoke(builder.Services);
            },
            (app, test) =>
            {
                app.UseWebSocketAuth();
                test.MapWelcomeEcho(app);
                map?.Invoke(app, test);
            },
            address: address);
        return (app, time, validator);
    }

    /// <summary>Opens a socket with no credential on the handshake (first-message authentication follows).</summary>
    public static Task<ClientWebSocket> ConnectAsync(KestrelTestApp app, string path = "/ws", Action<ClientWebSocketOptions>? configure = null)
        => WebSocketTestClient.ConnectAsync(app.WebSocketUri(path), AllowedOrigin, configure);

    public static Task SendAuthAsync(WebSocket socket, string token)
        => WebSocketTestClient.SendTextAsync(socket, JsonSerializer.Serialize(new { type = "auth", token }));

    public static Task SendRefreshAsync(WebSocket socket, string token)
        => WebSocketTestClient.SendTextAsync(socket, JsonSerializer.Serialize(new { type = "refresh", token }));

    /// <summary>Reads the next message as JSON.</summary>
    public static async Task<JsonElement> ReceiveJsonAsync(WebSocket socket)
        => JsonDocument.Parse(await WebSocketTestClient.ReceiveTextAsync(socket)).RootElement;

    /// <summary>
    /// Reads until the server's close frame and returns its code and reason. Fails if an application or control
    /// message arrives first (none may, after a rejection).
    /// </summary>
    public static async Task<(int Code, string? Reason)> ReceiveCloseAsync(WebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return ((int)result.CloseStatus!.Value, result.CloseStatusDescription);
            }

            throw new InvalidOperationException("Expected the close frame but got a message: " + Encoding.UTF8.GetString(buffer, 0, result.Count));
        }
    }

    /// <summary>Authenticates with a first message and reads the acknowledgement and the endpoint's welcome.</summary>
    public static async Task<(JsonElement Ack, JsonElement Welcome)> AuthenticateAsync(WebSocket socket, string token)
    {
        await SendAuthAsync(socket, token);
        var ack = await ReceiveJsonAsync(socket);
        var welcome = await ReceiveJsonAsync(socket);
        return (ack, welcome);
    }

    /// <summary>A <see cref="ClientWebSocket"/> connection whose TCP connection comes from <paramref name="localAddress"/>.</summary>
    public static async Task<ClientWebSocket> ConnectFromAsync(KestrelTestApp app, IPAddress localAddress, string? origin = AllowedOrigin)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(localAddress, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        var client = new ClientWebSocket();
        client.Options.CollectHttpResponseDetails = true;
        if (origin is not null)
        {
            client.Options.SetRequestHeader("Origin", origin);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await client.ConnectAsync(app.WebSocketUri(), new HttpMessageInvoker(handler), timeout.Token);
        return client;
    }
}
