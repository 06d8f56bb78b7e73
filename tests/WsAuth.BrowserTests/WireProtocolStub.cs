using System.Buffers.Text;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace WsAuth.BrowserTests;

/// <summary>
/// A stand-in for a WsAuth server's side of the wire protocol (docs: COMMON wire protocol), so the browser client can be
/// tested in Chromium with what the real sample cannot produce on demand (a token that is not a JWT). It reads the token the way WsAuth
/// does (marker or Kubernetes subprotocol entry, or the first message), answers an app protocol or the marker (never
/// the token), acknowledges the first message with <c>wsauth.authenticated</c>, and with <c>?expireAfterMs=</c> closes
/// with 4401 "expired". Its welcome echoes the token so the test can see which one arrived (a test stub only).
/// </summary>
internal static class WireProtocolStub
{
    private const string Marker = "access_token";
    private const string KubernetesPrefix = "base64url.bearer.authorization.k8s.io.";

    public static void Map(WebApplication app)
    {
        app.UseWebSockets();
        app.MapGet("/stub", () => Results.Content(Page, "text/html; charset=utf-8"));
        app.Map("/stub/ws", HandleAsync);
    }

    private static async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var offered = context.WebSockets.WebSocketRequestedProtocols.ToList();
        string? token = null;
        var markerAt = offered.IndexOf(Marker);
        if (markerAt >= 0 && markerAt + 1 < offered.Count)
        {
            token = offered[markerAt + 1];
            offered.RemoveRange(markerAt, 2);
        }

        var encoded = offered.Find(p => p.StartsWith(KubernetesPrefix, StringComparison.Ordinal));
        if (encoded is not null)
        {
            token = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(encoded.AsSpan(KubernetesPrefix.Length)));
            offered.Remove(encoded);
        }

        var method = token is null ? "first-message" : "subprotocol";
        var answer = offered.FirstOrDefault() ?? (markerAt >= 0 ? Marker : null);
        using var socket = await context.WebSockets.AcceptWebSocketAsync(answer);
        var buffer = new byte[16 * 1024];
        if (token is null)
        {
            var first = await socket.ReceiveAsync(buffer, context.RequestAborted);
            using var auth = JsonDocument.Parse(buffer.AsMemory(0, first.Count));
            if (auth.RootElement.GetProperty("type").GetString() != "auth")
            {
                await socket.CloseAsync((WebSocketCloseStatus)4400, "malformed", CancellationToken.None);
                return;
            }

            token = auth.RootElement.GetProperty("token").GetString();
            await SendAsync(socket, new { type = "wsauth.authenticated", expiresAt = (string?)null }, context.RequestAborted);
        }

        await SendAsync(socket, new { type = "welcome", token, method, protocol = answer }, context.RequestAborted);
        if (int.TryParse(context.Request.Query["expireAfterMs"], out var expireAfter))
        {
            await Task.Delay(expireAfter, context.RequestAborted);
            await socket.CloseAsync((WebSocketCloseStatus)4401, "expired", CancellationToken.None);
            return;
        }

        while (socket.State == WebSocketState.Open)
        {
            var received = await socket.ReceiveAsync(buffer, context.RequestAborted);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                return;
            }

            await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, context.RequestAborted);
        }
    }

    private static Task SendAsync(WebSocket socket, object message, CancellationToken cancellationToken)
        => socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(message), WebSocketMessageType.Text, true, cancellationToken);

    /// <summary>Runs the real client; <c>window.run(options)</c> starts it, <c>window.events</c> is everything the app saw.</summary>
    private const string Page = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Client under test</title></head>
        <body>
          <script type="module">
            import { WsAuthSocket } from '/js/wsauth.js';
            window.events = [];
            window.run = ({ path, tokens, ...options }) => {
              const queue = [...tokens];
              const socket = new WsAuthSocket(path, {
                ...options,
                token: ({ reason }) => { window.events.push({ type: 'token', reason }); return queue.shift() ?? null; },
                reconnect: { initialDelay: 200, maxDelay: 400 },
              });
              window.socket = socket;
              for (const type of ['open', 'message', 'close', 'error']) {
                socket.addEventListener(type, (e) => window.events.push({
                  type, data: e.data ?? null, code: e.code ?? null, reason: e.reason ?? null,
                  willReconnect: e.willReconnect ?? null, protocol: socket.protocol, error: e.error?.code ?? null,
                }));
              }
            };
            document.body.dataset.ready = 'true';
          </script>
        </body></html>
        """;
}
