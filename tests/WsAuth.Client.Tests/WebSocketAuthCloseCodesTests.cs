namespace WsAuth.Client;

/// <summary>
/// WsAuth.Client compiles the server's src/Shared/WebSocketAuthCloseCodes.cs into its own namespace; these are the same
/// values and rules WsAuth.Tests pins on the server's copy.
/// </summary>
public class WebSocketAuthCloseCodesTests
{
    [Theory]
    [InlineData(WebSocketAuthCloseCodes.PolicyViolation, 1008, true, true)]
    [InlineData(WebSocketAuthCloseCodes.ServerError, 1011, true, false)]
    [InlineData(WebSocketAuthCloseCodes.Malformed, 4400, false, false)]
    [InlineData(WebSocketAuthCloseCodes.Unauthorized, 4401, true, true)]
    [InlineData(WebSocketAuthCloseCodes.Forbidden, 4403, false, false)]
    [InlineData(WebSocketAuthCloseCodes.AuthTimeout, 4408, true, false)]
    [InlineData(WebSocketAuthCloseCodes.TooMany, 4429, true, false)]
    public void ClientCopy_HasTheServersValuesAndRules(int code, int value, bool reconnect, bool freshCredential)
    {
        Assert.Equal(value, code);
        Assert.Equal(reconnect, WebSocketAuthCloseCodes.ShouldReconnect(code));
        Assert.Equal(freshCredential, WebSocketAuthCloseCodes.NeedsFreshCredential(code));
    }

    [Fact]
    public void ClientCopy_IsPublicInTheClientNamespace()
        => Assert.Equal("WsAuth.Client", typeof(WebSocketAuthCloseCodes).Namespace);
}
