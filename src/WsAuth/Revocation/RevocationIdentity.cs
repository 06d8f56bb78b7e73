using System.Globalization;
using System.Security.Claims;

namespace WsAuth.Internal;

/// <summary>
/// Who a revocation is about and when a credential was issued. Unlike refresh and the per-user limits, which tell the
/// same subject from two issuers apart (<see cref="SessionSubject.Of"/>), revocation is keyed by the subject alone
/// (<see cref="SessionSubject.SubjectOnly"/>), across every issuer the app trusts: it errs towards refusing more, so a
/// revocation by user id can never miss a credential because of who issued it (a login cookie has no issuer, the same
/// user's JWT has one; revoking either revokes both).
/// </summary>
internal static class RevocationIdentity
{
    public static string? SubjectOf(ClaimsPrincipal? principal) => SessionSubject.SubjectOnly(principal);

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
