using Microsoft.Playwright;
using WsAuth.Testing;
using static Microsoft.Playwright.Assertions;

namespace WsAuth.BrowserTests;

/// <summary>
/// The real @microsoft/signalr browser client in Chromium against the sample's hub on <c>/hubs/echo</c>
/// (docs/signalr.md): the page's SignalR card negotiates with the login cookie and connects the WebSocket with a fresh
/// ticket from <c>ticketAccessTokenFactory()</c> (sent as <c>access_token</c>); a page of another origin with the
/// visitor's cookie is refused by Origin before any hub code runs.
/// </summary>
[Collection(BrowserCollection.Name)]
public class SignalRInChromiumTests(BrowserFixture fixture)
{
    [Fact]
    public async Task SignalRCard_NegotiatesWithTheCookie_ConnectsWithATicket_WhoAmIIsAliceByTicket()
    {
        // Arrange
        var page = await fixture.NewPageAsync();
        await SamplePage.OpenAndLogInAsync(page, "alice");
        var handshakes = fixture.Sample.Handshakes.Count;
        var tickets = fixture.Sample.TicketRequests.Count;

        // Act
        await page.ClickAsync("#signalr-connect");

        // Assert
        var status = page.GetByTestId("signalr-status");
        await Expect(status).ToHaveAttributeAsync("data-method", "ticket");
        await Expect(status).ToHaveAttributeAsync("data-user", "alice");
        var handshake = Assert.Single(fixture.Sample.Handshakes.Skip(handshakes));
        Assert.Equal(("/hubs/echo", BrowserFixture.SampleOrigin, 101), (handshake.Path, handshake.Origin, handshake.Status));
        Assert.Equal(2, fixture.Sample.TicketRequests.Skip(tickets).Count(r => r.Status == 200)); // negotiate's and the WebSocket's

        // The hub answers over the same connection.
        await page.FillAsync("#message", "over signalr");
        await page.ClickAsync("#signalr-echo");
        await SamplePage.WaitForLogLinesAsync(page, "signalr ← Echo over signalr", 1);
        await page.Context.CloseAsync();
    }

    [Trait("Matrix", "O1")]
    [Fact]
    public async Task PageOfAnotherOrigin_WithTheVisitorsCookie_IsRefusedByOrigin()
    {
        // Arrange: other.wsauth.test is the same site, so Chromium sends alice's SameSite=Lax cookie with the handshake.
        var page = await fixture.NewPageAsync();
        await SamplePage.OpenAndLogInAsync(page, "alice");
        var handshakes = fixture.Sample.Handshakes.Count;
        var logs = fixture.Sample.Logs.GetSnapshot().Count;

        // Act
        await page.GotoAsync($"{BrowserFixture.SameSiteOrigin}/signalr");

        // Assert
        await Expect(page.GetByTestId("result")).ToHaveAttributeAsync("data-outcome", "refused");
        var handshake = Assert.Single(fixture.Sample.Handshakes.Skip(handshakes));
        Assert.Equal(("/hubs/echo", BrowserFixture.SameSiteOrigin, 403), (handshake.Path, handshake.Origin, handshake.Status));
        Assert.Contains("wsauth-sample", handshake.CookieNames);
        var rejection = Assert.Single(fixture.Sample.Logs.GetSnapshot().Skip(logs), e => e.Id.Name is "HandshakeRejected" or "HandshakeRejectedRepeated");
        Assert.Contains($"Reason={WebSocketAuthFailureReasons.OriginNotAllowed}", rejection.StateValues);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task SessionEnd_Closes4401_AndAutomaticReconnect_ComesBackWithAFreshTicket()
    {
        // Arrange: the sample whose sessions end after a few seconds (WsAuth:Sessions:MaxSessionLength)
        var page = await fixture.NewPageAsync();
        await SamplePage.OpenAndLogInAsync(page, "alice", BrowserFixture.CappedSessionsOrigin);
        var tickets = fixture.CappedSessions.TicketRequests.Count;

        // Act
        await page.ClickAsync("#signalr-connect");

        // Assert: WsAuth closed the hub's socket (4401), SignalR reconnected with a new ticket, WhoAmI answers again
        await SamplePage.WaitForLogLinesAsync(page, "signalr ← WhoAmI", 1);
        await SamplePage.WaitForLogLinesAsync(page, "signalr: reconnecting", 1);
        await SamplePage.WaitForLogLinesAsync(page, "signalr ← WhoAmI", 2);
        await Expect(page.GetByTestId("signalr-status")).ToHaveAttributeAsync("data-method", "ticket");
        Assert.True(fixture.CappedSessions.TicketRequests.Skip(tickets).Count(r => r.Status == 200) >= 3);
        Assert.Contains(fixture.CappedSessions.Logs.GetSnapshot(), e => e.Id.Name == "SessionClosed" && e.AllText.Contains("4401", StringComparison.Ordinal));
        await page.Context.CloseAsync();
    }
}
