using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using WsAuth.Testing;

namespace WsAuth.FunctionalTests;

/// <summary>
/// Raw handshakes that read the exact <c>Sec-WebSocket-Protocol</c> answer for every subprotocol token format and edge
/// case (SECURITY-MATRIX S1-S3): exactly one offered, non-credential protocol, never the token, never 101 without one.
/// </summary>
public class SubprotocolHandshakeTests
{
    private const string K8s = WebSocketAuthDefaults.KubernetesSubprotocolTokenPrefix;

    private static Task<RawResponse> HandshakeAsync(KestrelTestApp app, string protocols, string path = "/ws/protocols")
        => RawHandshake.SendAsync(app.HttpUri, path, [("Origin", TokenApp.AllowedOrigin), ("Sec-WebSocket-Protocol", protocols)]);

    private static void AssertAnswered(RawResponse response, string protocol, string token)
    {
        Assert.Equal(HttpStatusCode.SwitchingProtocols, response.Status);
        Assert.Equal([protocol], response.HeaderValues("Sec-WebSocket-Protocol"));
        Assert.DoesNotContain(response.Headers, h => h.Value.Contains(token, StringComparison.Ordinal));
    }

    private static void AssertRejected(RawResponse response, HttpStatusCode status, string reason)
    {
        Assert.Equal(status, response.Status);
        Assert.Equal(reason, response.Body);
        Assert.Empty(response.HeaderValues("Sec-WebSocket-Protocol"));
        Assert.Empty(response.HeaderValues("Upgrade"));
    }

    [Fact]
    [Trait("Matrix", "S1")]
    public async Task Marker_EndpointPicksNothing_AnswersTheMarker()
    {
        var seen = new ConcurrentQueue<EndpointView>();
        await using var app = await TokenApp.StartAsync(seen: seen);
        var token = TokenApp.Token();

        var response = await HandshakeAsync(app, $"chat.v1, access_token, {token}");

        AssertAnswered(response, "access_token", token);
        var view = Assert.Single(seen);
        Assert.Equal(["chat.v1"], view.RequestedProtocols);
        Assert.Equal("chat.v1", view.ProtocolHeader);
    }

    [Theory]
    [InlineData("marker")]
    [InlineData("kubernetes")]
    [Trait("Matrix", "S1")]
    public async Task TokenInTheProtocolList_IsHiddenEvenWhenAnEarlierMethodDecides(string format)
    {
        // Bearer is registered before the subprotocol authenticator and wins; the token offered in the protocol list
        // (even an invalid one) must still never reach endpoint code or the response.
        var seen = new ConcurrentQueue<EndpointView>();
        await using var app = await TokenApp.StartAsync(seen: seen);
        var bearer = TokenApp.Token("alice");
        const string secret = "not-a-jwt-but-a-secret";
        var protocols = format == "marker"
            ? $"chat.v1, access_token, {secret}"
            : $"chat.v1, {K8s}{Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(secret)).TrimEnd('=').Replace('+', '-').Replace('/', '_')}";

        var response = await RawHandshake.SendAsync(app.HttpUri, "/ws/protocols", [("Origin", TokenApp.AllowedOrigin), ("Authorization", "Bearer " + bearer), ("Sec-WebSocket-Protocol", protocols)]);

        Assert.Equal(HttpStatusCode.SwitchingProtocols, response.Status);
        var view = Assert.Single(seen);
        Assert.Equal(["chat.v1"], view.RequestedProtocols);
        Assert.Equal("chat.v1", view.ProtocolHeader);
        Assert.Equal(format == "marker" ? ["access_token"] : [], response.HeaderValues("Sec-WebSocket-Protocol"));
        Assert.DoesNotContain(response.Headers, h => h.Value.Contains(secret, StringComparison.Ordinal) || h.Value.Contains(K8s, StringComparison.Ordinal));
    }

    [Fact]
    [Trait("Matrix", "S1")]
    public async Task Marker_EndpointPicksItsProtocol_AnswersIt()
    {
        await using var app = await TokenApp.StartAsync();
        var token = TokenApp.Token();
        AssertAnswered(await HandshakeAsync(app, $"chat.v1, access_token, {token}", "/ws/protocols?pick=chat.v1"), "chat.v1", token);
    }

