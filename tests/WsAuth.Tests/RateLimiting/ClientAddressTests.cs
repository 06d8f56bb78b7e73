using System.Net;
using WsAuth.Internal;

namespace WsAuth.Tests.RateLimiting;

public class ClientAddressTests
{
    [Theory]
    [InlineData("203.0.113.7", 64, "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", 64, "203.0.113.7")]
    [InlineData("2001:db8:1:2:3:4:5:6", 64, "2001:db8:1:2::")]
    [InlineData("2001:db8:1:2:ffff:ffff:ffff:ffff", 64, "2001:db8:1:2::")]
    [InlineData("2001:db8:1:2:3:4:5:6", 48, "2001:db8:1::")]
    [InlineData("2001:db8:1:2:3:4:5:6", 128, "2001:db8:1:2:3:4:5:6")]
    [InlineData("fe80::1%2", 128, "fe80::1")]
    public void Key_GroupsIPv6ByPrefix_AndUnmapsIPv4(string address, int prefix, string expected)
        => Assert.Equal(IPAddress.Parse(expected), ClientAddress.Key(IPAddress.Parse(address), prefix));

    [Fact]
    public void Key_WithoutAnAddress_IsOneSharedKey()
        => Assert.Equal(ClientAddress.Unknown, ClientAddress.Key(null, 64));

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("10.1.2.3", true)]
    [InlineData("172.16.0.1", true)]
    [InlineData("172.31.255.1", true)]
    [InlineData("172.32.0.1", false)]
    [InlineData("192.168.1.1", true)]
    [InlineData("203.0.113.7", false)]
    [InlineData("::1", true)]
    [InlineData("fd00::1", true)]
    [InlineData("2001:db8::1", false)]
    public void IsLoopbackOrPrivate(string address, bool expected)
        => Assert.Equal(expected, ClientAddress.IsLoopbackOrPrivate(IPAddress.Parse(address)));
}
