using FsCheck;
using FsCheck.Fluent;

namespace WsAuth.Tests.Properties;

/// <summary>Generators of origin-like strings: mostly near-valid, with the tricks attackers use mixed in.</summary>
internal static class OriginGenerators
{
    private static readonly string[] Schemes = ["http", "https", "HTTP", "HtTpS", "wss", "ws", "ftp", "chrome-extension", "h+t.p", "1http", "", "ht tp"];
    private static readonly string[] Separators = ["://", "://", "://", ":/", "//", ":", ""];
    private static readonly string[] LabelChars = ["a", "b", "z", "A", "Z", "0", "9", "-", "_", "ü", "Ü", "а", "é", "ß", "%2e", "*", " ", "\t", "\r", "\n", "\0", "@", "/", "\\", "[", "]", ":"];
    private static readonly string[] Ports = ["", "", ":443", ":80", ":8443", ":0", ":65535", ":65536", ":08443", ":", ":-1", ":4x3", ":123456"];
    private static readonly string[] Tails = ["", "", "", "/", "/path", "?q=1", "#f", " ", "\t", ", https://evil.test", "."];

    public static Gen<string> Label =>
        from length in Gen.Choose(1, 8)
        from parts in Gen.ArrayOf(Gen.Elements(LabelChars), length)
        select string.Concat(parts);

    public static Gen<string> Host =>
        Gen.OneOf(
            from count in Gen.Choose(1, 4)
            from labels in Gen.ArrayOf(Label, count)
            select string.Join('.', labels),
            Gen.Elements("[::1]", "[0:0:0:0:0:0:0:1]", "[2001:DB8::1]", "127.0.0.1", "[127.0.0.1]", "[::1", "localhost", "app.example.com", "APP.Example.COM", "xn--bcher-kva.example", "bücher.example", "example.com.", "..", ""));

    /// <summary>Near-valid origins with random damage.</summary>
    public static Gen<string> OriginLike =>
        from scheme in Gen.Elements(Schemes)
        from separator in Gen.Elements(Separators)
        from host in Host
        from port in Gen.Elements(Ports)
        from tail in Gen.Elements(Tails)
        from lead in Gen.Elements("", "", " ", "\t")
        select lead + scheme + separator + host + port + tail;

    /// <summary>Valid http(s) origins over plain ASCII hosts, as (scheme, host, port or null).</summary>
    public static Gen<(string Scheme, string Host, int? Port)> ValidParts =>
        from scheme in Gen.Elements("http", "https")
        from count in Gen.Choose(1, 4)
        from labels in Gen.ArrayOf(
            from length in Gen.Choose(1, 10)
            from chars in Gen.ArrayOf(Gen.Elements("abcdefghijklmnopqrstuvwxyz0123456789".ToCharArray()), length)
            select new string(chars),
            count)
        from port in Gen.OneOf(Gen.Constant<int?>(null), Gen.Choose(1, 65535).Select(p => (int?)p))
        select (scheme, string.Join('.', labels), port);

    /// <summary>Changes the case of every letter at random.</summary>
    public static Gen<string> RandomCase(string value) =>
        from flips in Gen.ArrayOf(ArbMap.Default.GeneratorFor<bool>(), value.Length)
        select new string(value.Select((c, i) => flips[i] ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c)).ToArray());
}
