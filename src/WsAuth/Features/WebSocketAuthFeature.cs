using System.Security.Claims;

namespace WsAuth.Internal;

internal sealed class WebSocketAuthFeature(ClaimsPrincipal user, string method, DateTimeOffset? expiresAt, string? origin)
    : IWebSocketAuthFeature
{
    public ClaimsPrincipal User { get; set; } = user;

    public string Method { get; } = method;

    public DateTimeOffset? ExpiresAt { get; set; } = expiresAt;

    public string? Origin { get; } = origin;
}
