namespace WsAuth;

/// <summary>What the Origin check found for a handshake that passed it.</summary>
public enum WebSocketOriginStatus
{
    /// <summary>A single origin on the allow-list (or any origin when <see cref="WebSocketAuthOptions.AllowAnyOrigin"/> is set).</summary>
    Allowed,

    /// <summary>
    /// No <c>Origin</c> header: a non-browser client (browsers always send one on a WebSocket handshake). Only reached
    /// when <see cref="WebSocketAuthOptions.MissingOrigin"/> allows it; ambient credentials are never accepted then.
    /// </summary>
    Missing,

    /// <summary>
    /// The opaque origin <c>null</c>. Only reached when <see cref="WebSocketAuthOptions.AllowNullOrigin"/> is set; ambient
    /// credentials are never accepted then.
    /// </summary>
    Null,
}
