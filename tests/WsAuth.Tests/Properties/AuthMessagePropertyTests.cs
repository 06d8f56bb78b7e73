using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using WsAuth.Internal;

namespace WsAuth.Tests.Properties;

/// <summary>
/// Properties of the default first-message and refresh parser (<see cref="JsonWebSocketAuthMessageParser"/>), which reads
/// whatever an unauthenticated client sends after the upgrade (matrix F2, J10).
/// </summary>
public class AuthMessagePropertyTests
{
    private static readonly JsonWebSocketAuthMessageParser Parser = JsonWebSocketAuthMessageParser.Instance;

    private static readonly Gen<string> Tokens = Gen.OneOf(
        ArbMap.Default.GeneratorFor<string>().Select(s => s ?? string.Empty),
        Gen.Elements("eyJhbGciOiJIUzI1NiJ9.e30.sig", "tok\"en", "tok\\en", "\u2028", "😀", "a"));

    /// <summary>JSON members an attacker might send: the real ones, wrong types, escapes, duplicates and decoys.</summary>
    private static readonly Gen<string> Member = Gen.OneOf(
        Gen.Elements(
            "\"type\":\"auth\"", "\"type\":\"refresh\"", "\"type\":\"AUTH\"", "\"type\":\"auth \"", "\"type\":1", "\"type\":null",
            "\"\\u0074ype\":\"auth\"", "\"type\":\"\\u0061uth\"", "\"Type\":\"auth\"",
            "\"token\":\"\"", "\"token\":null", "\"token\":123", "\"token\":[\"t\"]", "\"token\":{\"a\":1}", "\"Token\":\"t\"",
            "\"other\":[1,2,{\"x\":null}]", "\"other\":\"x\"", "\"nested\":" + new string('[', 20) + new string(']', 20), "\"\":\"\""),
        Tokens.Select(t => "\"token\":" + JsonSerializer.Serialize(t)));

    private static readonly Gen<string> MessageLike =
        from count in Gen.Choose(0, 5)
        from members in Gen.ArrayOf(Member, count)
        from damage in Gen.Elements("", "", "", " ", "\n", ",", "}", " x", "//c", "/*c*/", "{}", "\"")
        from front in Gen.Elements("", "", " ", "[", "\"s\"")
        select front + "{" + string.Join(',', members) + "}" + damage;

    [Fact]
    [Trait("Matrix", "F2")]
    public void Parser_NeverThrows_OnAnyBytes()
        => PropertyCheck.Run(Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), bytes =>
        {
            _ = Parser.TryReadAuthMessage(bytes ?? [], out _);
            _ = Parser.TryReadRefreshMessage(bytes ?? [], out _);
            return true;
        }), maxTest: 2000);

    [Fact]
    [Trait("Matrix", "F2")]
    public void Parser_AcceptsExactlyWhatTheStrictGrammarAccepts()
        => PropertyCheck.Run(Prop.ForAll(MessageLike.ToArbitrary(), message =>
        {
            var utf8 = Encoding.UTF8.GetBytes(message);
            var auth = Parser.TryReadAuthMessage(utf8, out var authToken);
            var refresh = Parser.TryReadRefreshMessage(utf8, out var refreshToken);
            return auth == Reference(utf8, "auth", out var expectedAuth) && authToken == expectedAuth
                && refresh == Reference(utf8, "refresh", out var expectedRefresh) && refreshToken == expectedRefresh
                && !(auth && refresh);
        }), maxTest: 3000);

    [Fact]
    [Trait("Matrix", "F2")]
    [Trait("Matrix", "J10")]
    public void WireProtocolMessages_RoundTrip_AndRefreshMessagesStartWithTheRefreshPrefix()
        => PropertyCheck.Run(Prop.ForAll(Tokens.Where(t => t.Length > 0).ToArbitrary(), token =>
        {
            var auth = JsonSerializer.SerializeToUtf8Bytes(new { type = "auth", token });
            var refresh = JsonSerializer.SerializeToUtf8Bytes(new { type = "refresh", token });
            return Parser.TryReadAuthMessage(auth, out var fromAuth) && fromAuth == token
                && Parser.TryReadRefreshMessage(refresh, out var fromRefresh) && fromRefresh == token
                && !Parser.TryReadRefreshMessage(auth, out _) && !Parser.TryReadAuthMessage(refresh, out _)
                && refresh.AsSpan().StartsWith(Parser.RefreshPrefix.Span);
        }), maxTest: 2000);

    /// <summary>
    /// The grammar as a reference model: one strict JSON object (no comments, no trailing commas, depth at most 16) with
    /// exactly one string <c>type</c> equal to <paramref name="type"/> and exactly one non-empty string <c>token</c>.
    /// </summary>
    private static bool Reference(byte[] utf8, string type, out string? token)
    {
        token = null;
        try
        {
            using var document = JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = 16 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            var types = document.RootElement.EnumerateObject().Where(p => p.NameEquals("type")).ToList();
            var tokens = document.RootElement.EnumerateObject().Where(p => p.NameEquals("token")).ToList();
            if (types is not [{ Value.ValueKind: JsonValueKind.String } t] || tokens is not [{ Value.ValueKind: JsonValueKind.String } k])
            {
                return false;
            }

            var value = k.Value.GetString();
            if (!t.Value.ValueEquals(type) || string.IsNullOrEmpty(value))
            {
                return false;
            }

            token = value;
            return true;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            return false;
        }
    }
}
