using System.Net;
using Microsoft.Extensions.DependencyInjection;
using WsAuth.Testing;

namespace WsAuth.FunctionalTests;

/// <summary>
/// One token-result mapping (<c>CredentialOutcomes</c>): the same validator result is the same reason at the handshake
/// (HTTP status), in a first message and in a refresh (close code 4000 + status, or 1011), and counts toward the
/// handshake lockout by one rule on all three paths.
/// </summary>
public class CredentialOutcomeTests
{
    public static TheoryData<string, int, string, bool> Outcomes => new()
    {
        // token, status (close code = 4000 + status, 1011 for 500), reason, counts toward the lockout
        { "invalid", 401, WebSocketAuthFailureReasons.InvalidCredentials, true },
        { "return-no-result", 401, WebSocketAuthFailureReasons.InvalidCredentials, true },
        { "expired", 401, WebSocketAuthFailureReasons.Expired, false },
        { "revoked", 401, WebSocketAuthFailureReasons.Revoked, false },
        { "return-null", 500, WebSocketAuthFailureReasons.AuthenticatorError, false },
        { "throw", 500, WebSocketAuthFailureReasons.AuthenticatorError, false },
    };

    private static int CloseCodeOf(int status) => status == 500 ? 1011 : 4000 + status;

    private static async Task<(KestrelTestApp App, TimerCountingTimeProvider Time)> StartAsync()
    {
        // One counted failure locks the address out: the next handshake says whether the rejection counted.
        var (app, time, _) = await FirstMessageApp.StartAsync(
            o => o.RateLimiting.LockoutThreshold = 1,
            services: s => s.AddWebSocketAuth().AddBearer());
        return (app, time);
    }

    private static async Task<bool> IsLockedOutAsync(KestrelTestApp app)
    {
        var after = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", FirstMessageApp.AllowedOrigin), ("Authorization", "Bearer " + TestTokenValidator.Token("alice"))]);
        return after.Status == HttpStatusCode.TooManyRequests && after.Body == WebSocketAuthFailureReasons.LockedOut;
    }

    [Theory]
    [MemberData(nameof(Outcomes))]
    public async Task Handshake_MapsTheValidatorResult(string token, int status, string reason, bool counts)
    {
        var (app, _) = await StartAsync();
        await using var _app = app;

        var response = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", FirstMessageApp.AllowedOrigin), ("Authorization", "Bearer " + token)]);

        Assert.Equal((status, reason), ((int)response.Status, response.Body));
        Assert.Equal(counts, await IsLockedOutAsync(app));
    }

    [Theory]
    [MemberData(nameof(Outcomes))]
    public async Task FirstMessage_MapsTheValidatorResult(string token, int status, string reason, bool counts)
    {
        var (app, _) = await StartAsync();
        await using var _app = app;
        using var socket = await FirstMessageApp.ConnectAsync(app);

        await FirstMessageApp.SendAuthAsync(socket, token);

        Assert.Equal((CloseCodeOf(status), reason), await FirstMessageApp.ReceiveCloseAsync(socket));
        Assert.Equal(counts, await IsLockedOutAsync(app));
    }

    [Theory]
    [MemberData(nameof(Outcomes))]
    public async Task Refresh_MapsTheValidatorResult(string token, int status, string reason, bool counts)
    {
        var (app, _) = await StartAsync();
        await using var _app = app;
        using var socket = await FirstMessageApp.ConnectAsync(app);
        await FirstMessageApp.AuthenticateAsync(socket, TestTokenValidator.Token("alice"));

        await FirstMessageApp.SendRefreshAsync(socket, token);

        Assert.Equal((CloseCodeOf(status), reason), await FirstMessageApp.ReceiveCloseAsync(socket));
        Assert.Equal(counts, await IsLockedOutAsync(app));
    }
}
