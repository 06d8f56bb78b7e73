using WsAuth.Internal;

namespace WsAuth.Tests.Internal;

public class LogSafeTests
{
    [Theory]
    [Trait("Matrix", "AV6")]
    [InlineData("\u2028")]
    [InlineData("\u2029")]
    [InlineData("\u202A")]
    [InlineData("\u202E")]
    [InlineData("\u2066")]
    [InlineData("\u2069")]
    [InlineData("\u200E")]
    [InlineData("\u200F")]
    [InlineData("\u061C")]
    [InlineData("\u200B")]
    [InlineData("\r")]
    [InlineData("\n")]
    [InlineData("\u0085")]
    public void Origin_ReplacesLineAndBidiCharacters(string dangerous)
        => Assert.Equal("https://a?b.example", LogSafe.Origin("https://a" + dangerous + "b.example"));

    [Fact]
    public void Origin_KeepsOrdinaryUnicode_AndCutsAt256()
    {
        Assert.Equal("https://bücher.example", LogSafe.Origin("https://bücher.example"));
        Assert.Equal(257, LogSafe.Origin(new string('a', 1000))!.Length);
    }
}
