using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using WsAuth.Testing;

namespace WsAuth.FunctionalTests;

/// <summary>
/// The first-message method upgrades before endpoint code runs, so it upgrades only WebSocket endpoints (SECURITY-MATRIX
/// AV10): routes mapped for every method or declared with <c>RequireWebSocketAuth</c>/<c>WithWebSocketSubprotocols</c>.
/// A plain HTTP route or a path nothing maps gets 401 <c>no_credentials</c> before any upgrade, never HTTP code
/// running on an upgraded connection.
/// </summary>
public class FirstMessageRoutesTests
{
    private static Task<(KestrelTestApp App, TimerCountingTimeProvider Time, TestTokenValidator Validator)> StartAsync()
        => FirstMessageApp.StartAsync(map: (a, t) =>
        {
            a.MapGet("/auth/methods", () => Results.Ok(new { methods = new[] { "first-message" } }));
            a.MapPost("/auth/login", () => Results.Ok());
            a.MapGet("/ws/declared", t.WelcomeEchoAsync).RequireWebSocketAuth();
        });

    [Theory]
    [Trait("Matrix", "AV10")]
    [InlineData("/auth/methods")]
    [InlineData("/auth/login")]
    [InlineData("/no/such/path")]
    public async Task FirstMessageUpgrade_ToAPlainHttpRouteOrNoRoute_IsRefusedBeforeTheUpgrade(string path)
    {
        // Arrange
        var (app, _, _) = await StartAsync();
        await using var _app = app;

        // Act
        var response = await RawHandshake.SendAsync(app.HttpUri, path, [("Origin", FirstMessageApp.AllowedOrigin)]);

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal(WebSocketAuthFailureReasons.NoCredentials, response.Body);
        Assert.DoesNotContain(app.Logs.GetSnapshot(), e => e.Exception is not null);
    }

    [Theory]
    [Trait("Matrix", "AV10")]
    [InlineData("/ws")]
    [InlineData("/ws/declared")]
    public async Task FirstMessageUpgrade_ToAWebSocketEndpoint_Works(string path)
    {
        var (app, _, _) = await StartAsync();
        await using var _app = app;

        using var socket = await FirstMessageApp.ConnectAsync(app, path);
        var (ack, welcome) = await FirstMessageApp.AuthenticateAsync(socket, TestTokenValidator.Token("alice"));

        Assert.Equal("wsauth.authenticated", ack.GetProperty("type").GetString());
        Assert.Equal("alice", welcome.GetProperty("user").GetString());
    }
}
