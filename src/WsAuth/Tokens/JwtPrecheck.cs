using System.Buffers;
using System.Text.Json;

namespace WsAuth.Internal;

/// <summary>
/// Checks a token's shape and header before IdentityModel sees it, so that the library's risky paths stay unreachable:
/// JWE decryption and decompression (never configured; CVE-2024-21319 showed what inflating a <c>zip</c> JWE costs), <c>alg: none</c>, algorithms outside the allow-list,
/// oversized input, and headers with duplicate members (which parsers disagree about).
/// </summary>
internal static class JwtPrecheck
{
    // Bounds the work on attacker input even when MaxTokenSize is raised: JSON nesting in a JWT header is never deep.
    private const int MaxJsonDepth = 16;

    /// <summary>Returns <see langword="null"/> when the token may be given to the library, else the reason to reject it.</summary>
    /// <param name="token">The token as received.</param>
    /// <param name="maxTokenSize">The size cap in characters.</param>
    /// <param name="allowedAlgorithms">The exact <c>alg</c> values accepted.</param>
    /// <param name="validTypes">Normalized accepted <c>typ</c> values (see <see cref="NormalizeType"/>); empty to skip the check.</param>
    public static string? Check(string token, int maxTokenSize, IReadOnlySet<string> allowedAlgorithms, IReadOnlySet<string> validTypes)
    {
        if (token.Length > maxTokenSize)
        {
            return WebSocketAuthFailureReasons.TokenTooLarge;
        }

        var dots = 0;
        foreach (var c in token)
        {
            if (c == '.')
            {
                dots++;
            }
            else if (!StrictBase64Url.IsAlphabet(c))
            {
                return WebSocketAuthFailureReasons.MalformedToken; // whitespace, padding, non-ASCII, control characters
            }
        }

        if (dots == 4)
        {
            return WebSocketAuthFailureReasons.EncryptedToken; // JWE compact form: never decrypted
        }

        if (dots != 2)
        {
            return WebSocketAuthFailureReasons.MalformedToken;
        }

        var span = token.AsSpan();
        var firstDot = span.IndexOf('.');
        var header = span[..firstDot];
        var rest = span[(firstDot + 1)..];
        var secondDot = rest.IndexOf('.');
        var payload = rest[..secondDot];
        var signature = rest[(secondDot + 1)..];
        if (!StrictBase64Url.IsValid(header) || !StrictBase64Url.IsValid(payload) || !StrictBase64Url.IsValid(signature))
        {
            return WebSocketAuthFailureReasons.MalformedToken; // also an empty signature
        }

        var buffer = ArrayPool<byte>.Shared.Rent(StrictBase64Url.MaxDecodedLength(Math.Max(Math.Max(header.Length, payload.Length), signature.Length)));
        try
        {
            if (!StrictBase64Url.TryDecode(header, buffer, out var headerLength))
            {
                return WebSocketAuthFailureReasons.MalformedToken;
            }

            var headerReason = CheckHeader(buffer.AsSpan(0, headerLength), allowedAlgorithms, validTypes);
            if (headerReason is not null)
            {
                return headerReason;
            }

            if (!StrictBase64Url.TryDecode(payload, buffer, out var payloadLength)
                || !IsObjectWithUniqueMembers(buffer.AsSpan(0, payloadLength)))
            {
                return WebSocketAuthFailureReasons.MalformedToken;
            }

            // Canonical encoding only: otherwise several strings (differing in a signature's unused trailing bits) would
            // be the same valid token, defeating deny-lists and replay caches keyed by the token text.
            if (!StrictBase64Url.TryDecode(signature, buffer, out _))
            {
                return WebSocketAuthFailureReasons.MalformedToken;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return null;
    }

    /// <summary>Normalizes a <c>typ</c> value for comparison: RFC 7515 §4.1.9 lets <c>application/</c> be omitted, case-insensitively.</summary>
    public static string NormalizeType(string type)
    {
        var trimmed = type.Trim();
        return trimmed.StartsWith("application/", StringComparison.OrdinalIgnoreCase)
            ? trimmed["application/".Length..].ToLowerInvariant()
            : trimmed.ToLowerInvariant();
    }

    private static string? CheckHeader(ReadOnlySpan<byte> json, IReadOnlySet<string> allowedAlgorithms, IReadOnlySet<string> validTypes)
    {
        string? alg = null;
        string? typ = null;
        var encrypted = false;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxJsonDepth });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return WebSocketAuthFailureReasons.MalformedToken;
            }

            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                if (!names.Add(name))
                {
                    return WebSocketAuthFailureReasons.MalformedToken; // {"alg":"HS256","alg":"none"} and case variants
                }

                reader.Read();
                switch (name)
                {
                    case "alg":
                        if (reader.TokenType != JsonTokenType.String)
                        {
                            return WebSocketAuthFailureReasons.MalformedToken;
                        }

                        alg = reader.GetString();
                        break;
                    case "typ":
                        if (reader.TokenType != JsonTokenType.String)
                        {
                            return WebSocketAuthFailureReasons.MalformedToken;
                        }

                        typ = reader.GetString();
                        break;
                    case "enc" or "zip":
                        encrypted = true;
                        reader.Skip();
                        break;
                    case "crit":
                        // RFC 7515 §4.1.11: extensions listed in crit must be understood; WsAuth understands none.
                        return WebSocketAuthFailureReasons.MalformedToken;
                    default:
                        reader.Skip(); // jku, x5u, jwk, x5c: never fetched, never used as keys
                        break;
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return WebSocketAuthFailureReasons.MalformedToken;
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return WebSocketAuthFailureReasons.MalformedToken; // InvalidOperationException: invalid UTF-8 in a string
        }

        if (encrypted)
        {
            return WebSocketAuthFailureReasons.EncryptedToken;
        }

        if (string.IsNullOrEmpty(alg))
        {
            return WebSocketAuthFailureReasons.MalformedToken;
        }

        if (!allowedAlgorithms.Contains(alg))
        {
            return WebSocketAuthFailureReasons.AlgorithmNotAllowed; // "none" is never in the set
        }

        if (validTypes.Count > 0 && (typ is null || !validTypes.Contains(NormalizeType(typ))))
        {
            return WebSocketAuthFailureReasons.InvalidType;
        }

        return null;
    }

    private static bool IsObjectWithUniqueMembers(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxJsonDepth });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            var names = new HashSet<string>(StringComparer.Ordinal);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!names.Add(reader.GetString()!))
                {
                    return false; // two "exp" or "aud" claims: which one counts depends on the parser
                }

                reader.Read();
                reader.Skip();
            }

            return reader.TokenType == JsonTokenType.EndObject && !reader.Read();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return false;
        }
    }
}
