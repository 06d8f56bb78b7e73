using System.Globalization;
using System.Security.Claims;

namespace WsAuth.Internal;

/// <summary>
/// Who a revocation is about and when a credential was issued. The subject is the one rule sessions use
/// (<see cref="SessionSubject.Of"/>), so a change of that rule (issuer and subject) flows into revocation.
/// </summary>
internal static class RevocationIdentity
{
    public static string? SubjectOf(ClaimsPrincipal? principal) => SessionSubject.Of(principal);

    /// <summary>The credential's issue time: what the authenticator said, else the principal's <c>iat</c> claim, else unknown.</summary>
    public static DateTimeOffset? IssuedAt(DateTimeOffset? reported, ClaimsPrincipal? principal)
    {
        if (reported is not null)
        {
            return reported;
        }

        if (principal?.FindFirst("iat")?.Value is { } iat
            && long.TryParse(iat, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            && seconds <= DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return DateTimeOffset.FromUnixTimeSeconds(seconds);
        }

        return null;
    }
}

/// <summary>What the revocation check says of a credential.</summary>
internal enum RevocationVerdict
{
    Allowed,
    Revoked,

    /// <summary>This instance cannot be sure it knows every revocation, and the options say to refuse then.</summary>
    Unavailable,
}
