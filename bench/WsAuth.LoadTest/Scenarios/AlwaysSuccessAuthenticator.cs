using System.Security.Claims;

namespace WsAuth.LoadTest.Scenarios;

/// <summary>
/// Authenticates every handshake as one shared principal, so that only WsAuth's own guard is measured. The session has
/// an expiry (a day after the server started), so that expiry handling is on wherever WsAuth has it.
/// </summary>
internal sealed class AlwaysSuccessAuthenticator : IWebSocketAuthenticator
{
    private static readonly ClaimsPrincipal User = new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "bench")], "bench"));
    private static readonly WebSocketAuthenticateResult Result = WebSocketAuthenticateResult.Success(User, TimeProvider.System.GetUtcNow().AddDays(1));

    public ValueTask<WebSocketAuthenticateResult> AuthenticateAsync(WebSocketAuthenticateContext context, CancellationToken cancellationToken)
        => ValueTask.FromResult(Result);
}

/// <summary>As <see cref="AlwaysSuccessAuthenticator"/>, with a subject (<c>sub</c>): revocation registers every session under it.</summary>
internal sealed class AlwaysSuccessSubjectAuthenticator : IWebSocketAuthenticator
{
    private static readonly ClaimsPrincipal User = new(new ClaimsIdentity([new Claim("sub", "bench"), new Claim(ClaimTypes.Name, "bench")], "bench"));
    private static readonly WebSocketAuthenticateResult Result = WebSocketAuthenticateResult.Success(User, TimeProvider.System.GetUtcNow().AddDays(1));

    public ValueTask<WebSocketAuthenticateResult> AuthenticateAsync(WebSocketAuthenticateContext context, CancellationToken cancellationToken)
        => ValueTask.FromResult(Result);
}
