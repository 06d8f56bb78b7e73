using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace WsAuth.Internal;

/// <summary>
/// Decides which requests WsAuth guards: every request that is, or claims to be, a WebSocket handshake. Deliberately a
/// superset of what ASP.NET Core's WebSocket middleware would accept, so nothing it upgrades escapes the guard.
/// </summary>
internal static class WebSocketRequestDetector
{
    public static bool IsWebSocketHandshake(HttpContext context)
    {
        var features = context.Features;

        // HTTP/1.1: Connection: Upgrade with Upgrade: websocket.
        if (features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true }
            && ContainsWebSocketToken(context.Request.Headers.Upgrade))
        {
            return true;
        }

        // HTTP/2 (RFC 8441) and HTTP/3 (RFC 9220): extended CONNECT with :protocol websocket.
        if (features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true } connect
            && string.Equals(connect.Protocol, "websocket", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        // Whatever the installed WebSocket feature (ASP.NET Core's, a test server's) says is a WebSocket request.
        return features.Get<IHttpWebSocketFeature>() is { IsWebSocketRequest: true };
    }

    private static bool ContainsWebSocketToken(Microsoft.Extensions.Primitives.StringValues values)
    {
        foreach (var value in values)
        {
            if (value is not null && value.Contains("websocket", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
