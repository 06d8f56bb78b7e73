using System.Security.Claims;

namespace WsAuth.Tests.Authentication;

public class WebSocketAuthenticateResultTests
{
    [Theory]
    [InlineData("")]
    [InlineData("Invalid")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.sig")]
    [InlineData("has space")]
    public void Fail_ReasonOutsideTheAlphabet_ThrowsWithoutEchoingIt(string reason)
    {
        var ex = Assert.Throws<ArgumentException>(() => WebSocketAuthenticateResult.Fail(reason));
        if (reason.Length > 0)
        {
            Assert.DoesNotContain(reason, ex.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(200)]
    [InlineData(101)]
    [InlineData(302)]
    [InlineData(600)]
    public void Fail_NonErrorStatus_Throws(int status)
        => Assert.Throws<ArgumentOutOfRangeException>(() => WebSocketAuthenticateResult.Fail("x", status));

    [Fact]
    public void Success_UnauthenticatedPrincipal_Throws()
        => Assert.Throws<ArgumentException>(() => WebSocketAuthenticateResult.Success(new ClaimsPrincipal(new ClaimsIdentity())));

    [Fact]
    public void States_AreExclusive()
    {
        var success = WebSocketAuthenticateResult.Success(new ClaimsPrincipal(new ClaimsIdentity("test")));
        var failure = WebSocketAuthenticateResult.Fail("expired");
        var none = WebSocketAuthenticateResult.NoCredentials;
        Assert.True(success.Succeeded);
        Assert.False(success.Failed);
        Assert.True(failure.Failed);
        Assert.False(failure.Succeeded);
        Assert.Equal(401, failure.StatusCode);
        Assert.False(none.Succeeded);
        Assert.False(none.Failed);
    }
}
