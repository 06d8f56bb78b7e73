using Microsoft.Extensions.Primitives;
using WsAuth.Internal;

namespace WsAuth.Tests.Internal;

public class ProtocolListTests
{
    [Fact]
    public void Parse_SplitsCommasAndHeaderLinesAndTrims()
        => Assert.Equal(["a", "b", "c", "d"], ProtocolList.Parse(new StringValues(["a, b", " c ,,d", ""])));

    [Fact]
    public void Parse_Nothing_IsEmpty() => Assert.Empty(ProtocolList.Parse(StringValues.Empty));

    [Fact]
    public void Parse_OneBareEntry_HandsOutTheHeaderValueWithoutCopying()
    {
        const string header = "chat.v1";
        Assert.Same(header, Assert.Single(ProtocolList.Parse(header)));
    }
}
