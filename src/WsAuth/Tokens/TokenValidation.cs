using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace WsAuth.Internal;

/// <summary>Runs the app's <see cref="IWebSocketTokenValidator"/> for a token an authenticator extracted.</summary>
internal static class TokenValidation
{
    /// <summary>
    /// Resolves the validator for a token authenticator's factory. Factories (not constructor injection) keep
    /// <c>ValidateOnBuild</c> from failing first with a generic DI error: the startup validator's message names the fix.
    /// </summary>
    public static IWebSocketTokenValidator Required(IServiceProvider services)
        => services.GetService<IWebSocketTokenValidator>() ?? throw new InvalidOperationException(
            "WsAuth: a token authenticator needs an IWebSocketTokenValidator. Call AddJwtValidation(...) or AddTokenValidationScheme(...), "
            + "or register your own.");

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
