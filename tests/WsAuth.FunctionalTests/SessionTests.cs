using System.Globalization;
using System.Net.WebSockets;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WsAuth.Testing;

namespace WsAuth.FunctionalTests;

/// <summary>
/// Session lifetime (SECURITY-MATRIX J10): a socket is closed with 4401 "expired" when its credential expires, unless
/// refreshed in-band for the same subject; control messages never reach endpoint code. Time is a FakeTimeProvider.
/// </summary>
public class SessionTests
{
    private static DateTimeOffset ParseTime(JsonElement message)
        => DateTimeOffset.Parse(message.GetProperty("expiresAt").GetString()!, CultureInfo.InvariantCulture);

    [Fact]
    [Trait("Matrix", "J10")]
    public async Task ExpiredCredential_ClosesTheSocketWith4401Expired_AtExpiry()
    {
        // Arrange
        var (app, time, _) = await FirstMessageApp.StartAsync();
        await using var _app = app;
        using var socket = await FirstMessageApp.ConnectAsync(app);
        await FirstMessageApp.AuthenticateAsync(socket, TestTokenValidator.Token("alice", time.GetUtcNow().AddSeconds(60)));

        // Act: just before expiry the session works; at expiry it is closed.
        time.Advance(TimeSpan.FromSeconds(59));
        await WebSocketTestClient.SendTextAsync(socket, "before");
        var echo = await WebSocketTestClient.ReceiveTextAsync(socket);
        time.Advance(TimeSpan.FromSeconds(1));
        var (code, reason) = await FirstMessageApp.ReceiveCloseAsync(socket);

        // Assert
        Assert.Equal("before", echo);
        Assert.Equal(4401, code);
        Assert.Equal("expired", reason);
        Assert.Contains(app.Logs.GetSnapshot(), e => e.Id.Name == "SessionClosed" && e.StateValues.Contains("Reason=expired"));
    }

    [Fact]
    [Trait("Matrix", "J10")]
    public async Task HandshakeAuthenticatedSocket_AlsoExpires()
    {
        // The session applies to every method: here the header authenticator, whose credential has no expiry, with a cap.
        var (app, time, _) = await FirstMessageApp.StartAsync(o => o.Sessions.MaxSessionLength = TimeSpan.FromMinutes(30));
        await using var _app = app;
        using var socket = await WebSocketTestClient.ConnectAsync(app.WebSocketUri(), FirstMessageApp.AllowedOrigin, o => o.SetRequestHeader(HeaderAuthenticator.Header, "bob"));
        await FirstMessageApp.ReceiveJsonAsync(socket); // welcome

        time.Advance(TimeSpan.FromMinutes(30));

        Assert.Equal((4401, "expired"), await FirstMessageApp.ReceiveCloseAsync(socket));
    }

    [Fact]
    public async Task RefreshBeforeExpiry_ExtendsTheSession_AndIsAcknowledged()
    {
        var (app, time, _) = await FirstMessageApp.StartAsync();
        await using var _app = app;
        var start = time.GetUtcNow();
        using var socket = await FirstMessageApp.ConnectAsync(app);
        await FirstMessageApp.AuthenticateAsync(socket, TestTokenValidator.Token("alice", start.AddSeconds(60)));

        time.Advance(TimeSpan.FromSeconds(50));
        await FirstMessageApp.SendRefreshAsync(socket, TestTokenValidator.Token("alice", start.AddSeconds(120)));
        var ack = await FirstMessageApp.ReceiveJsonAsync(socket);

        time.Advance(TimeSpan.FromSeconds(11)); // past the first token's expiry
        await WebSocketTestClient.SendTextAsync(socket, "still here");
        var echo = await WebSocketTestClient.ReceiveTextAsync(socket);

        time.Advance(TimeSpan.FromSeconds(59)); // the refreshed token's expiry
        var close = await FirstMessageApp.ReceiveCloseAsync(socket);

        Assert.Equal("wsauth.refreshed", ack.GetProperty("type").GetString());
        Assert.Equal(start.AddSeconds(120), ParseTime(ack));
        Assert.Equal("still here", echo);
        Assert.Equal((4401, "expired"), close);
    }

