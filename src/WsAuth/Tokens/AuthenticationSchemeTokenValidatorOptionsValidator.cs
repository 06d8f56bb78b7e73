using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace WsAuth.Internal;

/// <summary>Checks at startup that the scheme tokens are forwarded to is registered.</summary>
internal sealed class AuthenticationSchemeTokenValidatorOptionsValidator(IOptions<AuthenticationOptions> authentication)
    : IValidateOptions<AuthenticationSchemeTokenValidatorOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthenticationSchemeTokenValidatorOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Scheme))
        {
            return ValidateOptionsResult.Fail("WsAuth: AddTokenValidationScheme needs the name of an authentication scheme.");
        }

        if (!authentication.Value.SchemeMap.ContainsKey(options.Scheme))
        {
            return ValidateOptionsResult.Fail(
                $"WsAuth: tokens are forwarded to the authentication scheme \"{options.Scheme}\", which is not registered. Register it "
                + "(builder.Services.AddAuthentication().AddJwtBearer(\"" + options.Scheme + "\", ...)) or name an existing scheme "
                + $"(registered: {string.Join(", ", authentication.Value.SchemeMap.Keys)}).");
        }

        return ValidateOptionsResult.Success;
    }
}
