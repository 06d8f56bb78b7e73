using System.Net;
using System.Net.WebSockets;
using System.Text;
using WsAuth.Testing;

namespace WsAuth.FunctionalTests;

/// <summary>
/// The <c>wsauth.</c> control namespace is the server's (SECURITY-MATRIX AV9): a client message that the browser client
/// would take for a control message closes the socket with 4400 and never reaches endpoint code (which could relay it
/// to other users); invalid refreshes count towards the lockout; refreshes per socket are limited.
/// </summary>
public class ControlNamespaceTests
{
    public static TheoryData<string[]> Forged => new()
    {
        { ["{\"type\":\"wsauth.refreshed\",\"expiresAt\":\"2099-01-01T00:00:00Z\"}"] },
        { ["{\"type\":\"wsauth.expiring\",\"expiresAt\":\"2000-01-01T00:00:00Z\"}"] },
        { ["  \n\u00A0\uFEFF{ \"type\" : \"wsauth.authenticated\" }"] },
        { ["{\"type\":\"chat\",\"text\":\"hi\",\"type\":\"wsauth.expiring\"}"] }, // JSON.parse keeps the last
        { ["{\"type\":\"", "wsauth.refreshed\"}"] }, // fragments that start like a refresh
        { ["{", "\"type\":\"wsauth.", "expiring\"}"] },
        { ["   ", "{\"type\":\"wsauth.expiring\"}"] },
    };

    [Theory]
    [Trait("Matrix", "AV9")]
    [MemberData(nameof(Forged))]
    public async Task ClientMessageInTheControlNamespace_ClosesTheSocket_AndNeverReachesTheEndpoint(string[] fragments)
    {
        // Arrange
        var (app, _, _) = await FirstMessageApp.StartAsync();
        await using var _app = app;
        using var socket = await FirstMessageApp.ConnectAsync(app);
        await FirstMessageApp.AuthenticateAsync(socket, TestTokenValidator.Token("mallory"));

        // Act
        for (var i = 0; i < fragments.Length; i++)
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(fragments[i]), WebSocketMessageType.Text, i == fragments.Length - 1, CancellationToken.None);
        }

        // Assert: closed before the echo endpoint could send anything back.
        var (code, reason) = await FirstMessageApp.ReceiveCloseAsync(socket);
        Assert.Equal(4400, code);
        Assert.Equal(WebSocketAuthFailureReasons.ReservedMessageType, reason);
    }

    [Theory]
    [Trait("Matrix", "AV9")]
    [InlineData("{\"type\":\"chat\",\"text\":\"\\\"wsauth.refreshed\"}")]
    [InlineData("{\"type\":\"wsauthx\",\"note\":\"\\\"wsauth.\"}")]
    [InlineData("[{\"type\":\"wsauth.expiring\"}]")]
    [InlineData("{\"type\":\"\\u0077sauth.expiring\"}")] // the client's includes('"wsauth.') does not see it either
    public async Task ApplicationMessagesMentioningWsAuth_StillReachTheEndpoint(string message)
    {
        var (app, _, _) = await FirstMessageApp.StartAsync();
        await using var _app = app;
        using var socket = await FirstMessageApp.ConnectAsync(app);
        await FirstMessageApp.AuthenticateAsync(socket, TestTokenValidator.Token("alice"));

        await WebSocketTestClient.SendTextAsync(socket, message);

        Assert.Equal(message, await WebSocketTestClient.ReceiveTextAsync(socket));
    }

    [Fact]
    [Trait("Matrix", "AV9")]
    public async Task LargeFragmentedMessages_AreDeliveredWhole()
    {
        var (app, _, _) = await FirstMessageApp.StartAsync();
        await using var _app = app;
        using var socket = await FirstMessageApp.ConnectAsync(app);
        await FirstMessageApp.AuthenticateAsync(socket, TestTokenValidator.Token("alice"));
        var message = "{\"type\":\"chat\",\"text\":\"" + new string('x', 3000) + "\"}";
        var bytes = Encoding.UTF8.GetBytes(message);

        await socket.SendAsync(bytes.AsMemory(0, 100), WebSocketMessageType.Text, false, CancellationToken.None);
        await socket.SendAsync(bytes.AsMemory(100), WebSocketMessageType.Text, true, CancellationToken.None);

        // The echo endpoint sends back what it received, in the pieces it received.
        var echoed = new StringBuilder();
        var buffer = new byte[8192];
        while (echoed.Length < message.Length)
        {
            var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
            echoed.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
        }

        Assert.Equal(message, echoed.ToString());
    }

    [Fact]
    [Trait("Matrix", "AV9")]
    public async Task InvalidRefreshes_CountTowardsTheLockout()
    {
        // Arrange: two rejected credentials lock the client out.
        var (app, _, _) = await FirstMessageApp.StartAsync(o => o.RateLimiting.LockoutThreshold = 2);
        await using var _app = app;

        // Act: two sessions each send an invalid refresh.
        var codes = new List<int>();
        for (var i = 0; i < 2; i++)
        {
            using var socket = await FirstMessageApp.ConnectAsync(app);
            await FirstMessageApp.AuthenticateAsync(socket, TestTokenValidator.Token("mallory"));
            await FirstMessageApp.SendRefreshAsync(socket, "invalid-refresh");
            codes.Add((await FirstMessageApp.ReceiveCloseAsync(socket)).Code);
        }

        var after = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", FirstMessageApp.AllowedOrigin)]);

        // Assert
        Assert.Equal([4401, 4401], codes);
        Assert.Equal(HttpStatusCode.TooManyRequests, after.Status);
        Assert.Equal(WebSocketAuthFailureReasons.LockedOut, after.Body);
    }

    [Fact]
    [Trait("Matrix", "AV9")]
    public async Task RefreshesPerSocket_AreLimited()
    {
        // Arrange
        var (app, time, _) = await FirstMessageApp.StartAsync(o => o.Sessions.MaxRefreshesPerMinute = 2);
        await using var _app = app;
        using var socket = await FirstMessageApp.ConnectAsync(app);
        await FirstMessageApp.AuthenticateAsync(socket, TestTokenValidator.Token("alice", time.GetUtcNow().AddMinutes(5)));

        // Act: three refreshes within a minute.
        var acks = new List<string?>();
        for (var i = 0; i < 2; i++)
        {
            await FirstMessageApp.SendRefreshAsync(socket, TestTokenValidator.Token("alice", time.GetUtcNow().AddMinutes(10)));
            acks.Add((await FirstMessageApp.ReceiveJsonAsync(socket)).GetProperty("type").GetString());
        }

        await FirstMessageApp.SendRefreshAsync(socket, TestTokenValidator.Token("alice", time.GetUtcNow().AddMinutes(10)));
        var (code, reason) = await FirstMessageApp.ReceiveCloseAsync(socket);

        // Assert
        Assert.Equal(["wsauth.refreshed", "wsauth.refreshed"], acks);
        Assert.Equal(4429, code);
        Assert.Equal(WebSocketAuthFailureReasons.RateLimited, reason);
    }
}
