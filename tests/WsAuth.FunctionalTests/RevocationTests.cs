using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WsAuth.Testing;

namespace WsAuth.FunctionalTests;

/// <summary>
/// Revocation on one instance (in-memory backplane): sockets of a revoked user close with 4401 <c>revoked</c>, their
/// earlier credentials get 401 <c>revoked</c> at the handshake, at refresh and at the ticket endpoint, and nobody else
/// is touched.
/// </summary>
public class RevocationTests
{
    private static DateTimeOffset Now => TimeProvider.System.GetUtcNow();

    [Fact]
    public async Task RevokeUser_ClosesEveryOneOfTheirSockets4401Revoked_AndNoOneElses()
    {
        // Arrange
        await using var app = await RevocationTestApp.StartAsync();
        var old = Now.AddMinutes(-10);
        var (alice1, _) = await RevocationTestApp.ConnectBearerAsync(app, RevocationTestApp.Token("alice", old));
        var (alice2, _) = await RevocationTestApp.ConnectBearerAsync(app, RevocationTestApp.Token("alice", old));
        var (bob, _) = await RevocationTestApp.ConnectBearerAsync(app, RevocationTestApp.Token("bob", old));
        using var _1 = alice1;
        using var _2 = alice2;
        using var _3 = bob;

        // Act
        await RevocationTestApp.Revocation(app).RevokeAsync("alice", reason: "logout");

        // Assert
        Assert.Equal((4401, "revoked"), await RevocationTestApp.ReceiveCloseAsync(alice1));
        Assert.Equal((4401, "revoked"), await RevocationTestApp.ReceiveCloseAsync(alice2));
        Assert.True(await RevocationTestApp.EchoesAsync(bob));
        Assert.Contains(app.Logs.GetSnapshot(), e => e.Id.Name == "SessionClosed" && e.StateValues.Contains("Reason=revoked"));
    }

