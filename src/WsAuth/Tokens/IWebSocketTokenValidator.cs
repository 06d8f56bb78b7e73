using Microsoft.AspNetCore.Http;

namespace WsAuth;

/// <summary>
/// Validates a bearer token wherever WsAuth finds one: the <c>Authorization</c> header, the query string, a
/// <c>Sec-WebSocket-Protocol</c> entry, a first message or an in-band refresh message. The default implementation
/// validates JWTs; register your own to accept opaque tokens.
/// </summary>
/// <remarks>
/// Return <see cref="WebSocketAuthenticateResult.Success(System.Security.Claims.ClaimsPrincipal, DateTimeOffset?, DateTimeOffset?)"/> with the token's expiry (the session is closed then unless
/// refreshed) or <see cref="WebSocketAuthenticateResult.Fail"/> with a fixed reason code. Never put the token, or an
/// exception message that may contain it, in a reason or a log line.
/// </remarks>
public interface IWebSocketTokenValidator
{
    /// <summary>Validates <paramref name="token"/>.</summary>
    /// <param name="token">The token as received, already decoded from its transport (never empty).</param>
    /// <param name="context">The handshake request (still available during the session, for refresh messages).</param>
    /// <param name="cancellationToken">Signalled when the client goes away.</param>
    /// <returns>Success with the principal and expiry, or a failure with a reason.</returns>
    ValueTask<WebSocketAuthenticateResult> ValidateAsync(string token, HttpContext context, CancellationToken cancellationToken);
}
