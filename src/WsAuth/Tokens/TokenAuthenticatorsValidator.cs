using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace WsAuth.Internal;

/// <summary>
/// Startup checks that span the token authenticators: a token validator must exist, and the subprotocol token must be
/// read before an ambient credential (a cookie) can win, or its entries would reach endpoint code unhidden.
/// </summary>
internal sealed class TokenAuthenticatorsValidator(IServiceProviderIsService isService) : IValidateOptions<WebSocketAuthOptions>
{
    public ValidateOptionsResult Validate(string? name, WebSocketAuthOptions options)
    {
        var errors = new List<string>();
        var tokenMethods = options.Authenticators.Where(a => a.NeedsTokenValidator).Select(a => a.Method).ToList();
        if (tokenMethods.Count > 0 && !isService.IsService(typeof(IWebSocketTokenValidator)))
        {
            errors.Add($"WsAuth: the token authenticators ({string.Join(", ", tokenMethods)}) need a token validator, and none is registered. "
                + "Call AddJwtValidation(o => ...) to validate JWTs with your signing keys, AddTokenValidationScheme(\"Bearer\") to reuse an "
                + "existing authentication scheme such as JwtBearer, or register your own IWebSocketTokenValidator.");
        }

        string? ambientBefore = null;
        foreach (var registration in options.Authenticators)
        {
            if (registration.UsesAmbientCredentials)
            {
                ambientBefore ??= registration.Method;
            }
            else if (registration.MustRunBeforeAmbientCredentials && ambientBefore is not null)
            {
                errors.Add($"WsAuth: AddSubprotocolToken() is registered after {ambientBefore}. A handshake carrying both would be authenticated by "
                    + $"{ambientBefore} while its token entries stayed visible to endpoint code (which could echo the token). Add the subprotocol "
                    + $"token before {ambientBefore}: .AddSubprotocolToken().Add{Capitalize(ambientBefore)}().");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static string Capitalize(string method) => method.Length == 0 ? method : char.ToUpperInvariant(method[0]) + method[1..];
}
