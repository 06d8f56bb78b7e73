using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.Primitives;
using WsAuth.Internal;

namespace WsAuth.Tests.Properties;

public class ProtocolListPropertyTests
{
    private static readonly Gen<string[]> HeaderLines =
        Gen.ArrayOf(
            from count in Gen.Choose(0, 8)
            from parts in Gen.ArrayOf(Gen.Elements("chat.v1", "access_token", "a", " ", "\t", ",", ",,", "eyJ.x.y", "base64url.bearer.authorization.k8s.io.dG9r", "ü", "=", ""), count)
            select string.Concat(parts));

    [Fact]
    [Trait("Matrix", "S2")]
    public void Parse_NeverThrows_AndYieldsOnlyTrimmedNonEmptyEntriesWithoutCommas()
        => PropertyCheck.Run(Prop.ForAll(HeaderLines.ToArbitrary(), lines =>
        {
            var entries = ProtocolList.Parse(new StringValues(lines));
            return entries.All(e => e.Length > 0 && !e.Contains(',', StringComparison.Ordinal) && e == e.Trim(' ', '\t'));
        }));

    [Fact]
    public void Parse_OfItsOwnJoinedOutput_IsTheSame()
        => PropertyCheck.Run(Prop.ForAll(HeaderLines.ToArbitrary(), lines =>
        {
            var once = ProtocolList.Parse(new StringValues(lines));
            var twice = ProtocolList.Parse(string.Join(", ", once));
            return once.SequenceEqual(twice);
        }));

    [Fact]
    public void Parse_NeverThrows_OnAnyString()
        => PropertyCheck.Run(Prop.ForAll(ArbMap.Default.ArbFor<string>(), s =>
        {
            _ = ProtocolList.Parse(s);
            return true;
        }));
}
