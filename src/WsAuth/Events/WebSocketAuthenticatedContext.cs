using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using WsAuth.Internal;

namespace WsAuth;

/// <summary>The context of <see cref="WebSocketAuthEvents.OnAuthenticated"/>.</summary>
public sealed class WebSocketAuthenticatedContext
{
    internal WebSocketAuthenticatedContext(HttpContext httpContext, string method, ClaimsPrincipal principal, DateTimeOffset? expiresAt)
    {
        HttpContext = httpContext;
        Method = method;
        Principal = principal;
        ExpiresAt = expiresAt;
    }

    /// <summary>The handshake request.</summary>
    public HttpContext HttpContext { get; }

    /// <summary>The name of the authenticator that accepted the handshake.</summary>
    public string Method { get; }

    /// <summary>The authenticated user. Replace it to add claims.</summary>
    public ClaimsPrincipal Principal { get; set; }

    /// <summary>When the credential expires, if it does. May be shortened, for example to cap session length.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>The reason given to <see cref="Reject"/>, if it was called.</summary>
    public string? RejectionReason { get; private set; }

    /// <summary>The status given to <see cref="Reject"/>.</summary>
    public int RejectionStatusCode { get; private set; } = StatusCodes.Status403Forbidden;

    /// <summary>Whether <see cref="Reject"/> was called.</summary>
    [MemberNotNullWhen(true, nameof(RejectionReason))]
    public bool IsRejected => RejectionReason is not null;

    /// <summary>Rejects the handshake although the credential was valid.</summary>
    /// <param name="reason">A machine-readable reason; the same rules as <see cref="WebSocketAuthenticateResult.Fail"/>.</param>
    /// <param name="statusCode">The HTTP status, 400 to 599. Defaults to 403.</param>
    /// <exception cref="ArgumentException">The reason or status code is outside the allowed range.</exception>
    public void Reject(string reason, int statusCode = StatusCodes.Status403Forbidden)
    {
        ReasonCode.ThrowIfInvalidRejection(reason, statusCode);

        RejectionReason = reason;
        RejectionStatusCode = statusCode;
    }
}
