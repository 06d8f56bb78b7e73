using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace WsAuth.Internal;

/// <summary>
/// Replaces <see cref="IHttpWebSocketFeature"/> on an authenticated handshake so that endpoint code accepts the socket
/// through WsAuth: it can only answer with a subprotocol the client offered (never a hidden credential entry), and
/// when it chooses none the authenticator's fallback protocol is answered, as Chrome requires.
/// </summary>
internal sealed class GuardedWebSocketFeature(IHttpWebSocketFeature inner, WebSocketAuthenticateContext handshake)
    : IHttpWebSocketFeature
{
    public bool IsWebSocketRequest => inner.IsWebSocketRequest;

    public Task<WebSocket> AcceptAsync(WebSocketAcceptContext acceptContext)
    {
        acceptContext ??= new WebSocketAcceptContext();
        var chosen = acceptContext.SubProtocol;
        if (chosen is null)
        {
            if (handshake.FallbackProtocol is { } fallback)
            {
                // A copy, never a write: HttpContext.WebSockets.AcceptWebSocketAsync() passes one static instance shared by
                // every request in the process, so writing to it would answer this protocol on other sockets.
                acceptContext = WithSubProtocol(acceptContext, fallback);
            }
        }
        else if (!Contains(handshake.RequestedProtocols, chosen))
        {
            // The chosen value is not echoed: it may be a credential the client offered.
            throw new InvalidOperationException(
                "The endpoint accepted the WebSocket with a subprotocol the client did not offer (or one WsAuth hid because it "
                + "carries a credential). Choose one of HttpContext.WebSockets.WebSocketRequestedProtocols, or none.");
        }

        return inner.AcceptAsync(acceptContext);
    }

    private static WebSocketAcceptContext WithSubProtocol(WebSocketAcceptContext source, string subProtocol) => new()
    {
        SubProtocol = subProtocol,
        KeepAliveInterval = source.KeepAliveInterval,
        KeepAliveTimeout = source.KeepAliveTimeout,
        DangerousEnableCompression = source.DangerousEnableCompression,
        DisableServerContextTakeover = source.DisableServerContextTakeover,
        ServerMaxWindowBits = source.ServerMaxWindowBits,
    };

    private static bool Contains(IReadOnlyList<string> list, string value)
    {
        foreach (var item in list)
        {
            if (string.Equals(item, value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