    [Fact]
    public async Task Marker_AloneWithTheToken_AnswersTheMarker()
    {
        var seen = new ConcurrentQueue<EndpointView>();
        await using var app = await TokenApp.StartAsync(seen: seen);
        var token = TokenApp.Token();

        AssertAnswered(await HandshakeAsync(app, $"access_token, {token}"), "access_token", token);
        Assert.Empty(Assert.Single(seen).RequestedProtocols);
    }

    [Fact]
    public async Task Marker_OnTheDefaultEchoEndpoint_AnswersTheMarker()
    {
        await using var app = await TokenApp.StartAsync();
        var token = TokenApp.Token();
        AssertAnswered(await HandshakeAsync(app, $"access_token, {token}", "/ws"), "access_token", token);
    }

    [Theory]
    [InlineData(K8s, "")]
    [InlineData(K8s, "?pick=base64.binary.k8s.io")]
    [InlineData(TokenApp.PhoenixPrefix, "")]
    [InlineData(TokenApp.PhoenixPrefix, "?pick=base64.binary.k8s.io")]
    [Trait("Matrix", "S1")]
    public async Task Prefix_AnswersTheAppProtocol_WhetherOrNotTheEndpointPicksIt(string prefix, string query)
    {
        var seen = new ConcurrentQueue<EndpointView>();
        await using var app = await TokenApp.StartAsync(seen: seen);
        var token = TokenApp.Token();
        var entry = prefix + TestJwt.Base64Url(token);

        var response = await HandshakeAsync(app, $"{entry}, base64.binary.k8s.io", "/ws/protocols" + query);

        AssertAnswered(response, "base64.binary.k8s.io", token);
        Assert.DoesNotContain(response.Headers, h => h.Value.Contains(entry, StringComparison.Ordinal));
        Assert.Equal(["base64.binary.k8s.io"], Assert.Single(seen).RequestedProtocols);
    }

    [Fact]
    public async Task Prefix_WithSeveralAppProtocols_AnswersTheEndpointsChoice()
    {
        await using var app = await TokenApp.StartAsync();
        var token = TokenApp.Token();
        var response = await HandshakeAsync(app, $"v1.chat, {K8s}{TestJwt.Base64Url(token)}, v2.chat", "/ws/protocols?pick=v2.chat");
        AssertAnswered(response, "v2.chat", token);
    }

