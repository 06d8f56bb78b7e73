using WsAuth.Internal;

namespace WsAuth.Tests;

public class WebSocketAuthCloseCodesTests
{
    [Fact]
    public void Codes_HaveTheirDocumentedValues()
    {
        // Arrange/Act/Assert: these numbers are public API, in the README, docs/sessions.md and both clients.
        Assert.Equal(1008, WebSocketAuthCloseCodes.PolicyViolation);
        Assert.Equal(1011, WebSocketAuthCloseCodes.ServerError);
        Assert.Equal(4400, WebSocketAuthCloseCodes.Malformed);
        Assert.Equal(4401, WebSocketAuthCloseCodes.Unauthorized);
        Assert.Equal(4403, WebSocketAuthCloseCodes.Forbidden);
        Assert.Equal(4408, WebSocketAuthCloseCodes.AuthTimeout);
        Assert.Equal(4429, WebSocketAuthCloseCodes.TooMany);
    }

    [Theory]
    [InlineData(WebSocketAuthCloseCodes.PolicyViolation, true, true)]
    [InlineData(WebSocketAuthCloseCodes.ServerError, true, false)]
    [InlineData(WebSocketAuthCloseCodes.Malformed, false, false)]
    [InlineData(WebSocketAuthCloseCodes.Unauthorized, true, true)]
    [InlineData(WebSocketAuthCloseCodes.Forbidden, false, false)]
    [InlineData(WebSocketAuthCloseCodes.AuthTimeout, true, false)]
    [InlineData(WebSocketAuthCloseCodes.TooMany, true, false)]
    [InlineData(1000, true, false)]
    [InlineData(1001, true, false)]
    [InlineData(1006, true, false)]
    [InlineData(4404, true, false)]
    public void ReconnectRules_AreTheTableTheClientsFollow(int code, bool reconnect, bool freshCredential)
    {
        Assert.Equal(reconnect, WebSocketAuthCloseCodes.ShouldReconnect(code));
        Assert.Equal(freshCredential, WebSocketAuthCloseCodes.NeedsFreshCredential(code));
    }

    [Theory]
    [InlineData(400, WebSocketAuthCloseCodes.Malformed)]
    [InlineData(401, WebSocketAuthCloseCodes.Unauthorized)]
    [InlineData(403, WebSocketAuthCloseCodes.Forbidden)]
    [InlineData(408, WebSocketAuthCloseCodes.AuthTimeout)]
    [InlineData(429, WebSocketAuthCloseCodes.TooMany)]
    [InlineData(500, WebSocketAuthCloseCodes.ServerError)]
    [InlineData(503, WebSocketAuthCloseCodes.ServerError)]
    public void EachHttpStatus_MapsToThePublicCode(int status, int code)
        => Assert.Equal(code, CloseCodes.FromStatus(status));

    [Fact]
    public void TheCodesType_IsPublicStaticAndInTheRootNamespace()
    {
        var type = typeof(WebSocketAuthCloseCodes);
        Assert.True(type.IsPublic && type.IsAbstract && type.IsSealed);
        Assert.Equal("WsAuth", type.Namespace);
    }
}
