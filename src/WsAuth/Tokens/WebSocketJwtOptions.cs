using System.ComponentModel.DataAnnotations;
using Microsoft.IdentityModel.Tokens;

namespace WsAuth;

/// <summary>
/// Options of WsAuth's default token validator (<c>AddJwtValidation()</c>): signed JWTs (JWS compact form) checked against
/// keys you give here. Bound from the <c>WsAuth:Jwt</c> configuration section, then from code. Validated at startup.
/// </summary>
/// <remarks>
/// Keys are never looked up from the token: <c>kid</c> only selects among the keys configured here (or is handed to
/// <see cref="SigningKeyResolver"/>), and <c>jku</c>, <c>x5u</c>, <c>jwk</c> and <c>x5c</c> headers are ignored.
/// Encrypted tokens (JWE) are always rejected.
/// </remarks>
public sealed class WebSocketJwtOptions
{
    // The bounds are documented in <value> and [Range], and enforced at startup by WebSocketJwtOptionsValidator. They are
    // internal so they are not compiled into callers: a later release may move them.
    internal const int DefaultMaxTokenSize = 8 * 1024;
    internal const int MinTokenSizeLimit = 64;
    internal const int MaxTokenSizeLimit = 64 * 1024;
    internal static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The keys that may have signed a token: <see cref="SymmetricSecurityKey"/> (HS*, at least 256 bits),
    /// <see cref="RsaSecurityKey"/> or <see cref="X509SecurityKey"/> (RS*, PS*, at least 2048 bits),
    /// <see cref="ECDsaSecurityKey"/> (ES*), or a <see cref="JsonWebKey"/> of those kinds.
    /// </summary>
    /// <value>Empty by default. Empty is a startup error unless <see cref="SigningKeyResolver"/> is set.</value>
    public IList<SecurityKey> SigningKeys { get; } = new List<SecurityKey>();

    /// <summary>
    /// Returns the keys that may have signed a token, given the token's <c>kid</c> header (<see langword="null"/> when
    /// absent), for example from an in-memory key set that the app refreshes in the background. Called only for tokens
    /// whose shape and algorithm passed. The <c>kid</c> is attacker-controlled: use it only as a dictionary key, never in
    /// a file path, a query or a URL. Must not block; an exception rejects the handshake with 500.
    /// </summary>
    /// <value>Defaults to <see langword="null"/>: only <see cref="SigningKeys"/> are used.</value>
    public Func<string?, IEnumerable<SecurityKey>?>? SigningKeyResolver { get; set; }

    /// <summary>
    /// The accepted <c>alg</c> values (<c>HS256</c>, <c>RS256</c>, <c>PS256</c>, <c>ES256</c>, and the 384 and 512
    /// variants). <c>none</c> is never accepted.
    /// </summary>
    /// <value>
    /// Empty by default, which means the algorithms that fit the configured <see cref="SigningKeys"/>: HS* for symmetric
    /// keys, RS* and PS* for RSA keys, ES* for ECDSA keys, so a key of one kind never verifies a token of another. Must be
    /// set when keys come only from <see cref="SigningKeyResolver"/>.
    /// </value>
    public IList<string> AllowedAlgorithms { get; } = new List<string>();

    /// <summary>The accepted <c>iss</c> values (compared exactly).</summary>
    /// <value>Empty by default. Empty is a startup error while <see cref="ValidateIssuer"/> is on.</value>
    public IList<string> ValidIssuers { get; } = new List<string>();

    /// <summary>The accepted <c>aud</c> values (compared exactly); a token passes when one of its audiences is listed.</summary>
    /// <value>Empty by default. Empty is a startup error while <see cref="ValidateAudience"/> is on.</value>
    public IList<string> ValidAudiences { get; } = new List<string>();

    /// <summary>Whether the token's <c>iss</c> must be one of <see cref="ValidIssuers"/>.</summary>
    /// <value>Defaults to <see langword="true"/>. Turn it off only when the signing keys belong to a single issuer.</value>
    public bool ValidateIssuer { get; set; } = true;

    /// <summary>
    /// Whether the token's <c>aud</c> must be one of <see cref="ValidAudiences"/>, so that a token the same issuer made for
    /// another service is refused.
    /// </summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool ValidateAudience { get; set; } = true;

    /// <summary>
    /// The accepted <c>typ</c> header values, compared case-insensitively with or without <c>application/</c>; for example
    /// <c>at+jwt</c> (RFC 9068 access tokens), so that an ID token is not accepted as an access token.
    /// </summary>
    /// <value>Empty by default: <c>typ</c> is not checked.</value>
    public IList<string> ValidTypes { get; } = new List<string>();

    /// <summary>
    /// How far <c>exp</c> and <c>nbf</c> may be off the server's clock. Every token must have an <c>exp</c>.
    /// </summary>
    /// <value>Defaults to 30 seconds (IdentityModel's own default is 5 minutes). Between 0 and 5 minutes; outside that range is a startup error.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest token accepted, in characters (bytes: a valid token is ASCII). Longer tokens are refused before any parsing.</summary>
    /// <value>Defaults to 8192 (8 KiB). Between 64 and 65536 (64 KiB); outside that range is a startup error.</value>
    [Range(MinTokenSizeLimit, MaxTokenSizeLimit)]
    public int MaxTokenSize { get; set; } = DefaultMaxTokenSize;

    /// <summary>The claim that becomes <c>ClaimsIdentity.Name</c>.</summary>
    /// <value>Defaults to <c>name</c>.</value>
    public string NameClaimType { get; set; } = "name";

    /// <summary>The claim that <c>IsInRole</c> and role-based policies read.</summary>
    /// <value>Defaults to <c>role</c>.</value>
    public string RoleClaimType { get; set; } = "role";
}
