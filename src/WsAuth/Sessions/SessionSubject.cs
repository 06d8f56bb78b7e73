using System.Globalization;
using System.Security.Claims;

namespace WsAuth.Internal;

/// <summary>
/// Who a principal is: the pair (issuer, subject) wherever an issuer exists, else the subject alone. The subject is the
/// <c>sub</c> claim, or else the <see cref="ClaimTypes.NameIdentifier"/> claim (what <c>sub</c> becomes under the
/// classic inbound claim mapping, and what cookie sign-ins usually carry); the issuer is the <c>iss</c> claim, or else
/// the issuer the token handler recorded on the subject claim. The same subject from two issuers is two users: for
/// refresh, for the per-user limits, and for anything keyed by user later (revocation). This is the only place that
/// decides it.
/// </summary>
internal static class SessionSubject
{
    public const string SubClaim = "sub";
    public const string IssClaim = "iss";

    public static string? Of(ClaimsPrincipal? principal)
    {
        if (principal is null)
        {
            return null;
        }

        var claim = principal.FindFirst(SubClaim) ?? principal.FindFirst(ClaimTypes.NameIdentifier);
        if (claim is null || string.IsNullOrEmpty(claim.Value))
        {
            return null;
        }

        var issuer = IssuerOf(principal, claim);

        // Length-prefixed, so that no issuer and subject can spell another pair.
        return issuer is null ? claim.Value : string.Concat(issuer.Length.ToString(CultureInfo.InvariantCulture), ":", issuer, claim.Value);
    }

    /// <summary>
    /// The subject claim alone (<c>sub</c>, else the name identifier), whoever issued it: the key of revocation (see
    /// <c>RevocationIdentity</c>).
    /// </summary>
    public static string? SubjectOnly(ClaimsPrincipal? principal)
        => (principal?.FindFirst(SubClaim) ?? principal?.FindFirst(ClaimTypes.NameIdentifier))?.Value is { Length: > 0 } subject ? subject : null;

    /// <summary>The key of the per-user rate limits: the identity (issuer and subject), else the name.</summary>
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

    private static string? IssuerOf(ClaimsPrincipal principal, Claim subject)
    {
        var iss = principal.FindFirst(IssClaim)?.Value;
        if (!string.IsNullOrEmpty(iss))
        {
            return iss;
        }

        return subject.Issuer is { Length: > 0 } recorded && !string.Equals(recorded, ClaimsIdentity.DefaultIssuer, StringComparison.Ordinal)
            ? recorded
            : null;
    }
}
