namespace WsAuth;

/// <summary>
/// Authenticates a WebSocket handshake from one kind of credential (a ticket, a cookie, a token in a header, the query
/// or <c>Sec-WebSocket-Protocol</c>). Authenticators run in registration order before the upgrade; the first one that
/// finds a credential decides.
/// </summary>
/// <remarks>
/// <para>Return <see cref="WebSocketAuthenticateResult.NoCredentials"/> when the request carries nothing for this
/// authenticator, <see cref="WebSocketAuthenticateResult.Success(System.Security.Claims.ClaimsPrincipal, DateTimeOffset?, DateTimeOffset?)"/> for a valid credential and
/// <see cref="WebSocketAuthenticateResult.Fail"/> for one that is present but not valid: a presented bad credential is
/// never silently replaced by another method.</para>
/// <para>Handle your own exceptions: a thrown exception rejects the handshake with 500, and WsAuth logs only the
/// exception type (messages can carry credentials). Never put a credential in a failure reason.</para>
/// <para>Implementations are resolved from dependency injection as singletons.</para>
/// </remarks>
public interface IWebSocketAuthenticator
{
    /// <summary>Authenticates the handshake described by <paramref name="context"/>.</summary>
    /// <param name="context">The handshake: its <see cref="Microsoft.AspNetCore.Http.HttpContext"/>, checked origin and offered subprotocols.</param>
    /// <param name="cancellationToken">Signalled when the client goes away.</param>
    /// <returns>The outcome; never <see langword="null"/>.</returns>
    ValueTask<WebSocketAuthenticateResult> AuthenticateAsync(WebSocketAuthenticateContext context, CancellationToken cancellationToken);
}
