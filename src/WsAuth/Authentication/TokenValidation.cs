using Microsoft.AspNetCore.Http;

namespace WsAuth.Internal;

/// <summary>Runs the app's <see cref="IWebSocketTokenValidator"/> for a token an authenticator extracted.</summary>
internal static class TokenValidation
{
    public static async ValueTask<WebSocketAuthenticateResult> ValidateAsync(
        IWebSocketTokenValidator validator, string token, HttpContext context, CancellationToken cancellationToken)
    {
        var result = await validator.ValidateAsync(token, context, cancellationToken);
        return result switch
        {
            null => WebSocketAuthenticateResult.Fail(WebSocketAuthFailureReasons.TokenValidatorError, StatusCodes.Status500InternalServerError),
            { Succeeded: true } or { Failed: true } => result,

            // A token was presented: "no credentials" from the validator cannot let a later method decide instead.
            _ => WebSocketAuthenticateResult.Fail(WebSocketAuthFailureReasons.InvalidToken),
        };
    }
}
