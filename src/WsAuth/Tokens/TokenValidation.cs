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
        // One mapping for every path (CredentialOutcomes): a presented token is never "no credentials".
        return CredentialOutcomes.Of(await validator.ValidateAsync(token, context, cancellationToken));
    }
}
