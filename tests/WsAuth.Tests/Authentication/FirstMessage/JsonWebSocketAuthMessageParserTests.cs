using System.Text;
using WsAuth.Internal;

namespace WsAuth.Tests.Authentication.FirstMessage;

public class JsonWebSocketAuthMessageParserTests
{
    private static readonly JsonWebSocketAuthMessageParser Parser = JsonWebSocketAuthMessageParser.Instance;

    [Theory]
    [InlineData("{\"type\":\"auth\",\"token\":\"abc\"}", "abc")]
    [InlineData("{\"token\":\"abc\",\"type\":\"auth\"}", "abc")]
    [InlineData("  {\"type\" : \"auth\", \"token\" : \"a\\u0062c\"}  ", "abc")]
    [InlineData("{\"type\":\"auth\",\"token\":\"abc\",\"extra\":{\"nested\":[1,2,{\"x\":null}]}}", "abc")]
    public void WellFormedAuthMessage_YieldsTheToken(string json, string expected)
    {
        Assert.True(Parser.TryReadAuthMessage(Encoding.UTF8.GetBytes(json), out var token));
        Assert.Equal(expected, token);
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("\"auth\"")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("{\"type\":\"auth\"}")]
    [InlineData("{\"token\":\"abc\"}")]
    [InlineData("{\"type\":\"auth\",\"token\":\"\"}")]
    [InlineData("{\"type\":\"auth\",\"token\":null}")]
    [InlineData("{\"type\":\"auth\",\"token\":1}")]
    [InlineData("{\"type\":1,\"token\":\"abc\"}")]
    [InlineData("{\"type\":\"AUTH\",\"token\":\"abc\"}")]
    [InlineData("{\"type\":\"refresh\",\"token\":\"abc\"}")]
    [InlineData("{\"type\":\"auth\",\"type\":\"auth\",\"token\":\"abc\"}")]
    [InlineData("{\"type\":\"auth\",\"token\":\"abc\",\"token\":\"def\"}")]
    [InlineData("{\"type\":\"auth\",\"token\":\"abc\"} {}")]
    [InlineData("{\"type\":\"auth\",\"token\":\"abc\"")]
    [InlineData("{\"type\":\"auth\",\"token\":\"abc\",}")]
    [InlineData("{\"type\":\"auth\",/*c*/\"token\":\"abc\"}")]
    public void AnythingElse_IsMalformed(string json)
    {
        Assert.False(Parser.TryReadAuthMessage(Encoding.UTF8.GetBytes(json), out var token));
        Assert.Null(token);
    }

    [Fact]
    public void InvalidUtf8InTheToken_IsMalformed_NotAnException()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"type\":\"auth\",\"token\":\"ab\"}");
        bytes[^3] = 0xFF;
        Assert.False(Parser.TryReadAuthMessage(bytes, out _));
    }

    [Fact]
    public void DeeplyNestedJunk_IsMalformed_NotAnException()
    {
        var json = "{\"type\":\"auth\",\"token\":\"abc\",\"x\":" + new string('[', 5000) + new string(']', 5000) + "}";
        Assert.False(Parser.TryReadAuthMessage(Encoding.UTF8.GetBytes(json), out _));
    }

    [Fact]
    public void RefreshMessage_IsReadByTheRefreshMethodOnly()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"type\":\"refresh\",\"token\":\"abc\"}");
        Assert.True(Parser.TryReadRefreshMessage(bytes, out var token));
        Assert.Equal("abc", token);
        Assert.False(Parser.TryReadAuthMessage(bytes, out _));
    }

    [Fact]
    public void RefreshPrefix_IsTheCompactLeadingBytesOfTheWireFormat()
    {
        var prefix = Encoding.UTF8.GetString(Parser.RefreshPrefix.Span);
        Assert.Equal("{\"type\":\"refresh\",\"token\":", prefix);
        var serialized = System.Text.Json.JsonSerializer.Serialize(new { type = "refresh", token = "t" });
        Assert.StartsWith(prefix, serialized, StringComparison.Ordinal);
    }
}
