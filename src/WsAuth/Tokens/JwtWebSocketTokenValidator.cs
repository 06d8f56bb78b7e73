using System.Collections.Frozen;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace WsAuth.Internal;

/// <summary>
/// WsAuth's default <see cref="IWebSocketTokenValidator"/>: signed JWTs on IdentityModel 8, behind
/// <see cref="JwtPrecheck"/> (shape, size, algorithm, no JWE) and with WsAuth's own lifetime rule (required <c>exp</c>,
/// small clock skew, the injected clock).
/// </summary>
internal sealed partial class JwtWebSocketTokenValidator : IWebSocketTokenValidator
{
    public const string AuthenticationType = "jwt";

    private static readonly string[] HmacAlgorithms = [SecurityAlgorithms.HmacSha256, SecurityAlgorithms.HmacSha384, SecurityAlgorithms.HmacSha512];
    private static readonly string[] RsaAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
    ];

    private static readonly string[] EcdsaAlgorithms = [SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512];

    private readonly JsonWebTokenHandler _handler;
    private readonly TokenValidationParameters _parameters;
    private readonly int _maxTokenSize;
    private readonly FrozenSet<string> _algorithms;
    private readonly FrozenSet<string> _validTypes;
    private readonly SecurityKey[] _staticKeys;
    private readonly Func<string?, IEnumerable<SecurityKey>?>? _resolver;
    private readonly TimeProvider _time;
    private readonly TimeSpan _clockSkew;
    private readonly ILogger _logger;

    // The configured issuers and audiences: a claim's issuer, and its iss and aud values, are one of them on every
    // validated token, so the copied claims share these instances instead of keeping each token's own strings.
    private readonly string[] _knownStrings;

    public JwtWebSocketTokenValidator(
        IOptions<WebSocketJwtOptions> options,
        IOptions<WebSocketAuthOptions> authOptions,
        TimeProvider timeProvider,
        ILogger<JwtWebSocketTokenValidator> logger)
    {
        var o = options.Value; // validated at startup by WebSocketJwtOptionsValidator
        _time = authOptions.Value.TimeProvider ?? timeProvider;
        _logger = logger;
        _maxTokenSize = o.MaxTokenSize;
        _clockSkew = o.ClockSkew;
        _algorithms = EffectiveAlgorithms(o).ToFrozenSet(StringComparer.Ordinal);
        _validTypes = o.ValidTypes.Select(JwtPrecheck.NormalizeType).ToFrozenSet(StringComparer.Ordinal);
        _staticKeys = [.. o.SigningKeys];
        _resolver = o.SigningKeyResolver;
        _knownStrings = [.. o.ValidIssuers.Concat(o.ValidAudiences).Distinct(StringComparer.Ordinal)];
        _handler = new JsonWebTokenHandler { MaximumTokenSizeInBytes = o.MaxTokenSize };
        _parameters = new TokenValidationParameters
        {
            ValidAlgorithms = [.. _algorithms],
            IssuerSigningKeys = _staticKeys,
            IssuerSigningKeyResolver = _resolver is null ? null : (_, _, kid, _) => ResolveKeys(kid),
            TryAllIssuerSigningKeys = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = false, // the keys are the app's own
            ValidateIssuer = o.ValidateIssuer,
            ValidIssuers = [.. o.ValidIssuers],
            ValidateAudience = o.ValidateAudience,
            ValidAudiences = [.. o.ValidAudiences],
            ValidateLifetime = true,
            RequireExpirationTime = true,
            LifetimeValidator = ValidateLifetime,
            ClockSkew = o.ClockSkew,
            ValidateTokenReplay = false,
            SaveSigninToken = false,
            NameClaimType = o.NameClaimType,
            RoleClaimType = o.RoleClaimType,
            AuthenticationType = AuthenticationType,

            // No TokenDecryptionKey(s): even if a JWE got past the precheck, the library could not decrypt (or inflate) it.
        };

        Log.Configured(_logger, string.Join(", ", _algorithms.Order(StringComparer.Ordinal)), _staticKeys.Length, _resolver is not null, _clockSkew);
    }

    /// <summary>The algorithms accepted: the configured list, else those that fit the configured keys.</summary>
    public static IEnumerable<string> EffectiveAlgorithms(WebSocketJwtOptions options)
        => options.AllowedAlgorithms.Count > 0
            ? options.AllowedAlgorithms
            : options.SigningKeys.SelectMany(AlgorithmsFor).Distinct(StringComparer.Ordinal);

    /// <summary>The JWS algorithms WsAuth supports at all.</summary>
    public static bool IsSupportedAlgorithm(string algorithm)
        => HmacAlgorithms.Contains(algorithm, StringComparer.Ordinal)
            || RsaAlgorithms.Contains(algorithm, StringComparer.Ordinal)
            || EcdsaAlgorithms.Contains(algorithm, StringComparer.Ordinal);

    /// <summary>The algorithms a key of this kind can verify; empty for a kind WsAuth does not support.</summary>
    public static IReadOnlyList<string> AlgorithmsFor(SecurityKey key) => key switch
    {
        SymmetricSecurityKey => HmacAlgorithms,
        RsaSecurityKey => RsaAlgorithms,
        ECDsaSecurityKey => EcdsaAlgorithms,
        X509SecurityKey { PublicKey: RSA } => RsaAlgorithms,
        X509SecurityKey { PublicKey: ECDsa } => EcdsaAlgorithms,
        JsonWebKey { Kty: JsonWebAlgorithmsKeyTypes.RSA } => RsaAlgorithms,
        JsonWebKey { Kty: JsonWebAlgorithmsKeyTypes.EllipticCurve } => EcdsaAlgorithms,
        JsonWebKey { Kty: JsonWebAlgorithmsKeyTypes.Octet } => HmacAlgorithms,
        _ => [],
    };

    public ValueTask<WebSocketAuthenticateResult> ValidateAsync(string token, HttpContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        return ValidateAsync(token);
    }

    internal ValueTask<WebSocketAuthenticateResult> ValidateAsync(string token)
    {
        // Refused here, IdentityModel never sees the token, and the answer is synchronous.
        var reason = JwtPrecheck.Check(token, _maxTokenSize, _algorithms, _validTypes);
        if (reason is not null)
        {
            Log.Rejected(_logger, reason, null);
            return ValueTask.FromResult(WebSocketAuthenticateResult.Fail(reason));
        }

        var validation = ValidateWithLibraryAsync(token);
        return validation.IsCompletedSuccessfully
            ? ValueTask.FromResult(ToResult(validation.Result))
            : AwaitResult(validation);

        async ValueTask<WebSocketAuthenticateResult> AwaitResult(Task<TokenValidationResult> pending)
        {
            TokenValidationResult result;
            try
            {
                result = await pending.ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                result = new TokenValidationResult { IsValid = false, Exception = ex };
            }

            return ToResult(result);
        }
    }

    private Task<TokenValidationResult> ValidateWithLibraryAsync(string token)
    {
        try
        {
            // IdentityModel 8 reports failures in the result; the catch is for anything thrown outside its own handling.
            return _handler.ValidateTokenAsync(token, _parameters);
        }
        catch (Exception ex)
        {
            return Task.FromResult(new TokenValidationResult { IsValid = false, Exception = ex });
        }
    }

    private WebSocketAuthenticateResult ToResult(TokenValidationResult result)
    {
        if (result.Exception is KeyResolverException resolverFailure)
        {
            Log.KeyResolverFailed(_logger, resolverFailure.InnerExceptionType);
            return WebSocketAuthenticateResult.Fail(WebSocketAuthFailureReasons.TokenValidatorError, StatusCodes.Status500InternalServerError);
        }

        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            // Only the exception's type is logged: with IdentityModelEventSource.ShowPII its message can contain the token.
            var reason = TokenFailureReasons.FromException(result.Exception);
            Log.Rejected(_logger, reason, result.Exception?.GetType().Name);
            return WebSocketAuthenticateResult.Fail(reason);
        }

        DateTimeOffset? issuedAt = jwt.IssuedAt == DateTime.MinValue ? null : new DateTimeOffset(DateTime.SpecifyKind(jwt.IssuedAt, DateTimeKind.Utc));
        return WebSocketAuthenticateResult.Success(new ClaimsPrincipal(Identity(jwt)), new DateTimeOffset(DateTime.SpecifyKind(jwt.ValidTo, DateTimeKind.Utc)), issuedAt);
    }

    /// <summary>
    /// The principal's identity, built from the validated token's claims without IdentityModel's parsed token behind it.
    /// IdentityModel 8's own identity (<see cref="TokenValidationResult.ClaimsIdentity"/>, created on first read, so never
    /// here) keeps the <see cref="JsonWebToken"/> it came from (<c>CaseSensitiveClaimsIdentity.SecurityToken</c>): the
    /// encoded token, its decoded header and payload, and their claim sets, for as long as the socket is open. The session
    /// needs only the claims; the token itself is a credential the endpoint has no use for. Each claim keeps its type,
    /// value, value type and issuers (what <see cref="Claim"/> compares and serializes), is created once with this identity
    /// as its subject (so that it is not cloned again), and shares the configured issuer and audience strings where the
    /// token repeats them.
    /// </summary>
    private ClaimsIdentity Identity(JsonWebToken jwt)
    {
        var identity = new ClaimsIdentity(AuthenticationType, _parameters.NameClaimType, _parameters.RoleClaimType);
        foreach (var claim in jwt.Claims)
        {
            identity.AddClaim(new Claim(claim.Type, Known(claim.Value), claim.ValueType, Known(claim.Issuer), Known(claim.OriginalIssuer), identity));
        }

        return identity;
    }

    /// <summary>The configured instance of an issuer or audience equal to <paramref name="value"/>, else the value itself.</summary>
    private string Known(string value)
    {
        foreach (var known in _knownStrings)
        {
            if (known.Length == value.Length && string.Equals(known, value, StringComparison.Ordinal))
            {
                return known;
            }
        }

        return value;
    }

    private SecurityKey[] ResolveKeys(string? kid)
    {
        IEnumerable<SecurityKey>? resolved;
        try
        {
            resolved = _resolver!(string.IsNullOrEmpty(kid) ? null : kid);
        }
        catch (Exception ex)
        {
            throw new KeyResolverException(ex.GetType().FullName);
        }

        return resolved is null ? _staticKeys : [.. resolved, .. _staticKeys];
    }

    private bool ValidateLifetime(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters parameters)
    {
        // Messages are fixed text: nothing from the token goes into them.
        // A missing exp can arrive as DateTime.MinValue rather than null (6.x did so): look at the claim itself.
        if (expires is not { } exp || token is not JsonWebToken jwt || !jwt.TryGetPayloadValue<object>(JwtRegisteredClaimNames.Exp, out _))
        {
            throw new SecurityTokenNoExpirationException("The token has no exp claim.");
        }

        if (notBefore is { } nbf && jwt.TryGetPayloadValue<object>(JwtRegisteredClaimNames.Nbf, out _) && nbf > exp)
        {
            throw new SecurityTokenInvalidLifetimeException("The token's nbf is after its exp.");
        }

        var now = _time.GetUtcNow().UtcDateTime;
        if (notBefore is { } start && start != DateTime.MinValue && start > now + _clockSkew)
        {
            throw new SecurityTokenNotYetValidException("The token is not valid yet.");
        }

        if (exp < now - _clockSkew)
        {
            throw new SecurityTokenExpiredException("The token has expired.");
        }

        return true;
    }

    /// <summary>Carries a key resolver's failure out of IdentityModel with only the exception type.</summary>
    private sealed class KeyResolverException(string? innerExceptionType) : Exception("The signing key resolver threw.")
    {
        public string? InnerExceptionType { get; } = innerExceptionType;
    }

    // Event ids 100-199 belong to token validation and the token authenticators. Never renumber or reuse one.
    private static partial class Log
    {
        [LoggerMessage(100, LogLevel.Debug, "JWT rejected: {Reason} ({ExceptionType}).", EventName = "JwtRejected")]
        public static partial void Rejected(ILogger logger, string reason, string? exceptionType);

        [LoggerMessage(101, LogLevel.Error, "The JWT signing key resolver threw {ExceptionType}; the token was rejected with 500. The exception message is not logged.", EventName = "JwtKeyResolverFailed")]
        public static partial void KeyResolverFailed(ILogger logger, string? exceptionType);

        [LoggerMessage(102, LogLevel.Debug, "JWT validation accepts algorithms [{Algorithms}] with {KeyCount} configured keys (key resolver: {HasResolver}) and a clock skew of {ClockSkew}.", EventName = "JwtConfigured")]
        public static partial void Configured(ILogger logger, string algorithms, int keyCount, bool hasResolver, TimeSpan clockSkew);
    }
}
