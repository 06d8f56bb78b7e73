using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace WsAuth.LoadTest.Scenarios;

/// <summary>
/// Credentials shared by the driver and the servers it starts: a signing key made fresh for each run by the driver and
/// handed to every server (.NET or Node) in <see cref="JwtKeyVariable"/>, and HS256 tokens signed with it.
/// </summary>
internal static class BenchSecrets
{
    public const string JwtKeyVariable = "WSAUTH_BENCH_JWT_SECRET";
    public const string Issuer = "wsauth-bench";
    public const string Audience = "wsauth-bench";

    /// <summary>In the driver, 256 random bits; in a server, the driver's key read from the environment.</summary>
    public static byte[] JwtKey { get; } = Environment.GetEnvironmentVariable(JwtKeyVariable) is { Length: > 0 } key
        ? Convert.FromBase64String(key)
        : RandomNumberGenerator.GetBytes(32);

    public static string JwtKeyBase64 => Convert.ToBase64String(JwtKey);

    /// <summary>An HS256 JWT for <paramref name="subject"/>, valid for an hour.</summary>
    public static string CreateJwt(string subject = "bench-user")
    {
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();
        var header = Encode("""{"alg":"HS256","typ":"JWT"}"""u8);
        var payload = Encode(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["sub"] = subject,
            ["iss"] = Issuer,
            ["aud"] = Audience,
            ["iat"] = now,
            ["exp"] = now + 3600,
        }));
        var signature = Encode(HMACSHA256.HashData(JwtKey, Encoding.ASCII.GetBytes(header + "." + payload)));
        return header + "." + payload + "." + signature;
    }

    private static string Encode(ReadOnlySpan<byte> bytes) => WebEncoders.Base64UrlEncode(bytes.ToArray());
}
