using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using WsAuth.Internal;

namespace WsAuth.Tests.Properties;

/// <summary>
/// Properties of the strict base64url decoder and the JWT precheck, which see every token before IdentityModel does
/// (matrix J1, J3, J8, J9).
/// </summary>
public partial class JwtSegmentPropertyTests
{
    private static readonly HashSet<string> Allowed = new HashSet<string>(StringComparer.Ordinal) { "HS256", "RS256", "ES256" };

    private static readonly HashSet<string> NoTypes = new HashSet<string>(StringComparer.Ordinal);

    private static readonly HashSet<string> Documented = new(StringComparer.Ordinal)
    {
        WebSocketAuthFailureReasons.TokenTooLarge,
        WebSocketAuthFailureReasons.MalformedToken,
        WebSocketAuthFailureReasons.EncryptedToken,
        WebSocketAuthFailureReasons.AlgorithmNotAllowed,
        WebSocketAuthFailureReasons.InvalidType,
    };

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex Alphabet();

    [GeneratedRegex(@"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")]
    private static partial Regex ThreeSegments();

    private static readonly Gen<string> Headers = Gen.Elements(
        """{"alg":"HS256","typ":"JWT"}""", """{"alg":"RS256"}""", """{"alg":"ES256","kid":"../../etc/passwd"}""", """{"alg":"none"}""",
        """{"alg":"HS512"}""", """{"alg":"hs256"}""", """{"alg":"HS256","alg":"none"}""", """{"alg":"HS256","ALG":"none"}""",
        """{"alg":"HS256","enc":"A256GCM"}""", """{"alg":"HS256","zip":"DEF"}""", """{"alg":"HS256","crit":["b64"]}""", """{"alg":1}""",
        """{"typ":"JWT"}""", """{"alg":"HS256"} """, """{"alg":"HS256",}""", """["alg"]""", "null", "", """{"alg":"HS256","jku":"http://127.0.0.1/"}""",
        """{"alg":"HS256","x":""" + new string('[', 40) + new string(']', 40) + "}");

    private static readonly Gen<string> Payloads = Gen.Elements(
        """{"sub":"alice","exp":1}""", """{}""", """{"exp":1,"exp":2}""", """[]""", """{"a":1}x""", "", """{"sub":"\u00e9"}""");

    private static readonly Gen<string> Segment = Gen.OneOf(
        Headers.Select(B64),
        Payloads.Select(B64),
        Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>()).Select(b => Base64Url.EncodeToString(b)),
        Gen.Elements("", "=", "A", "AB", "ABC", "AB==", "A+/", "e30", "e31", " e30", "ey J", "é"));

    /// <summary>Token-like strings: 1 to 6 segments of near-valid parts, with damage.</summary>
    private static readonly Gen<string> TokenLike =
        from count in Gen.Choose(1, 6)
        from segments in Gen.ArrayOf(Segment, count)
        from tail in Gen.Elements("", "", "", "=", " ", ".", "\n")
        select string.Join('.', segments) + tail;

    private static readonly Gen<string> AnyToken = Gen.OneOf(TokenLike, ArbMap.Default.GeneratorFor<string>().Select(s => s ?? string.Empty));

    private static string B64(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));

    [Fact]
    [Trait("Matrix", "J8")]
    [Trait("Matrix", "J9")]
    public void Precheck_NeverThrows_AndOnlyAnswersDocumentedReasons()
        => PropertyCheck.Run(Prop.ForAll(AnyToken.ToArbitrary(), token =>
        {
            var reason = JwtPrecheck.Check(token, 8 * 1024, Allowed, NoTypes);
            return reason is null || Documented.Contains(reason);
        }), maxTest: 3000);

    [Fact]
    [Trait("Matrix", "J1")]
    [Trait("Matrix", "J3")]
    [Trait("Matrix", "J9")]
    public void Precheck_NeverPassesWhatTheStrictGrammarRejects()
        => PropertyCheck.Run(Prop.ForAll(AnyToken.ToArbitrary(), token =>
        {
            if (JwtPrecheck.Check(token, 8 * 1024, Allowed, NoTypes) is not null)
            {
                return true;
            }

            // Passed: exactly three canonical base64url segments, a header object with one allowed alg and nothing that
            // asks for decryption or extensions, a payload object.
            if (!ThreeSegments().IsMatch(token))
            {
                return false;
            }

            var parts = token.Split('.');
            var decoded = parts.Select(p => Base64Url.DecodeFromChars(p)).ToArray();
            if (parts.Zip(decoded).Any(pair => Base64Url.EncodeToString(pair.Second) != pair.First))
            {
                return false;
            }

            using var header = JsonDocument.Parse(decoded[0]);
            using var payload = JsonDocument.Parse(decoded[1]);
            var names = header.RootElement.EnumerateObject().Select(p => p.Name).ToList();
            return header.RootElement.GetProperty("alg").GetString() is { } alg && Allowed.Contains(alg)
                && names.Count == names.Distinct(StringComparer.OrdinalIgnoreCase).Count()
                && !names.Any(n => n is "enc" or "zip" or "crit")
                && payload.RootElement.ValueKind == JsonValueKind.Object;
        }), maxTest: 3000);

    [Fact]
    [Trait("Matrix", "J9")]
    public void Precheck_RefusesEveryFiveSegmentToken_AsEncrypted()
        => PropertyCheck.Run(Prop.ForAll(Gen.ArrayOf(Segment.Where(s => s.Length > 0 && Alphabet().IsMatch(s)), 5).ToArbitrary(), segments =>
            JwtPrecheck.Check(string.Join('.', segments), 8 * 1024, Allowed, NoTypes) == WebSocketAuthFailureReasons.EncryptedToken));

    [Fact]
    [Trait("Matrix", "J8")]
    public void Precheck_RefusesEveryTokenOverTheCap_BeforeLookingAtIt()
        => PropertyCheck.Run(Prop.ForAll(Gen.Choose(1, 64).ToArbitrary(), AnyToken.ToArbitrary(), (cap, token) =>
            token.Length <= cap || JwtPrecheck.Check(token, cap, Allowed, NoTypes) == WebSocketAuthFailureReasons.TokenTooLarge));

    [Fact]
    [Trait("Matrix", "J1")]
    public void StrictBase64Url_RoundTripsEveryByteString()
        => PropertyCheck.Run(Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), bytes =>
        {
            bytes ??= [];
            var text = Base64Url.EncodeToString(bytes);
            var buffer = new byte[StrictBase64Url.MaxDecodedLength(text.Length)];
            return bytes.Length == 0
                ? !StrictBase64Url.IsValid(text)
                : StrictBase64Url.TryDecode(text, buffer, out var written) && buffer.AsSpan(0, written).SequenceEqual(bytes);
        }), maxTest: 2000);

    [Fact]
    [Trait("Matrix", "J1")]
    public void StrictBase64Url_NeverThrows_AndAcceptsOnlyCanonicalUnpaddedText()
        => PropertyCheck.Run(Prop.ForAll(Gen.OneOf(Segment, ArbMap.Default.GeneratorFor<string>().Select(s => s ?? string.Empty)).ToArbitrary(), text =>
        {
            var buffer = new byte[StrictBase64Url.MaxDecodedLength(text.Length) + 3];
            if (!StrictBase64Url.TryDecode(text, buffer, out var written))
            {
                return true;
            }

            return Alphabet().IsMatch(text) && Base64Url.EncodeToString(buffer.AsSpan(0, written)) == text;
        }), maxTest: 3000);
}
