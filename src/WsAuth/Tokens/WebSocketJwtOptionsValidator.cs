using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace WsAuth.Internal;

/// <summary>Validates <see cref="WebSocketJwtOptions"/> at startup and reports every problem with its fix.</summary>
internal sealed class WebSocketJwtOptionsValidator : IValidateOptions<WebSocketJwtOptions>
{
    private const int MinSymmetricKeyBits = 256;
    private const int MinRsaKeyBits = 2048;

    public ValidateOptionsResult Validate(string? name, WebSocketJwtOptions options)
    {
        var errors = new List<string>();

        if (options.SigningKeys.Count == 0 && options.SigningKeyResolver is null)
        {
            errors.Add("WsAuth:Jwt: no signing key is configured, so no token could be validated. Add the key that signs your tokens: "
                + "AddJwtValidation(o => o.SigningKeys.Add(new SymmetricSecurityKey(key))) (or an RsaSecurityKey / ECDsaSecurityKey with the "
                + "issuer's public key), or set SigningKeyResolver.");
        }

        foreach (var key in options.SigningKeys)
        {
            if (key is null)
            {
                errors.Add("WsAuth:Jwt: SigningKeys contains null.");
                continue;
            }

            if (JwtWebSocketTokenValidator.AlgorithmsFor(key).Count == 0)
            {
                errors.Add($"WsAuth:Jwt: signing key type {key.GetType().Name} is not supported. Use a SymmetricSecurityKey, RsaSecurityKey, "
                    + "ECDsaSecurityKey, X509SecurityKey or JsonWebKey (kty oct, RSA or EC).");
            }
            else if (IsSymmetric(key) && key.KeySize < MinSymmetricKeyBits)
            {
                errors.Add($"WsAuth:Jwt: a symmetric signing key has {key.KeySize} bits; HMAC keys must have at least {MinSymmetricKeyBits} bits "
                    + "(32 random bytes from RandomNumberGenerator).");
            }
            else if (IsRsa(key) && key.KeySize < MinRsaKeyBits)
            {
                errors.Add($"WsAuth:Jwt: an RSA signing key has {key.KeySize} bits; use at least {MinRsaKeyBits}.");
            }
        }

        foreach (var algorithm in options.AllowedAlgorithms)
        {
            if (string.Equals(algorithm?.Trim(), "none", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add("WsAuth:Jwt: AllowedAlgorithms contains \"none\": unsigned tokens are never accepted. Remove it.");
            }
            else if (algorithm is null || !JwtWebSocketTokenValidator.IsSupportedAlgorithm(algorithm))
            {
                errors.Add($"WsAuth:Jwt: AllowedAlgorithms contains \"{algorithm}\", which is not a supported JWS algorithm. Use HS256, HS384, HS512, "
                    + "RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384 or ES512 (exact case).");
            }
        }

        if (options.AllowedAlgorithms.Count == 0 && options.SigningKeys.Count == 0 && options.SigningKeyResolver is not null)
        {
            errors.Add("WsAuth:Jwt: keys come only from SigningKeyResolver, so the accepted algorithms cannot be derived from them. "
                + "List them: o.AllowedAlgorithms.Add(\"RS256\").");
        }

        if (options.ValidateIssuer && options.ValidIssuers.Count == 0)
        {
            errors.Add("WsAuth:Jwt: no valid issuer is configured. Add the issuer of your tokens: o.ValidIssuers.Add(\"https://login.example.com\") "
                + "(or WsAuth:Jwt:ValidIssuers:0=...), or set ValidateIssuer = false if the signing keys belong to one issuer only.");
        }

        if (options.ValidateAudience && options.ValidAudiences.Count == 0)
        {
            errors.Add("WsAuth:Jwt: no valid audience is configured, so a token issued for another service would be accepted. Add this "
                + "service's audience: o.ValidAudiences.Add(\"api://my-service\") (or WsAuth:Jwt:ValidAudiences:0=...), or set ValidateAudience = false.");
        }

        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > WebSocketJwtOptions.MaxClockSkew)
        {
            errors.Add($"WsAuth:Jwt: ClockSkew is {options.ClockSkew}; it must be between 00:00:00 and {WebSocketJwtOptions.MaxClockSkew} (default 00:00:30).");
        }

        if (options.MaxTokenSize < WebSocketJwtOptions.MinTokenSizeLimit || options.MaxTokenSize > WebSocketJwtOptions.MaxTokenSizeLimit)
        {
            errors.Add($"WsAuth:Jwt: MaxTokenSize is {options.MaxTokenSize}; it must be between {WebSocketJwtOptions.MinTokenSizeLimit} and {WebSocketJwtOptions.MaxTokenSizeLimit} (default {WebSocketJwtOptions.DefaultMaxTokenSize}).");
        }

        if (string.IsNullOrWhiteSpace(options.NameClaimType) || string.IsNullOrWhiteSpace(options.RoleClaimType))
        {
            errors.Add("WsAuth:Jwt: NameClaimType and RoleClaimType must not be empty.");
        }

        if (options.ValidTypes.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add("WsAuth:Jwt: ValidTypes must not contain empty values.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool IsSymmetric(SecurityKey key) => key is SymmetricSecurityKey or JsonWebKey { Kty: JsonWebAlgorithmsKeyTypes.Octet };

    private static bool IsRsa(SecurityKey key)
        => key is RsaSecurityKey or X509SecurityKey { PublicKey: System.Security.Cryptography.RSA } or JsonWebKey { Kty: JsonWebAlgorithmsKeyTypes.RSA };
}
