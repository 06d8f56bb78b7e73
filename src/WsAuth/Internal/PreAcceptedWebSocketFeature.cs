using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace WsAuth.Internal;

/// <summary>
/// Replaces <see cref="IHttpWebSocketFeature"/> when WsAuth accepted the socket itself (first-message authentication):
/// the endpoint's <c>AcceptWebSocketAsync()</c> returns that socket, already authenticated.
/// </summary>
internal sealed class PreAcceptedWebSocketFeature(WebSocket socket, string? protocol) : IHttpWebSocketFeature
{
    private int _accepted;

    public bool IsWebSocketRequest => true;

    /// <summary>Whether endpoint code took the socket; if not, WsAuth disposes it when the endpoint returns.</summary>
    public bool Accepted => Volatile.Read(ref _accepted) != 0;

    public Task<WebSocket> AcceptAsync(WebSocketAcceptContext context)
    {
        if (context?.SubProtocol is { } requested && !string.Equals(requested, protocol, StringComparison.Ordinal))
        {
            // The requested value is not echoed: it may be an entry the client offered with a credential in it.
            throw new InvalidOperationException(
                "WsAuth already accepted this WebSocket to read its first message, answering subprotocol "
                + (protocol is null ? "none" : "\"" + protocol + "\"")
                + ", and the endpoint asked for another one. Declare the endpoint's subprotocols with "
                + ".WithWebSocketSubprotocols(\"your.protocol\") (or [WebSocketSubprotocols]) so that WsAuth answers it, "
                + "and accept with that protocol or none.");
        }

        if (Interlocked.Exchange(ref _accepted, 1) != 0)
        {
            throw new InvalidOperationException("The WebSocket has already been accepted.");
        }

        return Task.FromResult(socket);
    }
}
