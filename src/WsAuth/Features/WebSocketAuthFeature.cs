using System.Security.Claims;

namespace WsAuth.Internal;

internal sealed class WebSocketAuthFeature(ClaimsPrincipal user, string method, DateTimeOffset? expiresAt, string? origin)
    : IWebSocketAuthFeature
{
    public ClaimsPrincipal User { get; set; } = user;

    public string Method { get; } = method;

    public DateTimeOffset? ExpiresAt { get; set; } = expiresAt;

    public string? Origin { get; } = origin;

    public string? SessionId { get; init; }

    /// <summary>When the credential the socket runs on was issued, if known; moved by a refresh.</summary>
    public DateTimeOffset? IssuedAt { get; set; }
}
