using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace WsAuth.Testing;

/// <summary>
/// Builds JWTs byte by byte, so tests control every header member (duplicates, <c>alg: none</c>, <c>jku</c>...), and
/// holds one key of each kind.
/// </summary>
public static class TestJwt
{
    public const string Issuer = "https://issuer.test";
    public const string Audience = "wsauth-tests";

    /// <summary>The HMAC key the test apps trust (32 random bytes).</summary>
    public static readonly byte[] HmacKeyBytes = RandomNumberGenerator.GetBytes(32);

    public static readonly RSA Rsa = RSA.Create(2048);

    public static readonly ECDsa Ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public static SymmetricSecurityKey HmacKey { get; } = new(HmacKeyBytes) { KeyId = "hmac-1" };

    public static RsaSecurityKey RsaPublicKey { get; } = new(Rsa.ExportParameters(false)) { KeyId = "rsa-1" };

    public static ECDsaSecurityKey EcdsaPublicKey { get; } = new(ECDsa.Create(Ecdsa.ExportParameters(false))) { KeyId = "ec-1" };

    public static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    public static string Base64Url(string text) => Base64Url(Encoding.UTF8.GetBytes(text));

    public static Func<byte[], byte[]> Hs256(byte[] key) => data => HMACSHA256.HashData(key, data);

    public static Func<byte[], byte[]> Rs256(RSA key) => data => key.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    public static Func<byte[], byte[]> Es256(ECDsa key) => data => key.SignData(data, HashAlgorithmName.SHA256);

    /// <summary>A compact JWS of exactly these JSON texts.</summary>
    public static string Sign(string headerJson, string payloadJson, Func<byte[], byte[]>? sign)
    {
        var signingInput = Base64Url(headerJson) + "." + Base64Url(payloadJson);
        var signature = sign is null ? string.Empty : Base64Url(sign(Encoding.ASCII.GetBytes(signingInput)));
        return signingInput + "." + signature;
    }

    /// <summary>The standard claims of a valid token at <paramref name="now"/>, as JSON; override or remove with <paramref name="change"/>.</summary>
    public static string Payload(DateTimeOffset now, string subject = "alice", Action<Dictionary<string, object?>>? change = null)
    {
        var claims = new Dictionary<string, object?>
        {
            ["iss"] = Issuer,
            ["aud"] = Audience,
            ["sub"] = subject,
            ["name"] = subject,
            ["iat"] = now.AddMinutes(-10).ToUnixTimeSeconds(),
            ["nbf"] = now.AddMinutes(-10).ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(5).ToUnixTimeSeconds(),
            ["jti"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(12)), // a unique marker to search logs for
        };
        change?.Invoke(claims);
        return JsonSerializer.Serialize(claims.Where(c => c.Value is not null).ToDictionary());
    }

    public static string HmacToken(DateTimeOffset now, string subject = "alice", Action<Dictionary<string, object?>>? change = null, string? headerJson = null)
        => Sign(headerJson ?? """{"alg":"HS256","typ":"JWT","kid":"hmac-1"}""", Payload(now, subject, change), Hs256(HmacKeyBytes));

    public static string RsaToken(DateTimeOffset now, string subject = "alice")
        => Sign("""{"alg":"RS256","typ":"JWT","kid":"rsa-1"}""", Payload(now, subject), Rs256(Rsa));

    public static string EcdsaToken(DateTimeOffset now, string subject = "alice")
        => Sign("""{"alg":"ES256","typ":"JWT","kid":"ec-1"}""", Payload(now, subject), Es256(Ecdsa));

    /// <summary>
    /// What must never appear in a log line for <paramref name="token"/>: the token, its encodings, its payload and
    /// signature segments, and its <c>jti</c> (IdentityModel's messages with ShowPII carry the decoded claims).
    /// </summary>
    public static IEnumerable<string> Secrets(string token)
    {
        yield return token;
        yield return Base64Url(token);
        yield return Uri.EscapeDataString(token);
        var parts = token.Split('.');
        if (parts.Length >= 3)
        {
            yield return parts[1];
            yield return parts[^1];
            var claims = new List<string>();
            try
            {
                using var payload = JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(parts[1]));
                foreach (var claim in payload.RootElement.EnumerateObject())
                {
                    if (claim.Value.ValueKind == JsonValueKind.String && claim.Name is "jti" or "iss" or "aud" or "sub")
                    {
                        claims.Add(claim.Value.GetString()!);
                    }
                }
            }
            catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException)
            {
            }

            foreach (var claim in claims)
            {
                yield return claim; // IdentityModel's messages with ShowPII carry issuer and audience values
            }
        }
    }

    /// <summary>Kubernetes' subprotocol entry for <paramref name="token"/>.</summary>
    public static string KubernetesProtocol(string token) => WebSocketAuthDefaults.KubernetesSubprotocolTokenPrefix + Base64Url(token);
}
