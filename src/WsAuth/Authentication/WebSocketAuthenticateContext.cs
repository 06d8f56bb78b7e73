using Microsoft.AspNetCore.Http;
using WsAuth.Internal;

namespace WsAuth;

/// <summary>A WebSocket handshake that passed the Origin check, as seen by the authenticators.</summary>
public sealed class WebSocketAuthenticateContext
{
    private List<string>? _requestedProtocols;
    private bool _protocolsChanged;

    internal WebSocketAuthenticateContext(HttpContext httpContext, WebSocketOriginStatus originStatus, string? origin)
    {
        HttpContext = httpContext;
        OriginStatus = originStatus;
        Origin = origin;
    }

    /// <summary>The handshake request.</summary>
    public HttpContext HttpContext { get; }

    /// <summary>The name of the authenticator now running, as it was registered (<c>"ticket"</c>, <c>"cookie"</c>...).</summary>
    public string Method { get; internal set; } = string.Empty;

    /// <summary>What the Origin check found.</summary>
    public WebSocketOriginStatus OriginStatus { get; }

    /// <summary>The normalized origin (<c>https://app.example.com</c>), <c>"null"</c>, or <see langword="null"/> when absent.</summary>
    public string? Origin { get; }

    /// <summary>
    /// The subprotocols the client offered in <c>Sec-WebSocket-Protocol</c>, in order, without the entries that
    /// authenticators hid with <see cref="HideRequestedProtocol"/>.
    /// </summary>
    public IReadOnlyList<string> RequestedProtocols => _requestedProtocols ??= ProtocolList.Parse(HttpContext.Request.Headers.SecWebSocketProtocol);

    /// <summary>
    /// The subprotocol answered when the endpoint accepts without choosing one, such as the marker protocol that announced
    /// a token. It must be a protocol the client offered that carries no credential: one of <see cref="RequestedProtocols"/>,
    /// or an entry the authenticator hid only to keep it from endpoint code (a marker).
    /// </summary>
    public string? FallbackProtocol { get; set; }

    internal bool ProtocolsChanged => _protocolsChanged;

    /// <summary>
    /// Hides an offered subprotocol entry that carries a credential: endpoint code will not see it in
    /// <c>WebSocketRequestedProtocols</c> and can never answer with it.
    /// </summary>
    /// <param name="protocol">The entry exactly as offered.</param>
    /// <returns>Whether the entry was offered and is now hidden.</returns>
    public bool HideRequestedProtocol(string protocol)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        _requestedProtocols ??= ProtocolList.Parse(HttpContext.Request.Headers.SecWebSocketProtocol);
        var removed = _requestedProtocols.Remove(protocol);
        _protocolsChanged |= removed;
        return removed;
    }
}