    [Fact]
    [Trait("Matrix", "J10")]
    public async Task RefreshForAnotherSubject_Closes4403()
    {
        var (app, time, _) = await FirstMessageApp.StartAsync();
        await using var _app = app;
        using var socket = await FirstMessageApp.ConnectAsync(app);
        await FirstMessageApp.AuthenticateAsync(socket, TestTokenValidator.Token("alice", time.GetUtcNow().AddSeconds(60)));

        await FirstMessageApp.SendRefreshAsync(socket, TestTokenValidator.Token("mallory", time.GetUtcNow().AddHours(1)));

        Assert.Equal((4403, WebSocketAuthFailureReasons.SubjectMismatch), await FirstMessageApp.ReceiveCloseAsync(socket));
    }

    [Theory]
    [InlineData("invalid-token", 4401, WebSocketAuthFailureReasons.InvalidCredentials)]
    [InlineData("expired-token", 4401, WebSocketAuthFailureReasons.Expired)]
    [InlineData("throw-token", 1011, WebSocketAuthFailureReasons.AuthenticatorError)]
    public async Task RejectedRefresh_ClosesTheSession(string token, int expectedCode, string expectedReason)
    {
        var (app, time, _) = await FirstMessageApp.StartAsync();
        await using var _app = app;
        using var socket = await FirstMessageApp.ConnectAsync(app);
        await FirstMessageApp.AuthenticateAsync(socket, TestTokenValidator.Token("alice", time.GetUtcNow().AddSeconds(60)));

        await FirstMessageApp.SendRefreshAsync(socket, token);

        Assert.Equal((expectedCode, expectedReason), await FirstMessageApp.ReceiveCloseAsync(socket));
    }

    [Fact]
    public async Task MalformedRefresh_Closes4400()
    {
        var (app, _, _) = await FirstMessageApp.StartAsync();
        await using var _app = app;
        using var socket = await FirstMessageApp.ConnectAsync(app);
        await FirstMessageApp.AuthenticateAsync(socket, TestTokenValidator.Token("alice"));

        await WebSocketTestClient.SendTextAsync(socket, "{\"type\":\"refresh\",\"token\":42}");

        Assert.Equal((4400, WebSocketAuthFailureReasons.MessageMalformed), await FirstMessageApp.ReceiveCloseAsync(socket));
    }

    [Fact]
    public async Task OversizedRefresh_Closes4400()
    {
        var (app, _, _) = await FirstMessageApp.StartAsync(o => o.Sessions.MaxRefreshMessageSize = 1024);
        await using var _app = app;
        using var socket = await FirstMessageApp.ConnectAsync(app);
        await FirstMessageApp.AuthenticateAsync(socket, TestTokenValidator.Token("alice"));

        await FirstMessageApp.SendRefreshAsync(socket, TestTokenValidator.Token("alice") + new string('x', 2000));

        Assert.Equal((4400, WebSocketAuthFailureReasons.MessageTooLarge), await FirstMessageApp.ReceiveCloseAsync(socket));
    }

