using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace WsAuth.Internal;

/// <summary>
/// Authenticates the handshake with <c>Authorization: Bearer &lt;token&gt;</c>, for non-browser clients (browsers cannot
/// set headers on a WebSocket). Other schemes are left to other authenticators; Basic alone is refused by the middleware.
/// </summary>
internal sealed class BearerWebSocketAuthenticator(IWebSocketTokenValidator validator) : IWebSocketAuthenticator
{
    public async ValueTask<WebSocketAuthenticateResult> AuthenticateAsync(WebSocketAuthenticateContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var values = context.HttpContext.Request.Headers.Authorization;
        if (values.Count == 0)
        {
            return WebSocketAuthenticateResult.NoCredentials;
        }

        string? token = null;
        var bearerCount = 0;
        foreach (var value in values)
        {
            if (AuthorizationHeader.HasScheme(value, AuthorizationHeader.BearerScheme, out var credentials))
            {
                bearerCount++;
                token = credentials.ToString();
            }
        }

        if (bearerCount == 0)
        {
            return WebSocketAuthenticateResult.NoCredentials;
        }

        if (bearerCount > 1 || values.Count > 1)
        {
            return Challenge(context.HttpContext, WebSocketAuthenticateResult.Fail(WebSocketAuthFailureReasons.TokenMultiple, StatusCodes.Status400BadRequest));
        }

        if (string.IsNullOrEmpty(token))
        {
            return Challenge(context.HttpContext, WebSocketAuthenticateResult.Fail(WebSocketAuthFailureReasons.TokenMissing, StatusCodes.Status400BadRequest));
        }

        if (TicketWebSocketAuthenticator.AsAccessToken(context.HttpContext) && TicketCodec.IsTicketShaped(token))
        {
            // A SignalR client sending a WsAuth ticket as its access token: the ticket method's, not a token to validate.
            return WebSocketAuthenticateResult.NoCredentials;
        }

        var result = await TokenValidation.ValidateAsync(validator, token, context.HttpContext, cancellationToken);
        return result.Failed ? Challenge(context.HttpContext, result) : result;
    }

    /// <summary>RFC 6750 §3: a failed bearer request says which error it was, never with the token.</summary>
    private static WebSocketAuthenticateResult Challenge(HttpContext context, WebSocketAuthenticateResult result)
    {
        var error = result.StatusCode == StatusCodes.Status400BadRequest ? "invalid_request" : "invalid_token";
        context.Response.Headers[HeaderNames.WWWAuthenticate] = $"Bearer error=\"{error}\"";
        return result;
    }
}
