using System.Security.Claims;

namespace WsAuth.Internal;

/// <summary>
/// Who a principal is, for comparing the user of a refresh token with the user of the session: the <c>sub</c> claim, or
/// else the <see cref="ClaimTypes.NameIdentifier"/> claim (which is what <c>sub</c> becomes under the classic inbound
/// claim mapping, and what cookie sign-ins usually carry).
/// </summary>
internal static class SessionSubject
{
    public const string SubClaim = "sub";

    public static string? Of(ClaimsPrincipal? principal)
    {
        if (principal is null)
        {
            return null;
        }

        var value = principal.FindFirst(SubClaim)?.Value ?? principal.FindFirst(ClaimTypes.NameIdentifier)?.Value;
        return string.IsNullOrEmpty(value) ? null : value;
    }

    /// <summary>The key of the per-user rate limit: the subject, else the name.</summary>
    public static string? RateLimitKeyOf(ClaimsPrincipal principal)
    {
        var subject = Of(principal);
        if (subject is not null)
        {
            return subject;
        }

        var name = principal.Identity?.Name;
        return string.IsNullOrEmpty(name) ? null : "name:" + name;
    }
}