    [Fact]
    public async Task ControlMessages_NeverReachTheEndpoint_EvenSplitAcrossFrames_AndLookAlikesPassIntact()
    {
        var (app, time, validator) = await FirstMessageApp.StartAsync();
        await using var _app = app;
        using var socket = await FirstMessageApp.ConnectAsync(app);
        await FirstMessageApp.AuthenticateAsync(socket, TestTokenValidator.Token("alice", time.GetUtcNow().AddSeconds(60)));

        // A refresh in three fragments, split inside the prefix: consumed, acknowledged, never echoed.
        var refresh = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { type = "refresh", token = TestTokenValidator.Token("alice", time.GetUtcNow().AddSeconds(600)) }));
        await socket.SendAsync(refresh.AsMemory(0, 5), WebSocketMessageType.Text, false, CancellationToken.None);
        await socket.SendAsync(refresh.AsMemory(5, 15), WebSocketMessageType.Text, false, CancellationToken.None);
        await socket.SendAsync(refresh.AsMemory(20), WebSocketMessageType.Text, true, CancellationToken.None);
        var ack = await FirstMessageApp.ReceiveJsonAsync(socket);

        // Application messages that start like the prefix reach the endpoint untouched, however they are split.
        var lookAlikes = new[] { "{\"type\":\"re", "{\"type\":\"ready\"}", "{\"type\":\"refresh\",\"tokens\":[1]}", "{\"type\":\"refresh\"}", "{" };
        var echoes = new List<string>();
        foreach (var text in lookAlikes)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            for (var i = 0; i < bytes.Length; i++)
            {
                await socket.SendAsync(bytes.AsMemory(i, 1), WebSocketMessageType.Text, i == bytes.Length - 1, CancellationToken.None);
            }

            echoes.Add(await WebSocketTestClient.ReceiveTextAsync(socket));
        }

        // And a whole-frame refresh followed by an ordinary message.
        await FirstMessageApp.SendRefreshAsync(socket, TestTokenValidator.Token("alice", time.GetUtcNow().AddSeconds(900)));
        var secondAck = await FirstMessageApp.ReceiveJsonAsync(socket);
        await WebSocketTestClient.SendTextAsync(socket, "plain");
        var plain = await WebSocketTestClient.ReceiveTextAsync(socket);

        Assert.Equal("wsauth.refreshed", ack.GetProperty("type").GetString());
        Assert.Equal(lookAlikes, echoes);
        Assert.Equal("wsauth.refreshed", secondAck.GetProperty("type").GetString());
        Assert.Equal("plain", plain);
        Assert.Equal(3, validator.Calls); // the first message and two refreshes
        Assert.DoesNotContain(app.Logs.GetSnapshot(), e => e.AllText.Contains(TestTokenValidator.Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RefreshDisabled_MessagesPassThroughUninspected()
    {
        var (app, time, validator) = await FirstMessageApp.StartAsync(o => o.Sessions.AllowRefresh = false);
        await using var _app = app;
        using var socket = await FirstMessageApp.ConnectAsync(app);
        await FirstMessageApp.AuthenticateAsync(socket, TestTokenValidator.Token("alice", time.GetUtcNow().AddSeconds(60)));
        var refresh = JsonSerializer.Serialize(new { type = "refresh", token = "anything" });

        await WebSocketTestClient.SendTextAsync(socket, refresh);

        Assert.Equal(refresh, await WebSocketTestClient.ReceiveTextAsync(socket));
        Assert.Equal(1, validator.Calls);
    }

    [Fact]
    public async Task ExpiryWarning_IsSentTheConfiguredTimeBeforeExpiry()
    {
        var (app, time, _) = await FirstMessageApp.StartAsync(o => o.Sessions.ExpiryWarning = TimeSpan.FromSeconds(10));
        await using var _app = app;
        var expiresAt = time.GetUtcNow().AddSeconds(60);
        using var socket = await FirstMessageApp.ConnectAsync(app);
        await FirstMessageApp.AuthenticateAsync(socket, TestTokenValidator.Token("alice", expiresAt));

        time.Advance(TimeSpan.FromSeconds(50));
        var warning = await FirstMessageApp.ReceiveJsonAsync(socket);

        Assert.Equal("wsauth.expiring", warning.GetProperty("type").GetString());
        Assert.Equal(expiresAt, ParseTime(warning));
    }

    [Fact]
    public async Task MaxSessionLength_IsNotExtendedByARefresh()
    {
        var (app, time, _) = await FirstMessageApp.StartAsync(o => o.Sessions.MaxSessionLength = TimeSpan.FromMinutes(5));
        await using var _app = app;
        var start = time.GetUtcNow();
        using var socket = await FirstMessageApp.ConnectAsync(app);
        var (ack, _) = await FirstMessageApp.AuthenticateAsync(socket, TestTokenValidator.Token("alice", start.AddHours(1)));

        await FirstMessageApp.SendRefreshAsync(socket, TestTokenValidator.Token("alice", start.AddHours(2)));
        var refreshed = await FirstMessageApp.ReceiveJsonAsync(socket);
        time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(start.AddMinutes(5), ParseTime(ack));
        Assert.Equal(start.AddMinutes(5), ParseTime(refreshed));
        Assert.Equal((4401, "expired"), await FirstMessageApp.ReceiveCloseAsync(socket));
    }

    [Fact]
    public async Task CookieExpiry_FeedsTheSessionLifetime()
    {
        var time = new FakeTimeProvider();
        await using var app = await KestrelTestApp.StartAsync(
            b =>
            {
                b.Services.AddSingleton<TimeProvider>(time);
                b.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o =>
                {
                    o.ExpireTimeSpan = TimeSpan.FromMinutes(10);
                    o.SlidingExpiration = false;
                    o.TimeProvider = time;
                });
                b.Services.AddWebSocketAuth(o => o.AllowedOrigins.Add(FirstMessageApp.AllowedOrigin)).AddCookie();
            },
            (a, t) =>
            {
                a.UseAuthentication();
                a.UseWebSocketAuth();
                a.MapPost("/login", async (HttpContext context) =>
                    await context.SignInAsync(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "alice")], CookieAuthenticationDefaults.AuthenticationScheme))));
                t.MapWelcomeEcho(a);
            });
        var cookie = await HandshakeApp.LoginCookieAsync(app, "alice");
        using var socket = await WebSocketTestClient.ConnectAsync(app.WebSocketUri(), FirstMessageApp.AllowedOrigin, o => o.SetRequestHeader("Cookie", cookie));
        var welcome = await FirstMessageApp.ReceiveJsonAsync(socket);

        time.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal("cookie", welcome.GetProperty("method").GetString());
        Assert.Equal((4401, "expired"), await FirstMessageApp.ReceiveCloseAsync(socket));
    }

    [Fact]
    public async Task EndpointCode_SeesWsAuthsClose_AndItsSendsAfterwardsFail()
    {
        var seen = new TaskCompletionSource<(WebSocketMessageType Type, WebSocketCloseStatus? Status, string? Reason, WebSocketState State, bool SendFailed)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var (app, time, _) = await FirstMessageApp.StartAsync(map: (a, _) => a.Map("/observe", async context =>
        {
            using var ws = await context.WebSockets.AcceptWebSocketAsync();
            var result = await ws.ReceiveAsync(new byte[1024], context.RequestAborted);
            var sendFailed = false;
            try
            {
                await ws.SendAsync("late"u8.ToArray(), WebSocketMessageType.Text, true, context.RequestAborted);
            }
            catch (WebSocketException)
            {
                sendFailed = true;
            }

            await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None); // a no-op now
            seen.TrySetResult((result.MessageType, result.CloseStatus, result.CloseStatusDescription, ws.State, sendFailed));
        }));
        await using var _app = app;
        using var socket = await FirstMessageApp.ConnectAsync(app, "/observe");
        await FirstMessageApp.SendAuthAsync(socket, TestTokenValidator.Token("alice", time.GetUtcNow().AddSeconds(30)));
        await FirstMessageApp.ReceiveJsonAsync(socket); // ack

        time.Advance(TimeSpan.FromSeconds(30));
        var close = await FirstMessageApp.ReceiveCloseAsync(socket);
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None); // as a browser would
        var endpoint = await seen.Task.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal((4401, "expired"), close);
        Assert.Equal(WebSocketMessageType.Close, endpoint.Type);
        Assert.Equal((WebSocketCloseStatus)4401, endpoint.Status);
        Assert.Equal("expired", endpoint.Reason);
        Assert.Equal(WebSocketState.Closed, endpoint.State);
        Assert.True(endpoint.SendFailed);
    }

    [Fact]
    public async Task SilentClientAfterExpiry_EndpointsPendingReceiveSeesTheClose_WhenTheGracePeriodEnds()
    {
        // The client reads WsAuth's close frame and never answers it: the endpoint's receive, pending all along, must
        // still end (with WsAuth's close) once the 2-second linger is over, and the connection with it.
        var seen = new TaskCompletionSource<(WebSocketMessageType Type, WebSocketCloseStatus? Status)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var accepted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (app, time, _) = await FirstMessageApp.StartAsync(map: (a, _) => a.Map("/observe", async context =>
        {
            using var ws = await context.WebSockets.AcceptWebSocketAsync();
            accepted.TrySetResult(); // the session exists and its expiry timer is armed
            var result = await ws.ReceiveAsync(new byte[1024], context.RequestAborted);
            seen.TrySetResult((result.MessageType, result.CloseStatus));
        }));
        await using var _app = app;
        using var socket = await FirstMessageApp.ConnectAsync(app, "/observe");
        await FirstMessageApp.SendAuthAsync(socket, TestTokenValidator.Token("alice", time.GetUtcNow().AddSeconds(30)));
        await FirstMessageApp.ReceiveJsonAsync(socket); // ack
        await accepted.Task.WaitAsync(TimeSpan.FromSeconds(15));

        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal((4401, "expired"), await FirstMessageApp.ReceiveCloseAsync(socket)); // read, not answered
        await Task.Delay(200);
        if (seen.Task.IsCompleted)
        {
            Assert.Fail($"The endpoint's receive lingers for the client's close frame, but returned {await seen.Task}.");
        }

        // The linger's timer starts once the close frame is out, which the client may see first: advance until it fires.
        await Eventually.WaitUntilAsync(
            () =>
            {
                time.Advance(TimeSpan.FromSeconds(2));
                return seen.Task.IsCompleted;
            },
            TimeSpan.FromSeconds(15),
            TimeSpan.FromMilliseconds(100));
        var endpoint = await seen.Task;

        Assert.Equal(WebSocketMessageType.Close, endpoint.Type);
        Assert.Equal((WebSocketCloseStatus)4401, endpoint.Status);
    }

    [Fact]
    public async Task ControlMessage_NeverSplitsAFragmentedApplicationMessage()
    {
        var firstFragmentSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (app, time, _) = await FirstMessageApp.StartAsync(
            o => o.Sessions.ExpiryWarning = TimeSpan.FromSeconds(10),
            map: (a, _) => a.Map("/stream", async context =>
            {
                using var ws = await context.WebSockets.AcceptWebSocketAsync();
                await ws.SendAsync("part1-"u8.ToArray(), WebSocketMessageType.Text, false, CancellationToken.None);
                firstFragmentSent.TrySetResult();
                await finish.Task;
                await ws.SendAsync("part2"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
                await ws.ReceiveAsync(new byte[16], context.RequestAborted);
            }));
        await using var _app = app;
        using var socket = await FirstMessageApp.ConnectAsync(app, "/stream");
        await FirstMessageApp.SendAuthAsync(socket, TestTokenValidator.Token("alice", time.GetUtcNow().AddSeconds(60)));
        await FirstMessageApp.ReceiveJsonAsync(socket); // ack
        await firstFragmentSent.Task.WaitAsync(TimeSpan.FromSeconds(15));

        time.Advance(TimeSpan.FromSeconds(50)); // the warning falls due in the middle of the endpoint's message
        finish.SetResult();
        var first = await WebSocketTestClient.ReceiveTextAsync(socket);
        var second = await FirstMessageApp.ReceiveJsonAsync(socket);

        Assert.Equal("part1-part2", first);
        Assert.Equal("wsauth.expiring", second.GetProperty("type").GetString());
    }

    [Fact]
    public async Task SessionTimers_AreReleasedWhenTheSessionEnds_NormallyOrByAbort()
    {
        var (app, time, _) = await FirstMessageApp.StartAsync(o => o.Sessions.ExpiryWarning = TimeSpan.FromSeconds(10));
        await using var _app = app;
        var baseline = time.ActiveTimers;

        using (var closing = await FirstMessageApp.ConnectAsync(app))
        {
            await FirstMessageApp.AuthenticateAsync(closing, TestTokenValidator.Token("alice", time.GetUtcNow().AddMinutes(5)));
            await closing.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        }

        using (var aborting = await FirstMessageApp.ConnectAsync(app))
        {
            await FirstMessageApp.AuthenticateAsync(aborting, TestTokenValidator.Token("bob", time.GetUtcNow().AddMinutes(5)));
            aborting.Abort();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (time.ActiveTimers != baseline && !timeout.IsCancellationRequested)
        {
            await Task.Delay(20);
        }

        Assert.Equal(baseline, time.ActiveTimers);
    }
}