    [Fact]
    [Trait("Matrix", "S1")]
    [Trait("Matrix", "S3")]
    public async Task EndpointTryingToAnswerTheToken_NeverDoes()
    {
        await using var app = await TokenApp.StartAsync();
        var token = TokenApp.Token();
        var response = await HandshakeAsync(app, $"chat.v1, access_token, {token}", "/ws/protocols?pick=" + token);

        Assert.NotEqual(HttpStatusCode.SwitchingProtocols, response.Status);
        Assert.DoesNotContain(response.Headers, h => h.Value.Contains(token, StringComparison.Ordinal));
        Assert.DoesNotContain(token, response.Body, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Matrix", "S2")]
    public async Task PrefixTokenAlone_Gets400_NeverA101WithoutAProtocol()
    {
        await using var app = await TokenApp.StartAsync();
        AssertRejected(await HandshakeAsync(app, K8s + TestJwt.Base64Url(TokenApp.Token())), HttpStatusCode.BadRequest, WebSocketAuthFailureReasons.SubprotocolRequired);
        Assert.Equal(0, app.EndpointInvocations);
    }

    [Theory]
    [InlineData("chat, access_token, {0}, access_token, {0}")]
    [InlineData("chat, access_token, {0}, " + K8s + "{1}")]
    [InlineData(K8s + "{1}, " + K8s + "{1}, chat")]
    [InlineData(K8s + "{1}, " + TokenApp.PhoenixPrefix + "{1}, chat")]
    [Trait("Matrix", "S2")]
    public async Task TwoTokens_Get400(string template)
    {
        await using var app = await TokenApp.StartAsync();
        var token = TokenApp.Token();
        var protocols = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, token, TestJwt.Base64Url(token));
        AssertRejected(await HandshakeAsync(app, protocols), HttpStatusCode.BadRequest, WebSocketAuthFailureReasons.TokenMultiple);
    }

    [Theory]
    [InlineData("chat, access_token")]
    [InlineData(K8s + ", chat")]
    [Trait("Matrix", "S2")]
    public async Task EmptyToken_Gets400(string protocols)
    {
        await using var app = await TokenApp.StartAsync();
        AssertRejected(await HandshakeAsync(app, protocols), HttpStatusCode.BadRequest, WebSocketAuthFailureReasons.TokenMissing);
    }

    [Theory]
    [InlineData("=")]
    [InlineData("==")]
    [InlineData("+")]
    [Trait("Matrix", "S2")]
    public async Task PaddedOrNonUrlBase64_Gets400(string spoiler)
    {
        await using var app = await TokenApp.StartAsync();
        var encoded = TestJwt.Base64Url(TokenApp.Token() + "x");
        AssertRejected(await HandshakeAsync(app, $"{K8s}{encoded}{spoiler}, chat"), HttpStatusCode.BadRequest, WebSocketAuthFailureReasons.TokenEncodingInvalid);
    }

    [Fact]
    [Trait("Matrix", "S2")]
    public async Task InvalidOrExpiredToken_Gets401WithTheReason()
    {
        await using var app = await TokenApp.StartAsync();
        var expired = TestJwt.HmacToken(TimeProvider.System.GetUtcNow().AddHours(-1));
        AssertRejected(await HandshakeAsync(app, "chat, access_token, not-a-jwt"), HttpStatusCode.Unauthorized, WebSocketAuthFailureReasons.MalformedToken);
        AssertRejected(await HandshakeAsync(app, $"chat, access_token, {expired}"), HttpStatusCode.Unauthorized, WebSocketAuthFailureReasons.Expired);
        AssertRejected(await HandshakeAsync(app, $"{K8s}{TestJwt.Base64Url(expired)}, chat"), HttpStatusCode.Unauthorized, WebSocketAuthFailureReasons.Expired);
        Assert.Equal(0, app.EndpointInvocations);
    }

    [Fact]
    public async Task NoTokenEntries_LeaveTheAppsProtocolsToTheEndpoint()
    {
        var seen = new ConcurrentQueue<EndpointView>();
        await using var app = await TokenApp.StartAsync(seen: seen);
        var response = await RawHandshake.SendAsync(app.HttpUri, "/ws/protocols?pick=chat.v2", [
            ("Origin", TokenApp.AllowedOrigin), ("Sec-WebSocket-Protocol", "chat.v1, chat.v2"), ("Authorization", "Bearer " + TokenApp.Token())]);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, response.Status);
        Assert.Equal(["chat.v2"], response.HeaderValues("Sec-WebSocket-Protocol"));
        Assert.Equal(["chat.v1", "chat.v2"], Assert.Single(seen).RequestedProtocols);
    }

    [Fact]
    public async Task ProtocolsOverSeveralHeaderLines_AreReadAsOneList()
    {
        await using var app = await TokenApp.StartAsync();
        var token = TokenApp.Token();
        var response = await RawHandshake.SendAsync(app.HttpUri, "/ws/protocols?pick=chat.v1", [
            ("Origin", TokenApp.AllowedOrigin), ("Sec-WebSocket-Protocol", "chat.v1"), ("Sec-WebSocket-Protocol", $"access_token, {token}")]);
        AssertAnswered(response, "chat.v1", token);
    }

    [Fact]
    public async Task SubprotocolAfterCookie_IsAStartupError()
    {
        var ex = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => TokenApp.StartAsync(ws => ws.AddCookie().AddSubprotocolToken()));
        Assert.Contains(".AddSubprotocolToken().AddCookie()", ex.Message, StringComparison.Ordinal);
    }
}
