using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using WsAuth.Internal;

namespace WsAuth;

/// <summary>The outcome of one <see cref="IWebSocketAuthenticator"/>.</summary>
public sealed class WebSocketAuthenticateResult
{
    private WebSocketAuthenticateResult(ClaimsPrincipal? principal, DateTimeOffset? expiresAt, string? failureReason, int statusCode, DateTimeOffset? issuedAt = null)
    {
        Principal = principal;
        ExpiresAt = expiresAt;
        IssuedAt = issuedAt;
        FailureReason = failureReason;
        StatusCode = statusCode;
    }

    /// <summary>The request carries no credential for this authenticator; the next one runs.</summary>
    public static WebSocketAuthenticateResult NoCredentials { get; } = new(null, null, null, StatusCodes.Status401Unauthorized);

    /// <summary>Whether the credential was valid.</summary>
    [MemberNotNullWhen(true, nameof(Principal))]
    public bool Succeeded => Principal is not null;

    /// <summary>Whether a credential was presented but rejected.</summary>
    [MemberNotNullWhen(true, nameof(FailureReason))]
    public bool Failed => FailureReason is not null;

    /// <summary>The authenticated user, when <see cref="Succeeded"/>.</summary>
    public ClaimsPrincipal? Principal { get; }

    /// <summary>When the credential stops being valid, if it has an end; the session is closed then unless refreshed.</summary>
    public DateTimeOffset? ExpiresAt { get; }

    /// <summary>
    /// When the credential was issued, if known (a JWT's <c>iat</c>, a cookie's issue time); revocation compares it with
    /// the instant a user was revoked. When <see langword="null"/>, WsAuth reads the principal's <c>iat</c> claim, and a
    /// credential with no known issue time counts as revoked while its user has a revocation.
    /// </summary>
    public DateTimeOffset? IssuedAt { get; }

    /// <summary>A short machine-readable reason (see <see cref="WebSocketAuthFailureReasons"/>), when <see cref="Failed"/>.</summary>
    public string? FailureReason { get; }

    /// <summary>The HTTP status sent before the upgrade when <see cref="Failed"/>.</summary>
    public int StatusCode { get; }

    /// <summary>A valid credential.</summary>
    /// <param name="principal">The authenticated user; its identity must be authenticated.</param>
    /// <param name="expiresAt">When the credential expires, if it does.</param>
    /// <param name="issuedAt">When the credential was issued, if known (see <see cref="IssuedAt"/>).</param>
    /// <returns>A successful result.</returns>
    /// <exception cref="ArgumentException">The principal has no authenticated identity.</exception>
    public static WebSocketAuthenticateResult Success(ClaimsPrincipal principal, DateTimeOffset? expiresAt = null, DateTimeOffset? issuedAt = null)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (principal.Identity?.IsAuthenticated != true)
        {
            throw new ArgumentException("The principal must have an authenticated identity (a ClaimsIdentity created with an authenticationType).", nameof(principal));
        }

        return new(principal, expiresAt, null, StatusCodes.Status101SwitchingProtocols, issuedAt);
    }

    /// <summary>A credential that is present but not valid.</summary>
    /// <param name="reason">
    /// A short machine-readable reason: 1 to 64 characters of <c>a-z</c>, <c>0-9</c>, <c>_</c>, <c>.</c> and <c>-</c>,
    /// such as <see cref="WebSocketAuthFailureReasons.InvalidCredentials"/>. It is logged, counted in metrics and sent to
    /// the client, so it must never contain the credential.
    /// </param>
    /// <param name="statusCode">The HTTP status, 400 to 599. Defaults to 401.</param>
    /// <returns>A failed result.</returns>
    /// <exception cref="ArgumentException">The reason or status code is outside the allowed range.</exception>
    public static WebSocketAuthenticateResult Fail(string reason, int statusCode = StatusCodes.Status401Unauthorized)
    {
        ReasonCode.ThrowIfInvalidRejection(reason, statusCode);

        return new(null, null, reason, statusCode);
    }
}
