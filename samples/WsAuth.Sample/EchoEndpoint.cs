using System.Net.WebSockets;
using System.Text.Json;

namespace WsAuth.Sample;

/// <summary>
/// The guarded endpoint on /ws. By the time it runs WsAuth has authenticated the handshake, so it greets the user:
/// <c>{"type":"welcome","user":"alice","method":"cookie"}</c>, then echoes every text message.
/// </summary>
internal static class EchoEndpoint
{
    public static async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("This endpoint speaks WebSocket.");
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var auth = context.GetWebSocketAuth();
        var welcome = JsonSerializer.SerializeToUtf8Bytes(new { type = "welcome", user = context.User.Identity?.Name, method = auth?.Method });
        await socket.SendAsync(welcome, WebSocketMessageType.Text, endOfMessage: true, context.RequestAborted);

        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, context.RequestAborted);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    return;
                }

                if (received.MessageType == WebSocketMessageType.Text)
                {
                    await socket.SendAsync(buffer.AsMemory(0, received.Count), WebSocketMessageType.Text, received.EndOfMessage, context.RequestAborted);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // The client went away.
        }
    }
}
