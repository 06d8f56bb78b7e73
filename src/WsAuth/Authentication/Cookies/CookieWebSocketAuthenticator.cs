using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace WsAuth.Internal;

/// <summary>
/// Authenticates the handshake with the app's own ASP.NET Core authentication cookie. Registered as an ambient
/// credential: WsAuth accepts it only with an allowed, present Origin.
/// </summary>
internal sealed class CookieWebSocketAuthenticator(IOptions<WebSocketCookieOptions> options) : IWebSocketAuthenticator
{
    private readonly string? _scheme = options.Value.Scheme;

    public async ValueTask<WebSocketAuthenticateResult> AuthenticateAsync(WebSocketAuthenticateContext context, CancellationToken cancellationToken)
    {
        var result = await context.HttpContext.AuthenticateAsync(_scheme);
        if (result.None || (!result.Succeeded && result.Failure is null))
        {
            return WebSocketAuthenticateResult.NoCredentials;
        }

        if (!result.Succeeded || result.Principal?.Identity?.IsAuthenticated != true)
        {
            // result.Failure.Message is not used: reasons are fixed codes.
            return WebSocketAuthenticateResult.Fail(WebSocketAuthFailureReasons.InvalidCredentials);
        }

        return WebSocketAuthenticateResult.Success(result.Principal, result.Properties?.ExpiresUtc, result.Properties?.IssuedUtc);
    }
}
