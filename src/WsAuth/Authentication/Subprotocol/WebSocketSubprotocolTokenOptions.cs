namespace WsAuth;

/// <summary>
/// Options of the subprotocol token authenticator (<c>AddSubprotocolToken()</c>), bound from
/// <c>WsAuth:SubprotocolToken</c>. Two formats are recognized in <c>Sec-WebSocket-Protocol</c>: a marker protocol
/// followed by the token, and a prefix followed by the unpadded base64url of the token.
/// </summary>
public sealed class WebSocketSubprotocolTokenOptions
{
    /// <summary>
    /// The marker protocol: the entry after it is the token, as in
    /// <c>new WebSocket(url, ["chat.v1", "access_token", token])</c>. The server answers the app's protocol, or the marker
    /// when the endpoint picks none. Set to <see langword="null"/> to turn the marker format off.
    /// </summary>
    /// <value>Defaults to <c>access_token</c> (<see cref="WebSocketAuthDefaults.SubprotocolTokenMarker"/>).</value>
    public string? Marker { get; set; } = WebSocketAuthDefaults.SubprotocolTokenMarker;

    /// <summary>
    /// Prefixes of a single-entry token: the rest of the entry is the unpadded base64url of the token, as in
    /// <c>base64url.bearer.authorization.k8s.io.&lt;base64url(token)&gt;</c> (Kubernetes) or
    /// <c>base64url.bearer.phx.&lt;base64url(token)&gt;</c> (Phoenix). The client must offer another protocol too, which the
    /// server answers.
    /// </summary>
    /// <value>Contains <see cref="WebSocketAuthDefaults.KubernetesSubprotocolTokenPrefix"/> by default; clear it to turn the format off.</value>
    public IList<string> Prefixes { get; } = new List<string> { WebSocketAuthDefaults.KubernetesSubprotocolTokenPrefix };
}
