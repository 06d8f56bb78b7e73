namespace WsAuth.Tests;

public class WebSocketAuthOptionsTests
{
    [Fact]
    public void Defaults_AreTheSecureOnes()
    {
        var options = new WebSocketAuthOptions();
        Assert.Empty(options.AllowedOrigins);
        Assert.False(options.AllowAnyOrigin);
        Assert.False(options.AllowNullOrigin);
        Assert.Equal(MissingOriginPolicy.AllowWithoutAmbientCredentials, options.MissingOrigin);
        Assert.Null(options.RequireSecureTransport);
        Assert.NotNull(options.Events);
        Assert.Null(options.EventsType);
        Assert.Null(options.TimeProvider);
    }
}
