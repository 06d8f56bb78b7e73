using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace WsAuth.Sample;

/// <summary>
/// Issues the demo JWTs returned by POST /auth/login. The signing key comes from Sample:JwtSigningKey (base64, at
/// least 32 bytes) or is generated at startup, so tokens do not survive a restart of the sample.
/// </summary>
internal sealed class SampleTokens
{
    public const string Issuer = "wsauth-sample";
    public const string Audience = "wsauth-sample";

    private readonly JsonWebTokenHandler _handler = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _lifetime;

    public SampleTokens(IConfiguration configuration, TimeProvider time)
    {
        _time = time;
        _lifetime = configuration.GetValue("Sample:TokenLifetime", TimeSpan.FromMinutes(15));
        var configuredKey = configuration["Sample:JwtSigningKey"];
        var keyBytes = configuredKey is null ? RandomNumberGenerator.GetBytes(32) : Convert.FromBase64String(configuredKey);
        if (keyBytes.Length < 32)
        {
            throw new InvalidOperationException("Sample:JwtSigningKey must be at least 32 bytes, base64-encoded.");
        }

        SigningKey = new SymmetricSecurityKey(keyBytes) { KeyId = "sample" };
    }

    public SymmetricSecurityKey SigningKey { get; }

    public TimeSpan Lifetime => _lifetime;

    public string Create(string user)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Subject = new ClaimsIdentity([new Claim(JwtRegisteredClaimNames.Sub, user), new Claim("name", user)]),
            IssuedAt = now,
            NotBefore = now,
            Expires = now + _lifetime,
            SigningCredentials = new SigningCredentials(SigningKey, SecurityAlgorithms.HmacSha256),
        });
    }
}
