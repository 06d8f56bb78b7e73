using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using WsAuth.Internal;
using WsAuth.Testing;

namespace WsAuth.Tests.Authentication;

public class SubprotocolTokenWebSocketAuthenticatorTests
{
    private const string K8s = WebSocketAuthDefaults.KubernetesSubprotocolTokenPrefix;
    private const string Phoenix = "base64url.bearer.phx.";

    private readonly FakeTokenValidator _validator = new();

    private async Task<(WebSocketAuthenticateResult Result, WebSocketAuthenticateContext Context)> RunAsync(string header, Action<WebSocketSubprotocolTokenOptions>? configure = null)
    {
        var options = new WebSocketSubprotocolTokenOptions();
        options.Prefixes.Add(Phoenix);
        configure?.Invoke(options);
        var authenticator = new SubprotocolTokenWebSocketAuthenticator(_validator, Options.Create(options));
        var context = FakeTokenValidator.Handshake(r => r.Headers.SecWebSocketProtocol = header);
        var result = await authenticator.AuthenticateAsync(context, CancellationToken.None);
        return (result, context);
    }

    [Fact]
    public async Task MarkerForm_ValidatesTheNextEntry_HidesMarkerAndToken_AndFallsBackToTheMarker()
    {
        var (result, context) = await RunAsync("chat.v1, access_token, good-alice");

        Assert.True(result.Succeeded);
        Assert.Equal(["good-alice"], _validator.Seen);
        Assert.Equal(["chat.v1"], context.RequestedProtocols);
        Assert.Equal("access_token", context.FallbackProtocol);
    }

    [Fact]
    public async Task MarkerForm_WithoutAnAppProtocol_FallsBackToTheMarker()
    {
        var (result, context) = await RunAsync("access_token, good-alice");
        Assert.True(result.Succeeded);
        Assert.Empty(context.RequestedProtocols);
        Assert.Equal("access_token", context.FallbackProtocol);
    }

    [Theory]
    [InlineData(K8s)]
    [InlineData(Phoenix)]
    public async Task PrefixForm_DecodesBase64Url_HidesTheEntry_AndFallsBackToTheFirstOtherProtocol(string prefix)
    {
        var (result, context) = await RunAsync($"{prefix}{TestJwt.Base64Url("good-bob")}, base64.binary.k8s.io, chat.v1");

        Assert.True(result.Succeeded);
        Assert.Equal(["good-bob"], _validator.Seen);
        Assert.Equal(["base64.binary.k8s.io", "chat.v1"], context.RequestedProtocols);
        Assert.Equal("base64.binary.k8s.io", context.FallbackProtocol);
    }

    [Fact]
    public async Task ConfiguredMarker_IsUsed_AndTheDefaultOneIsNot()
    {
        var (result, context) = await RunAsync("chat, my.auth, good-x", o => o.Marker = "my.auth");
        Assert.True(result.Succeeded);
        Assert.Equal("my.auth", context.FallbackProtocol);

        var (none, _) = await RunAsync("chat, access_token, good-x", o => o.Marker = "my.auth");
        Assert.False(none.Succeeded || none.Failed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("chat.v1")]
    [InlineData("chat.v1, graphql-ws")]
    [InlineData("base64url.bearer.other.abc, chat")]
    [InlineData("Access_Token, good")]
    public async Task NoCredentialEntry_IsNoCredentials_AndLeavesTheListAlone(string header)
    {
        var (result, context) = await RunAsync(header);
        Assert.False(result.Succeeded || result.Failed);
        Assert.Empty(_validator.Seen);
        Assert.Null(context.FallbackProtocol);
    }

    [Theory]
    [InlineData("chat, access_token, good-a, access_token, good-b")]
    [InlineData("chat, access_token, good-a, " + K8s + "Z29vZC1i")]
    [InlineData(K8s + "Z29vZC1h, " + K8s + "Z29vZC1i, chat")]
    [InlineData(K8s + "Z29vZC1h, " + Phoenix + "Z29vZC1i, chat")]
    [InlineData("chat, access_token, good-a, access_token")]
    public async Task TwoTokens_Get400(string header)
    {
        var (result, _) = await RunAsync(header);
        Assert.Equal(WebSocketAuthFailureReasons.TokenMultiple, result.FailureReason);
        Assert.Equal(StatusCodes.Status400BadRequest, result.StatusCode);
        Assert.Empty(_validator.Seen);
    }

    [Theory]
    [InlineData("chat, access_token")]
    [InlineData(K8s + ", chat")]
    [InlineData("chat, " + Phoenix)]
    public async Task EmptyToken_Gets400(string header)
    {
        var (result, _) = await RunAsync(header);
        Assert.Equal(WebSocketAuthFailureReasons.TokenMissing, result.FailureReason);
        Assert.Equal(StatusCodes.Status400BadRequest, result.StatusCode);
    }

    [Theory]
    [InlineData("Z29vZC1hbA==")]   // padded ("good-al")
    [InlineData("Z29vZC1hbA=")]
    [InlineData("Z29vZC1+bA")]     // base64, not base64url
    [InlineData("Z29vZC1/bA")]
    [InlineData("Z29vZC1hb")]      // impossible length
    [InlineData("Z29vZC1hbB")]     // non-zero trailing bits
    [InlineData("_-8")]            // not UTF-8
    [InlineData("Z29v ZC1h")]
    public async Task BadEncoding_Gets400(string encoded)
    {
        var (result, _) = await RunAsync($"{K8s}{encoded}, chat");
        Assert.Equal(WebSocketAuthFailureReasons.TokenEncodingInvalid, result.FailureReason);
        Assert.Equal(StatusCodes.Status400BadRequest, result.StatusCode);
        Assert.Empty(_validator.Seen);
    }

    [Fact]
    public async Task PrefixTokenWithNoOtherProtocol_Gets400_BeforeValidation()
    {
        var (result, _) = await RunAsync($"{K8s}{TestJwt.Base64Url("good-a")}");
        Assert.Equal(WebSocketAuthFailureReasons.SubprotocolRequired, result.FailureReason);
        Assert.Equal(StatusCodes.Status400BadRequest, result.StatusCode);
    }

    [Fact]
    public async Task InvalidToken_FailsWithTheValidatorsReason_AndSetsNoFallback()
    {
        var (result, context) = await RunAsync("chat, access_token, bad-token");
        Assert.Equal(WebSocketAuthFailureReasons.InvalidSignature, result.FailureReason);
        Assert.Equal(StatusCodes.Status401Unauthorized, result.StatusCode);
        Assert.Null(context.FallbackProtocol);
    }

    [Fact]
    public async Task TokenRepeatedAsAnotherEntry_IsHiddenEverywhere()
    {
        var (result, context) = await RunAsync("good-a, chat, access_token, good-a");
        Assert.True(result.Succeeded);
        Assert.Equal(["chat"], context.RequestedProtocols);
    }

    [Fact]
    public async Task DecodedTokenOfferedInTheClear_IsHiddenToo()
    {
        var (result, context) = await RunAsync($"chat, {K8s}{TestJwt.Base64Url("good-a")}, good-a");
        Assert.True(result.Succeeded);
        Assert.Equal(["chat"], context.RequestedProtocols);
        Assert.Equal("chat", context.FallbackProtocol);
    }

    [Fact]
    public async Task PrefixFormatsOff_OnlyTheMarkerIsRecognized()
    {
        var (result, _) = await RunAsync($"{K8s}{TestJwt.Base64Url("good-a")}, chat", o => o.Prefixes.Clear());
        Assert.False(result.Succeeded || result.Failed);
    }
}
