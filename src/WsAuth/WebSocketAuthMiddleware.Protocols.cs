using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace WsAuth.Internal;

internal sealed partial class WebSocketAuthMiddleware
{
    private static void ApplyHiddenProtocols(HttpContext context, WebSocketAuthenticateContext handshake)
    {
        if (handshake.ProtocolsChanged)
        {
            context.Request.Headers.SecWebSocketProtocol = handshake.RequestedProtocols.Count == 0
                ? default
                : string.Join(", ", handshake.RequestedProtocols);
        }
    }

    /// <summary>
    /// The subprotocol WsAuth answers when it accepts a socket itself: the first protocol the endpoint declares (with
    /// <see cref="WebSocketSubprotocolsAttribute"/>) that the client offered, else the authenticator's fallback
    /// protocol, else none. Never an undeclared offered entry: it could be a credential.
    /// </summary>
    private static string? ChooseProtocol(Endpoint? endpoint, WebSocketAuthenticateContext handshake)
    {
        var offered = handshake.RequestedProtocols;
        if (offered.Count == 0)
        {
            return null;
        }

        if (endpoint?.Metadata.GetMetadata<WebSocketSubprotocolsAttribute>() is { } declared)
        {
            foreach (var protocol in declared.Protocols)
            {
                if (GuardedWebSocketFeature.Contains(offered, protocol))
                {
                    return protocol;
                }
            }
        }

        return handshake.FallbackProtocol is { } fallback && GuardedWebSocketFeature.Contains(offered, fallback) ? fallback : null;
    }
}
