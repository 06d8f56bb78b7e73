using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using WsAuth.Internal;

namespace WsAuth.Benchmarks;

/// <summary>
/// WsAuth's JWT validator (<c>AddJwtValidation</c>) on one token, as every token method calls it: HS256, RS256 (2048-bit)
/// and ES256 (P-256) accepted, with issuer, audience and lifetime checked; then what an attacker's garbage costs to
/// reject (refused by the precheck, before IdentityModel runs) and a well-formed HS256 token with a wrong signature.
/// </summary>
[MemoryDiagnoser]
public class JwtValidationBenchmarks
{
    private const string Issuer = "https://issuer.bench";
    private const string Audience = "wsauth-bench";
    private static readonly byte[] HmacKey = RandomNumberGenerator.GetBytes(32);
    private static readonly RSA Rsa = RSA.Create(2048);
    private static readonly ECDsa Ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    private readonly List<ServiceProvider> _providers = [];
    private JwtWebSocketTokenValidator _hmac = null!;
    private JwtWebSocketTokenValidator _rsa = null!;
    private JwtWebSocketTokenValidator _ecdsa = null!;
    private string _hs256 = null!;
    private string _rs256 = null!;
    private string _es256 = null!;
    private string _badSignature = null!;
    private string _garbage = null!;

    [GlobalSetup]
    public void Setup()
    {
        _hmac = Create(new SymmetricSecurityKey(HmacKey));
        _rsa = Create(new RsaSecurityKey(Rsa.ExportParameters(false)));
        _ecdsa = Create(new ECDsaSecurityKey(ECDsa.Create(Ecdsa.ExportParameters(false))));
        _hs256 = Sign("HS256", data => HMACSHA256.HashData(HmacKey, data));
        _rs256 = Sign("RS256", data => Rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        _es256 = Sign("ES256", data => Ecdsa.SignData(data, HashAlgorithmName.SHA256));
        _badSignature = _hs256[..(_hs256.LastIndexOf('.') + 1)] + Base64Url(RandomNumberGenerator.GetBytes(32));
        _garbage = Base64Url(RandomNumberGenerator.GetBytes(180)); // a token-sized string that is no JWT
        foreach (var (validator, token) in new[] { (_hmac, _hs256), (_rsa, _rs256), (_ecdsa, _es256) })
        {
            if (!validator.ValidateAsync(token).AsTask().GetAwaiter().GetResult().Succeeded)
            {
                throw new InvalidOperationException("A benchmark token does not validate: the benchmark would measure a rejection.");
            }
        }

        if (_hmac.ValidateAsync(_badSignature).AsTask().GetAwaiter().GetResult().Succeeded
            || _hmac.ValidateAsync(_garbage).AsTask().GetAwaiter().GetResult().Succeeded)
        {
            throw new InvalidOperationException("A bad token validates.");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _providers.ForEach(p => p.Dispose());

    [Benchmark(Description = "JWT HS256 accepted")]
    public ValueTask<WebSocketAuthenticateResult> Hs256() => _hmac.ValidateAsync(_hs256);

    [Benchmark(Description = "JWT RS256 accepted")]
    public ValueTask<WebSocketAuthenticateResult> Rs256() => _rsa.ValidateAsync(_rs256);

    [Benchmark(Description = "JWT ES256 accepted")]
    public ValueTask<WebSocketAuthenticateResult> Es256() => _ecdsa.ValidateAsync(_es256);

    [Benchmark(Description = "JWT garbage rejected (precheck)")]
    public ValueTask<WebSocketAuthenticateResult> Garbage() => _hmac.ValidateAsync(_garbage);

    [Benchmark(Description = "JWT HS256 bad signature rejected")]
    public ValueTask<WebSocketAuthenticateResult> BadSignature() => _hmac.ValidateAsync(_badSignature);

    private JwtWebSocketTokenValidator Create(SecurityKey key)
    {
        var services = new ServiceCollection();
        services.AddWebSocketAuth(o => o.AllowedOrigins.Add(BenchHttpContexts.AllowedOrigin))
            .AddJwtValidation(o =>
            {
                o.SigningKeys.Add(key);
                o.ValidIssuers.Add(Issuer);
                o.ValidAudiences.Add(Audience);
            })
            .AddQueryToken(); // WsAuth refuses to start without an authenticator
        services.AddLogging();
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return (JwtWebSocketTokenValidator)provider.GetRequiredService<IWebSocketTokenValidator>();
    }

    private static string Sign(string algorithm, Func<byte[], byte[]> sign)
    {
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();
        var header = Base64Url(Encoding.UTF8.GetBytes($$"""{"alg":"{{algorithm}}","typ":"JWT"}"""));
        var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["iss"] = Issuer,
            ["aud"] = Audience,
            ["sub"] = "bench-user",
            ["name"] = "bench-user",
            ["iat"] = now,
            ["exp"] = now + 24 * 3600, // far beyond any run
        }));
        var input = header + "." + payload;
        return input + "." + Base64Url(sign(Encoding.ASCII.GetBytes(input)));
    }

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
