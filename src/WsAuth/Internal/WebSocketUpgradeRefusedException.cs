namespace WsAuth.Internal;

/// <summary>
/// The server refused to upgrade an authenticated handshake before any response was sent, typically because Kestrel's
/// <c>MaxConcurrentUpgradedConnections</c> was reached. WsAuth answers 503 with <c>Retry-After</c> instead of a 500.
/// </summary>
internal sealed class WebSocketUpgradeRefusedException(Exception inner)
    : InvalidOperationException("The server refused the WebSocket upgrade (is MaxConcurrentUpgradedConnections reached?).", inner);
