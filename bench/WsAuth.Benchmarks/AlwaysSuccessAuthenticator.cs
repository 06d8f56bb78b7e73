using System.Security.Claims;

namespace WsAuth.Benchmarks;

/// <summary>Authenticates every handshake as one shared principal, so only WsAuth's own guard cost is measured.</summary>
internal sealed class AlwaysSuccessAuthenticator : IWebSocketAuthenticator
{
    private static readonly ClaimsPrincipal User = new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "bench"), new Claim("sub", "bench")], "bench"));
    private static readonly WebSocketAuthenticateResult Result = WebSocketAuthenticateResult.Success(User);

    public ValueTask<WebSocketAuthenticateResult> AuthenticateAsync(WebSocketAuthenticateContext context, CancellationToken cancellationToken)
        => ValueTask.FromResult(Result);
}
