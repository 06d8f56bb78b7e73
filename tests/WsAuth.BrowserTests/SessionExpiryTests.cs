using Microsoft.Playwright;
using WsAuth.Testing;
using static Microsoft.Playwright.Assertions;

namespace WsAuth.BrowserTests;

/// <summary>
/// Sessions that end within seconds, on two instances of the real sample (<see cref="BrowserFixture.ShortSessions"/>:
/// 4 s JWTs; <see cref="BrowserFixture.CappedSessions"/>: every session capped at 3 s), driven from the sample's page:
/// the client refreshes in band before expiry when it can, and otherwise gets 4401 "expired" and reconnects by itself
/// with fresh credentials, while the app's messages keep flowing. Every wait polls for a condition (generous timeouts).
/// </summary>
[Collection(BrowserCollection.Name)]
public class SessionExpiryTests(BrowserFixture fixture)
{
    [Fact]
    public async Task TokenSession_RefreshesInBand_BeforeEachTokenExpires_WithoutReconnecting()
    {
        // Arrange
        var server = fixture.ShortSessions;
        var page = await fixture.NewPageAsync();
        await SamplePage.RecordSocketsAsync(page);
        await SamplePage.OpenAndLogInAsync(page, "alice", BrowserFixture.ShortSessionsOrigin);
        var mark = (Handshakes: server.Handshakes.Count, Logs: server.Logs.GetSnapshot().Count);

        // Act: subprotocol authenticates ahead of the cookie; the page's token source logs in again for a fresh JWT.
        await page.ClickAsync("#connect-subprotocol");
        await Expect(page.GetByTestId("status-subprotocol")).ToContainTextAsync("you are alice, authenticated by subprotocol");

        // Assert: three refreshes; each comes at the latest halfway through a token of at most 4 s, so the third comes
        // after the first token's exp ...
        await SamplePage.WaitForLogLinesAsync(page, "^subprotocol: refreshed in band", 3);
        var socket = Assert.Single(await SamplePage.SocketsAsync(page));
        var firstTokenExpiry = SamplePage.JwtExpiry(socket.Offered[1]);
        await page.WaitForFunctionAsync("exp => Date.now() > exp", firstTokenExpiry.ToUnixTimeMilliseconds(), new() { Timeout = 10_000, PollingInterval = 100 });

        // ... the socket of the first token still carries the app's messages ...
        await SamplePage.SendAndExpectEchoAsync(page, "subprotocol", "after the first token expired");
        Assert.Null(socket.Closed);
        Assert.Single(await SamplePage.SocketsAsync(page));
        Assert.Equal(0, await SamplePage.CountLogLinesAsync(page, "^subprotocol: closed"));
        Assert.Equal(1, await SamplePage.CountLogLinesAsync(page, "^subprotocol: open"));

        // ... and the server saw one handshake, refreshed the session in band each time and never closed it.
        var handshake = Assert.Single(server.Handshakes.Skip(mark.Handshakes));
        Assert.Equal(101, handshake.Status);
        var logs = server.Logs.GetSnapshot().Skip(mark.Logs).ToList();
        Assert.True(logs.Count(e => e.Id.Name == "SessionRefreshed" && e.StateValues.Contains("Method=subprotocol")) >= 3);
        Assert.DoesNotContain(logs, e => e.Id.Name == "SessionClosed");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task TicketSession_WhichCannotRefresh_Gets4401Expired_AndReconnectsWithAFreshTicket()
    {
        // Arrange: the ticket method has no token to refresh with; the server ends its session at the cap.
        var server = fixture.CappedSessions;
        var page = await fixture.NewPageAsync();
        await SamplePage.RecordSocketsAsync(page);
        await SamplePage.OpenAndLogInAsync(page, "alice", BrowserFixture.CappedSessionsOrigin);
        var mark = (Handshakes: server.Handshakes.Count, TicketRequests: server.TicketRequests.Count, Logs: server.Logs.GetSnapshot().Count);

        // Act
        await page.ClickAsync("#connect-ticket");
        await Expect(page.GetByTestId("status-ticket")).ToContainTextAsync("you are alice, authenticated by ticket");
        await SamplePage.SendAndExpectEchoAsync(page, "ticket", "before the end");

        // Assert: 4401 "expired", then a second welcome on a new connection, without anyone clicking ...
        await SamplePage.WaitForLogLinesAsync(page, "^ticket: closed 4401 expired, reconnecting", 1);
        await SamplePage.WaitForLogLinesAsync(page, "^ticket ← .*\"type\":\"welcome\"", 2);
        await SamplePage.SendAndExpectEchoAsync(page, "ticket", "after the reconnect");

        // ... with a new single-use ticket each time ...
        var sockets = await SamplePage.SocketsAsync(page);
        Assert.True(sockets.Length >= 2);
        Assert.Equal(4401, sockets[0].Closed);
        Assert.NotEqual(sockets[0].Url, sockets[1].Url);
        var ticketRequests = server.TicketRequests.Skip(mark.TicketRequests).Take(2).ToList();
        Assert.Equal([200, 200], ticketRequests.Select(r => r.Status));

        // ... and the server closed the first session itself, as expired.
        var handshakes = server.Handshakes.Skip(mark.Handshakes).Take(2).ToList();
        Assert.Equal([101, 101], handshakes.Select(h => h.Status));
        var closed = server.Logs.GetSnapshot().Skip(mark.Logs).First(e => e.Id.Name == "SessionClosed");
        Assert.Contains("CloseCode=4401", closed.StateValues);
        Assert.Contains("Reason=expired", closed.StateValues);
        Assert.Contains("Method=ticket", closed.StateValues);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task TokenSession_CappedByTheServer_RefreshesOnce_ThenGets4401_AndReconnectsWithAFreshToken()
    {
        // Arrange: the server warns at once (its 30 s warning is longer than the 3 s cap) and no refresh can move the
        // end. The client refreshes once, sees the end did not move, and stops refreshing (no refresh loop); at the end
        // it gets 4401 and asks the page for a fresh token (the page logs in again).
        var server = fixture.CappedSessions;
        var page = await fixture.NewPageAsync();
        await SamplePage.RecordSocketsAsync(page);
        await SamplePage.OpenAndLogInAsync(page, "alice", BrowserFixture.CappedSessionsOrigin);
        var mark = (Handshakes: server.Handshakes.Count, Logs: server.Logs.GetSnapshot().Count);

        // Act
        await page.ClickAsync("#connect-subprotocol");
        await Expect(page.GetByTestId("status-subprotocol")).ToContainTextAsync("you are alice, authenticated by subprotocol");

        // Assert
        await SamplePage.WaitForLogLinesAsync(page, "^subprotocol: closed 4401 expired, reconnecting", 1);
        await SamplePage.WaitForLogLinesAsync(page, "^subprotocol ← .*\"type\":\"welcome\"", 2);
        await SamplePage.SendAndExpectEchoAsync(page, "subprotocol", "after the reconnect");

        var sockets = await SamplePage.SocketsAsync(page);
        Assert.Equal(4401, sockets[0].Closed);
        Assert.NotEqual(sockets[0].Offered[1], sockets[1].Offered[1]); // a fresh token, not the one the session ended with
        Assert.Equal("access_token", sockets[1].Protocol);

        var firstSession = server.Logs.GetSnapshot().Skip(mark.Logs)
            .TakeWhile(e => !(e.Id.Name == "SessionClosed" && e.StateValues.Contains("CloseCode=4401")))
            .ToList();
        Assert.InRange(firstSession.Count(e => e.Id.Name == "SessionRefreshed"), 0, 2);
        await page.Context.CloseAsync();
    }
}
