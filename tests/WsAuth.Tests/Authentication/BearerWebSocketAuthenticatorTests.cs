using Microsoft.AspNetCore.Http;
using WsAuth.Internal;

namespace WsAuth.Tests.Authentication;

public class BearerWebSocketAuthenticatorTests
{
    private readonly FakeTokenValidator _validator = new();

    private async Task<(WebSocketAuthenticateResult Result, HttpContext Http)> RunAsync(params string[] authorization)
    {
        var context = FakeTokenValidator.Handshake(r => r.Headers.Authorization = authorization);
        var result = await new BearerWebSocketAuthenticator(_validator).AuthenticateAsync(context, CancellationToken.None);
        return (result, context.HttpContext);
    }

    [Theory]
    [InlineData("Bearer good-a", "good-a")]
    [InlineData("bearer good-a", "good-a")]
    [InlineData("BEARER   good-a  ", "good-a")]
    [InlineData("Bearer\tgood-a", "good-a")]
    public async Task BearerToken_IsValidated(string header, string token)
    {
        var (result, _) = await RunAsync(header);
        Assert.True(result.Succeeded);
        Assert.Equal([token], _validator.Seen);
    }

    [Theory]
    [InlineData]
    [InlineData("Basic YWxpY2U6c2VjcmV0")]
    [InlineData("Negotiate abc")]
    [InlineData("Bearerish good-a")]
    public async Task NoBearer_IsNoCredentials(params string[] headers)
    {
        var (result, _) = await RunAsync(headers);
        Assert.False(result.Succeeded || result.Failed);
        Assert.Empty(_validator.Seen);
    }

    [Theory]
    [InlineData("Bearer")]
    [InlineData("Bearer   ")]
    public async Task EmptyBearer_Gets400WithAChallenge(string header)
    {
        var (result, http) = await RunAsync(header);
        Assert.Equal(WebSocketAuthFailureReasons.TokenMissing, result.FailureReason);
        Assert.Equal(StatusCodes.Status400BadRequest, result.StatusCode);
        Assert.Equal("Bearer error=\"invalid_request\"", http.Response.Headers.WWWAuthenticate.ToString());
    }

    [Fact]
    public async Task TwoAuthorizationHeaders_Get400()
    {
        var (result, _) = await RunAsync("Bearer good-a", "Bearer good-b");
        Assert.Equal(WebSocketAuthFailureReasons.TokenMultiple, result.FailureReason);
        Assert.Empty(_validator.Seen);
    }

    [Fact]
    public async Task InvalidToken_Gets401WithAChallengeThatNeverEchoesTheToken()
    {
        var (result, http) = await RunAsync("Bearer bad-secret");
        Assert.Equal(WebSocketAuthFailureReasons.InvalidSignature, result.FailureReason);
        Assert.Equal(StatusCodes.Status401Unauthorized, result.StatusCode);
        Assert.Equal("Bearer error=\"invalid_token\"", http.Response.Headers.WWWAuthenticate.ToString());
    }
}
