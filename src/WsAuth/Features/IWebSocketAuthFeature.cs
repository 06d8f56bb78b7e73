using System.Security.Claims;

namespace WsAuth;

/// <summary>
/// Who a WebSocket handshake authenticated as, and how. Set on <c>HttpContext.Features</c> before endpoint code runs;
/// read it with <c>HttpContext.Features.Get&lt;IWebSocketAuthFeature&gt;()</c> or <c>HttpContext.GetWebSocketAuth()</c>.
/// </summary>
public interface IWebSocketAuthFeature
{
    /// <summary>The authenticated user (also set as <c>HttpContext.User</c>).</summary>
    ClaimsPrincipal User { get; }

    /// <summary>The name of the authenticator that accepted the handshake (<c>"ticket"</c>, <c>"cookie"</c>...).</summary>
    string Method { get; }

    /// <summary>When the credential expires, if it does; moved forward by an in-band refresh.</summary>
    DateTimeOffset? ExpiresAt { get; }

    /// <summary>The normalized origin of the handshake, <c>"null"</c>, or <see langword="null"/> when absent.</summary>
    string? Origin { get; }

    /// <summary>
    /// The id of this socket's session when revocation is on (<c>AddRevocation()</c>): pass it to
    /// <see cref="IWebSocketRevocation.DisconnectSessionAsync"/> to close just this socket, on whichever instance holds it.
    /// An opaque random string, not a secret; <see langword="null"/> when revocation is off.
    /// </summary>
    string? SessionId => null;
}
