using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace WsAuth.Internal;

/// <summary>
/// Replaces <see cref="IHttpWebSocketFeature"/> on an authenticated handshake so that endpoint code accepts the socket
/// through WsAuth: it can only answer with a subprotocol the client offered (never a hidden credential entry), and
/// when it chooses none the authenticator's fallback protocol is answered, as Chrome requires. The accepted socket is
/// handed to <paramref name="onAccepted"/>, which counts the session and wraps it in a session when one applies.
/// </summary>
internal sealed class GuardedWebSocketFeature(
    IHttpWebSocketFeature inner,
    WebSocketAuthenticateContext handshake,
    IAcceptedWebSocketObserver? onAccepted = null)
    : IHttpWebSocketFeature
{
    public bool IsWebSocketRequest => inner.IsWebSocketRequest;

    public Task<WebSocket> AcceptAsync(WebSocketAcceptContext acceptContext)
    {
        var chosen = acceptContext?.SubProtocol;
        if (chosen is null && handshake.FallbackProtocol is not null)
        {
            // A copy, never the caller's instance: AcceptWebSocketAsync() without a protocol passes one static
            // WebSocketAcceptContext shared by every request in the process.
            acceptContext = WithSubProtocol(acceptContext, handshake.FallbackProtocol);
        }
        else if (chosen is not null && !Contains(handshake.RequestedProtocols, chosen))
        {
            // The chosen value is not echoed: it may be a credential the client offered.
            throw new InvalidOperationException(
                "The endpoint accepted the WebSocket with a subprotocol the client did not offer (or one WsAuth hid because it "
                + "carries a credential). Choose one of HttpContext.WebSockets.WebSocketRequestedProtocols, or none.");
        }

        return AcceptCoreAsync(acceptContext ?? new WebSocketAcceptContext());
    }

    private async Task<WebSocket> AcceptCoreAsync(WebSocketAcceptContext acceptContext)
    {
        WebSocket socket;
        try
        {
            socket = await inner.AcceptAsync(acceptContext);
        }
        catch (InvalidOperationException ex) when (!handshake.HttpContext.Response.HasStarted)
        {
            // Kestrel throws when its upgraded-connection limit is reached: WsAuth answers 503, not a 500.
            throw new WebSocketUpgradeRefusedException(ex);
        }

        // Accepted: nothing is left to guard (a second accept fails in the server), so the request keeps the server's
        // feature and not this one with the handshake it holds, which would otherwise live as long as the socket.
        // HttpContext.WebSockets caches the feature it accepted through: a read makes it fetch the server's again.
        var context = handshake.HttpContext;
        context.Features.Set(inner);
        _ = context.WebSockets.IsWebSocketRequest;

        return onAccepted is null ? socket : onAccepted.Accepted(socket);
    }

    private static WebSocketAcceptContext WithSubProtocol(WebSocketAcceptContext? original, string? subProtocol)
    {
        if (original is null)
        {
            return new WebSocketAcceptContext { SubProtocol = subProtocol };
        }

        return new WebSocketAcceptContext
        {
            SubProtocol = subProtocol,
            KeepAliveInterval = original.KeepAliveInterval,
            KeepAliveTimeout = original.KeepAliveTimeout,
            DangerousEnableCompression = original.DangerousEnableCompression,
            DisableServerContextTakeover = original.DisableServerContextTakeover,
            ServerMaxWindowBits = original.ServerMaxWindowBits,
        };
    }

    internal static bool Contains(IReadOnlyList<string> list, string value)
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
