namespace WsAuth;

/// <summary>
/// Endpoint metadata: the subprotocols the endpoint speaks, in order of preference. WsAuth answers one of them when it
/// accepts the socket itself (the first-message method, and <see cref="WebSocketRejectionMode.CloseAfterUpgrade"/>): the
/// first of these that the client offered. Without it WsAuth answers only an authenticator's fallback protocol, never an
/// offered entry it cannot tell from a credential.
/// </summary>
/// <param name="protocols">The subprotocols, in order of preference.</param>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class WebSocketSubprotocolsAttribute(params string[] protocols) : Attribute
{
    /// <summary>The subprotocols the endpoint speaks, in order of preference.</summary>
    public IReadOnlyList<string> Protocols { get; } = protocols ?? [];
}
