using System.Net.WebSockets;

namespace WsAuth.Internal;

/// <summary>
/// What <see cref="GuardedWebSocketFeature"/> hands the accepted socket to: the middleware's per-handshake state, which
/// counts the session open and wraps the socket when a session applies (an interface, so no delegate per handshake).
/// </summary>
internal interface IAcceptedWebSocketObserver
{
    /// <summary>Called once with the socket the endpoint accepted; returns the socket endpoint code gets.</summary>
    WebSocket Accepted(WebSocket socket);
}