    [Fact]
    public async Task RevokedToken_Gets401RevokedAtTheHandshake_ButATokenIssuedAfterIsAccepted()
    {
        await using var app = await RevocationTestApp.StartAsync();
        var before = Now.AddMinutes(-10);
        var instant = Now;

        await RevocationTestApp.Revocation(app).RevokeAsync("alice", instant);
        var oldToken = await RevocationTestApp.HandshakeBearerAsync(app, RevocationTestApp.Token("alice", before));
        var newToken = await RevocationTestApp.HandshakeBearerAsync(app, RevocationTestApp.Token("alice", instant.AddSeconds(1)));
        var otherUser = await RevocationTestApp.HandshakeBearerAsync(app, RevocationTestApp.Token("bob", before));

        Assert.Equal(HttpStatusCode.Unauthorized, oldToken.Status);
        Assert.Equal("revoked", oldToken.Body);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, newToken.Status);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, otherUser.Status);
    }

    [Fact]
    public async Task TokenWithoutIssueTime_IsRefused_WhileItsUserHasARevocation()
    {
        // The documented rule: an unknown issue time might be older than the revocation, so it counts as revoked.
        await using var app = await RevocationTestApp.StartAsync();

        var beforeRevocation = await RevocationTestApp.HandshakeBearerAsync(app, RevocationTestApp.Token("alice", null));
        await RevocationTestApp.Revocation(app).RevokeAsync("alice");
        var afterRevocation = await RevocationTestApp.HandshakeBearerAsync(app, RevocationTestApp.Token("alice", null));
        var otherUser = await RevocationTestApp.HandshakeBearerAsync(app, RevocationTestApp.Token("bob", null));

        Assert.Equal(HttpStatusCode.SwitchingProtocols, beforeRevocation.Status);
        Assert.Equal((HttpStatusCode.Unauthorized, "revoked"), (afterRevocation.Status, afterRevocation.Body));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, otherUser.Status);
    }

    [Fact]
    public async Task Revocation_IsForgotten_OnlyAfterMaxCredentialLifetime()
    {
        var clock = new FakeTimeProvider(Now);
        await using var app = await RevocationTestApp.StartAsync(
            revocation: o => o.MaxCredentialLifetime = TimeSpan.FromHours(1),
            services: s => s.AddSingleton<TimeProvider>(clock));

        await RevocationTestApp.Revocation(app).RevokeAsync("alice");
        clock.Advance(TimeSpan.FromMinutes(59));
        var stillRevoked = await RevocationTestApp.HandshakeBearerAsync(app, TestJwt.HmacToken(clock.GetUtcNow(), "alice", c => c.Remove("iat")));
        clock.Advance(TimeSpan.FromMinutes(2));
        var forgotten = await RevocationTestApp.HandshakeBearerAsync(app, TestJwt.HmacToken(clock.GetUtcNow(), "alice", c => c.Remove("iat")));

        Assert.Equal(HttpStatusCode.Unauthorized, stillRevoked.Status);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, forgotten.Status);
    }

    [Fact]
    public async Task RevokedCookie_Gets401Revoked_AtTheHandshakeAndAtTheTicketEndpoint_AndItsEarlierTicketToo()
    {
        await using var app = await RevocationTestApp.StartAsync();
        var cookie = await TicketTestApp.LoginAsync(app, "alice");
        var ticket = (await TicketTestApp.RequestAsync(app, cookie, RevocationTestApp.AllowedOrigin)).Ticket!;
        var (socket, _) = await RevocationTestApp.ConnectCookieAsync(app, cookie);
        using var _socket = socket;
        await Task.Delay(1100); // cookie issue times have whole seconds: revoke in a later one

        await RevocationTestApp.Revocation(app).RevokeAsync("alice");
        var close = await RevocationTestApp.ReceiveCloseAsync(socket);
        var cookieHandshake = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", RevocationTestApp.AllowedOrigin), ("Cookie", cookie)]);
        var newTicket = await TicketTestApp.RequestAsync(app, cookie, RevocationTestApp.AllowedOrigin);
        var earlierTicket = await RawHandshake.SendAsync(app.HttpUri, "/ws?ticket=" + ticket, [("Origin", RevocationTestApp.AllowedOrigin)]);

        Assert.Equal((4401, "revoked"), close);
        Assert.Equal((HttpStatusCode.Unauthorized, "revoked"), (cookieHandshake.Status, cookieHandshake.Body));
        Assert.Equal(HttpStatusCode.Unauthorized, newTicket.Status);
        Assert.Contains("revoked", newTicket.Body, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.Unauthorized, "revoked"), (earlierTicket.Status, earlierTicket.Body));
    }

    [Fact]
    public async Task NewLoginAfterTheRevocation_Works()
    {
        await using var app = await RevocationTestApp.StartAsync();
        await RevocationTestApp.Revocation(app).RevokeAsync("alice");
        await Task.Delay(1100); // a cookie issued in the same second as the revocation counts as before it

        var cookie = await TicketTestApp.LoginAsync(app, "alice");
        var (socket, _) = await RevocationTestApp.ConnectCookieAsync(app, cookie);
        using var _socket = socket;
        var ticket = await TicketTestApp.RequestAsync(app, cookie, RevocationTestApp.AllowedOrigin);

        Assert.True(await RevocationTestApp.EchoesAsync(socket));
        Assert.Equal(HttpStatusCode.OK, ticket.Status);
    }

    [Fact]
    public async Task RefreshWithARevokedToken_Closes4401Revoked()
    {
        await using var app = await RevocationTestApp.StartAsync();
        var instant = Now;
        await RevocationTestApp.Revocation(app).RevokeAsync("alice", instant);
        var (socket, _) = await RevocationTestApp.ConnectBearerAsync(app, RevocationTestApp.Token("alice", instant.AddSeconds(1)));
        using var _socket = socket;

        await WebSocketTestClient.SendTextAsync(socket, JsonSerializer.Serialize(new { type = "refresh", token = RevocationTestApp.Token("alice", instant.AddMinutes(-5)) }));

        Assert.Equal((4401, "revoked"), await RevocationTestApp.ReceiveCloseAsync(socket));
    }

    [Fact]
    public async Task RevokeBeforeAnInstant_KeepsSocketsRefreshedAfterIt()
    {
        await using var app = await RevocationTestApp.StartAsync();
        var instant = Now;
        var (refreshed, _) = await RevocationTestApp.ConnectBearerAsync(app, RevocationTestApp.Token("alice", instant.AddMinutes(-10)));
        var (stale, _) = await RevocationTestApp.ConnectBearerAsync(app, RevocationTestApp.Token("alice", instant.AddMinutes(-10)));
        using var _1 = refreshed;
        using var _2 = stale;
        await WebSocketTestClient.SendTextAsync(refreshed, JsonSerializer.Serialize(new { type = "refresh", token = RevocationTestApp.Token("alice", instant.AddSeconds(1)) }));
        Assert.Contains("wsauth.refreshed", await WebSocketTestClient.ReceiveTextAsync(refreshed), StringComparison.Ordinal);

        await RevocationTestApp.Revocation(app).RevokeAsync("alice", instant);

        Assert.Equal((4401, "revoked"), await RevocationTestApp.ReceiveCloseAsync(stale));
        Assert.True(await RevocationTestApp.EchoesAsync(refreshed));
    }

    [Fact]
    public async Task FirstMessage_WithARevokedToken_Closes4401Revoked_AndAFirstMessageSessionIsClosedByRevocation()
    {
        await using var app = await RevocationTestApp.StartAsync();
        var instant = Now;
        using var open = await WebSocketTestClient.ConnectAsync(app.WebSocketUri(), RevocationTestApp.AllowedOrigin);
        await WebSocketTestClient.SendTextAsync(open, JsonSerializer.Serialize(new { type = "auth", token = RevocationTestApp.Token("alice", instant.AddMinutes(-10)) }));
        await WebSocketTestClient.ReceiveTextAsync(open); // wsauth.authenticated
        await RevocationTestApp.ReadWelcomeAsync(open);

        await RevocationTestApp.Revocation(app).RevokeAsync("alice", instant);
        var openClose = await RevocationTestApp.ReceiveCloseAsync(open);
        using var late = await WebSocketTestClient.ConnectAsync(app.WebSocketUri(), RevocationTestApp.AllowedOrigin);
        await WebSocketTestClient.SendTextAsync(late, JsonSerializer.Serialize(new { type = "auth", token = RevocationTestApp.Token("alice", instant.AddMinutes(-5)) }));
        var lateClose = await RevocationTestApp.ReceiveCloseAsync(late);

        Assert.Equal((4401, "revoked"), openClose);
        Assert.Equal((4401, "revoked"), lateClose);
    }

    [Fact]
    public async Task DisconnectSession_ClosesOnlyThatSocket_AndDisconnectUser_ClosesAllWithoutRevoking()
    {
        await using var app = await RevocationTestApp.StartAsync();
        var token = RevocationTestApp.Token("alice", Now.AddMinutes(-1));
        var (first, firstId) = await RevocationTestApp.ConnectBearerAsync(app, token);
        var (second, secondId) = await RevocationTestApp.ConnectBearerAsync(app, token);
        using var _1 = first;
        using var _2 = second;

        await RevocationTestApp.Revocation(app).DisconnectSessionAsync(firstId);
        var firstClose = await RevocationTestApp.ReceiveCloseAsync(first);
        var secondOpen = await RevocationTestApp.EchoesAsync(second);
        await RevocationTestApp.Revocation(app).DisconnectUserAsync("alice");
        var secondClose = await RevocationTestApp.ReceiveCloseAsync(second);
        var reconnect = await RevocationTestApp.HandshakeBearerAsync(app, token);

        Assert.NotEqual(firstId, secondId);
        Assert.Equal(16, firstId.Length);
        Assert.Equal((4401, "revoked"), firstClose);
        Assert.True(secondOpen);
        Assert.Equal((4401, "revoked"), secondClose);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, reconnect.Status); // disconnecting revokes nothing
    }

    [Fact]
    public async Task Registry_ForgetsClosedSockets()
    {
        await using var app = await RevocationTestApp.StartAsync();
        var registry = app.App.Services.GetRequiredService<Internal.SessionRegistry>();
        for (var i = 0; i < 20; i++)
        {
            var (socket, _) = await RevocationTestApp.ConnectBearerAsync(app, RevocationTestApp.Token("user" + (i % 3), Now));
            await socket.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            socket.Dispose();
        }

        var (open, _) = await RevocationTestApp.ConnectBearerAsync(app, RevocationTestApp.Token("alice", Now));
        using var _open = open;

        await WaitUntilAsync(() => registry.Count == 1);
        Assert.Equal(1, registry.SubjectCount);
    }

    [Fact]
    public async Task RevocationLogs_NameNeitherTheUserNorTheCredential()
    {
        await using var app = await RevocationTestApp.StartAsync();
        var token = RevocationTestApp.Token("alice-the-subject", Now.AddMinutes(-1));
        var (socket, sessionId) = await RevocationTestApp.ConnectBearerAsync(app, token);
        using var _socket = socket;

        await RevocationTestApp.Revocation(app).DisconnectSessionAsync(sessionId);
        await RevocationTestApp.Revocation(app).RevokeAsync("alice-the-subject", reason: "password_changed");
        await RevocationTestApp.HandshakeBearerAsync(app, token);

        var entries = app.Logs.GetSnapshot().Select(e => e.AllText).ToList();
        Assert.Contains(entries, e => e.Contains("password_changed", StringComparison.Ordinal));
        Assert.DoesNotContain(entries, e => e.Contains("alice-the-subject", StringComparison.Ordinal));
        Assert.DoesNotContain(entries, e => e.Contains(sessionId, StringComparison.Ordinal));
        foreach (var secret in TestJwt.Secrets(token))
        {
            Assert.DoesNotContain(entries, e => e.Contains(secret, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task RevokeAsync_WithAPrincipalWithoutSubject_Throws_AndBadArgumentsAreRefused()
    {
        await using var app = await RevocationTestApp.StartAsync();
        var revocation = RevocationTestApp.Revocation(app);

        await Assert.ThrowsAsync<ArgumentException>(() => revocation.RevokeAsync(new System.Security.Claims.ClaimsPrincipal()));
        await Assert.ThrowsAsync<ArgumentException>(() => revocation.RevokeAsync(string.Empty));
        await Assert.ThrowsAsync<ArgumentException>(() => revocation.RevokeAsync(new string('x', 1025)));
        await Assert.ThrowsAsync<ArgumentException>(() => revocation.DisconnectUserAsync("alice", reason: "Not A Code"));
    }

    internal static Task WaitUntilAsync(Func<bool> condition)
        => Eventually.WaitUntilAsync(condition, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(50));
}
