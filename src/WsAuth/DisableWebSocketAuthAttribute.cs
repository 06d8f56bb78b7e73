namespace WsAuth;

/// <summary>
/// Endpoint metadata: WsAuth does not guard WebSocket handshakes to this endpoint at all (no Origin check, no
/// authentication). Wins over <see cref="RequireWebSocketAuthAttribute"/>. Use only for public sockets.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class DisableWebSocketAuthAttribute : Attribute
{
    internal static readonly DisableWebSocketAuthAttribute Instance = new();
}
