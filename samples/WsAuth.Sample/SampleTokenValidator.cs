using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using WsAuth;

namespace WsAuth.Sample;

/// <summary>
/// Validates the sample's own demo JWTs (from POST /auth/login) for the first message and in-band refresh. A stand-in
/// until WsAuth's default JWT validator is registered here: HS256 only, exactly three segments, issuer, audience,
/// a required expiry with 30 seconds of clock skew, and fixed failure reasons (never the library's messages).
/// </summary>
internal sealed class SampleTokenValidator(SampleTokens tokens, TimeProvider time) : IWebSocketTokenValidator
{
    private const int MaxTokenLength = 8 * 1024;
    private static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    private readonly JsonWebTokenHandler _handler = new();

    public ValueTask<WebSocketAuthenticateResult> ValidateAsync(string token, HttpContext context, CancellationToken cancellationToken)
    {
        if (token.Length > MaxTokenLength || token.Count(c => c == '.') != 2)
        {
            return ValueTask.FromResult(WebSocketAuthenticateResult.Fail(WebSocketAuthFailureReasons.InvalidCredentials));
        }

        var now = time.GetUtcNow().UtcDateTime;
        var expired = false;
        var result = _handler.ValidateToken(token, new TokenValidationParameters
        {
            ValidIssuer = SampleTokens.Issuer,
            ValidAudience = SampleTokens.Audience,
            IssuerSigningKey = tokens.SigningKey,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            NameClaimType = "name",
            LifetimeValidator = (notBefore, expires, _, _) =>
            {
                expired = expires is not { } e || now > e + ClockSkew;
                return !expired && (notBefore is not { } nbf || now + ClockSkew >= nbf);
            },
        });

        if (!result.IsValid || result.ClaimsIdentity is not { IsAuthenticated: true } identity)
        {
            return ValueTask.FromResult(WebSocketAuthenticateResult.Fail(expired ? WebSocketAuthFailureReasons.Expired : WebSocketAuthFailureReasons.InvalidCredentials));
        }

        var expiresAt = new DateTimeOffset(DateTime.SpecifyKind(result.SecurityToken.ValidTo, DateTimeKind.Utc));
        return ValueTask.FromResult(WebSocketAuthenticateResult.Success(new ClaimsPrincipal(identity), expiresAt));
    }
}
