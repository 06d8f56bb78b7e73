using System.Security.Claims;

namespace WsAuth;

/// <summary>
/// Ends users' WebSocket sessions and refuses their earlier credentials, on every instance that shares the revocation
/// backplane. Resolve it from DI after <c>AddRevocation()</c> (plus <c>AddPostgresRevocation(...)</c> or
/// <c>AddRedisRevocation(...)</c> for several instances); call it from the app's logout, password change or admin code.
/// </summary>
/// <remarks>
/// <para>A user is identified as WsAuth identifies the user of a session (the rule in-band refresh uses): the
/// <c>sub</c> claim, else <see cref="ClaimTypes.NameIdentifier"/>. The overloads that take a
/// <see cref="ClaimsPrincipal"/> apply that rule for you; prefer them.</para>
/// <para>Sockets WsAuth closes because of a call here get close code 4401 with reason <c>revoked</c>; a handshake or
/// refresh with a revoked credential gets 401 <c>revoked</c>.</para>
/// <para>Each call acts on this instance before it returns, then goes through the backplane; an exception means the
/// other instances may not have been told (this one has been): retry.</para>
/// </remarks>
public interface IWebSocketRevocation
{
    /// <summary>
    /// Revokes every credential of the user issued before <paramref name="issuedBefore"/> (tokens by <c>iat</c>, cookies
    /// by their issue time, tickets by the issue time of the credential that obtained them) and closes the user's
    /// sockets that were opened or last refreshed with one of them. The record is kept in the shared store until
    /// every such credential would have expired anyway (<see cref="WebSocketRevocationOptions.MaxCredentialLifetime"/>).
    /// </summary>
    /// <param name="subject">The user's subject (see the remarks of <see cref="IWebSocketRevocation"/>); at most 1024 characters.</param>
    /// <param name="issuedBefore">The instant before which credentials are revoked; <see langword="null"/> means now.</param>
    /// <param name="reason">An optional reason code for logs (1 to 64 characters of <c>a-z</c>, <c>0-9</c>, <c>_</c>, <c>.</c>, <c>-</c>); never sent to clients.</param>
    /// <param name="cancellationToken">Cancels waiting for the backplane.</param>
    /// <returns>A task that completes when the revocation is stored and published.</returns>
    /// <exception cref="ArgumentException">The subject is empty or too long, or the reason is not a reason code.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their required first parameter (a subject or a principal), so no call is ambiguous.")]
    Task RevokeAsync(string subject, DateTimeOffset? issuedBefore = null, string? reason = null, CancellationToken cancellationToken = default);

    /// <summary>Revokes the credentials of the user <paramref name="user"/> is, issued before <paramref name="issuedBefore"/>; see <see cref="RevokeAsync(string, DateTimeOffset?, string?, CancellationToken)"/>.</summary>
    /// <param name="user">The user, typically <c>HttpContext.User</c>.</param>
    /// <param name="issuedBefore">The instant before which credentials are revoked; <see langword="null"/> means now.</param>
    /// <param name="reason">An optional reason code for logs.</param>
    /// <param name="cancellationToken">Cancels waiting for the backplane.</param>
    /// <returns>A task that completes when the revocation is stored and published.</returns>
    /// <exception cref="ArgumentException">The principal has no subject (no <c>sub</c> or name identifier claim).</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their required first parameter (a subject or a principal), so no call is ambiguous.")]
    Task RevokeAsync(ClaimsPrincipal user, DateTimeOffset? issuedBefore = null, string? reason = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Closes every socket of the user on every instance, without revoking credentials: the client may reconnect with
    /// the credential it has (use <see cref="RevokeAsync(string, DateTimeOffset?, string?, CancellationToken)"/> to refuse it).
    /// </summary>
    /// <param name="subject">The user's subject.</param>
    /// <param name="reason">An optional reason code for logs.</param>
    /// <param name="cancellationToken">Cancels waiting for the backplane.</param>
    /// <returns>A task that completes when the request is published.</returns>
    /// <exception cref="ArgumentException">The subject is empty or too long, or the reason is not a reason code.</exception>
    Task DisconnectUserAsync(string subject, string? reason = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Whether a credential of <paramref name="user"/> issued at <paramref name="issuedAt"/> is revoked, as this instance
    /// knows now (no I/O). Use it to refuse revoked cookies or tokens on the app's own HTTP endpoints as WsAuth refuses
    /// them at the handshake. A credential with no known issue time is revoked while its user has a live revocation.
    /// </summary>
    /// <param name="user">The user.</param>
    /// <param name="issuedAt">When the credential was issued (a cookie's <c>AuthenticationProperties.IssuedUtc</c>, a JWT's <c>iat</c>), if known.</param>
    /// <returns><see langword="true"/> when the credential must be refused.</returns>
    bool IsRevoked(ClaimsPrincipal user, DateTimeOffset? issuedAt);

    /// <summary>Closes one session (socket) on whichever instance holds it.</summary>
    /// <param name="sessionId">The session's id, <see cref="IWebSocketAuthFeature.SessionId"/>.</param>
    /// <param name="reason">An optional reason code for logs.</param>
    /// <param name="cancellationToken">Cancels waiting for the backplane.</param>
    /// <returns>A task that completes when the request is published.</returns>
    /// <exception cref="ArgumentException">The session id is empty or too long, or the reason is not a reason code.</exception>
    Task DisconnectSessionAsync(string sessionId, string? reason = null, CancellationToken cancellationToken = default);
}
