using Microsoft.Extensions.Logging.Testing;
using Microsoft.Playwright;
using WsAuth.Testing;
using static Microsoft.Playwright.Assertions;

namespace WsAuth.BrowserTests;

/// <summary>
/// Tickets from other origins, in Chromium against the real sample (SECURITY-MATRIX T6, O1, T3): a foreign page cannot
/// get a ticket, and a ticket obtained by the sample's own page is refused when another origin presents it. A browser
/// shows every refused handshake as close code 1006, so the assertions that matter are on the server: its status and
/// WsAuth's log line with the reason.
/// </summary>
[Collection(BrowserCollection.Name)]
public class TicketOriginTests(BrowserFixture fixture)
{
    private const string CookieName = "wsauth-sample";

    [Fact]
    public async Task TicketRequest_FromAnotherOriginOfTheSameSite_WithTheUsersCookie_Is403_AndUnreadable()
    {
        // Arrange: other.wsauth.test is the same site, so the browser sends alice's SameSite=Lax cookie with its POST.
        var page = await fixture.NewPageAsync();
        await SamplePage.OpenAndLogInAsync(page, "alice");
        var mark = Mark();

        // Act: the foreign page's client asks http://app.wsauth.test/ws/ticket itself.
        await page.GotoAsync(ForeignPage.Url(BrowserFixture.SameSiteOrigin, "&method=ticket"));

        // Assert: the page could not read an answer (no CORS), so it never opened a socket ...
        var result = page.GetByTestId("result");
        await Expect(result).ToHaveAttributeAsync("data-outcome", "refused");
        await Expect(result).ToHaveAttributeAsync("data-error", "ticket_unavailable");

        // ... and the server refused by Origin with the cookie in hand: 403 origin_not_allowed, no ticket issued.
        var request = Assert.Single(fixture.Sample.TicketRequests.Skip(mark.TicketRequests));
        Assert.Equal(("POST", BrowserFixture.SameSiteOrigin, 403), (request.Method, request.Origin, request.Status));
        Assert.Contains(CookieName, request.CookieNames);
        var refused = Assert.Single(Logs(mark), e => e.Id.Name is "TicketRequestRefused" or "TicketRequestRefusedRepeated");
        Assert.Contains("StatusCode=403", refused.StateValues);
        Assert.Contains($"Reason={WebSocketAuthFailureReasons.OriginNotAllowed}", refused.StateValues);
        Assert.Contains($"Origin={BrowserFixture.SameSiteOrigin}", refused.StateValues);
        Assert.DoesNotContain(Logs(mark), e => e.Id.Name == "TicketIssued");
        Assert.Empty(fixture.Sample.Handshakes.Skip(mark.Handshakes));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task TicketRequest_FromAnotherSite_CarriesNoCookie_Is401_AndUnreadable()
    {
        // Arrange
        var page = await fixture.NewPageAsync();
        await SamplePage.OpenAndLogInAsync(page, "alice");
        var mark = Mark();

        // Act
        await page.GotoAsync(ForeignPage.Url(BrowserFixture.CrossSiteOrigin, "&method=ticket"));

        // Assert: SameSite=Lax kept the cookie off a cross-site POST, so the endpoint's authorization answered 401.
        await Expect(page.GetByTestId("result")).ToHaveAttributeAsync("data-error", "ticket_unavailable");
        var request = Assert.Single(fixture.Sample.TicketRequests.Skip(mark.TicketRequests));
        Assert.Equal(("POST", BrowserFixture.CrossSiteOrigin, 401), (request.Method, request.Origin, request.Status));
        Assert.Empty(request.CookieNames);
        Assert.DoesNotContain(Logs(mark), e => e.Id.Name == "TicketIssued");
        Assert.Empty(fixture.Sample.Handshakes.Skip(mark.Handshakes));
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData(BrowserFixture.SameSiteOrigin)]
    [InlineData(BrowserFixture.CrossSiteOrigin)]
    public async Task LegitimateTicket_RedeemedFromAnOriginNotAllowed_Is403ByOrigin(string foreignOrigin)
    {
        // Arrange: the sample's own page gets a ticket, as its client would; then it leaks to another origin's page.
        var page = await fixture.NewPageAsync();
        await SamplePage.OpenAndLogInAsync(page, "alice");
        var ticket = await GetTicketOnTheSamplePageAsync(page);
        var mark = Mark();

        // Act
        await page.GotoAsync(ForeignPage.Url(foreignOrigin, "&method=ticket&ticket=" + Uri.EscapeDataString(ticket)));

        // Assert: the browser saw 1006; the server refused the handshake with 403 by its Origin, before any authenticator.
        await Expect(page.GetByTestId("result")).ToHaveAttributeAsync("data-closed", "1006");
        await Expect(page.GetByTestId("result")).ToHaveAttributeAsync("data-outcome", "refused");
        var handshake = Assert.Single(fixture.Sample.Handshakes.Skip(mark.Handshakes));
        Assert.Equal((foreignOrigin, 403), (handshake.Origin, handshake.Status));
        var rejection = Assert.Single(Logs(mark), e => e.Id.Name is "HandshakeRejected" or "HandshakeRejectedRepeated");
        Assert.Contains("StatusCode=403", rejection.StateValues);
        Assert.Contains($"Reason={WebSocketAuthFailureReasons.OriginNotAllowed}", rejection.StateValues);
        Assert.Contains($"Origin={foreignOrigin}", rejection.StateValues);
        Assert.DoesNotContain(fixture.Sample.Logs.GetSnapshot(), e => e.AllText.Contains(ticket, StringComparison.Ordinal));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task LegitimateTicket_RedeemedFromAnotherAllowedOrigin_Is401ByTheTicketsOriginBinding_ThoughTheCookieCameAlong()
    {
        // Arrange: partner.wsauth.test is an origin the sample allows (a second front end), of the same site: its
        // handshake passes the Origin check and carries alice's cookie. Only the ticket's binding to the origin that
        // asked for it refuses it; a presented ticket that fails is not replaced by the cookie.
        var page = await fixture.NewPageAsync();
        await SamplePage.OpenAndLogInAsync(page, "alice");
        var ticket = await GetTicketOnTheSamplePageAsync(page);
        var mark = Mark();

        // Act
        await page.GotoAsync(ForeignPage.Url(BrowserFixture.PartnerOrigin, "&method=ticket&ticket=" + Uri.EscapeDataString(ticket)));

        // Assert
        await Expect(page.GetByTestId("result")).ToHaveAttributeAsync("data-closed", "1006");
        var handshake = Assert.Single(fixture.Sample.Handshakes.Skip(mark.Handshakes));
        Assert.Equal((BrowserFixture.PartnerOrigin, 401), (handshake.Origin, handshake.Status));
        Assert.Contains(CookieName, handshake.CookieNames);
        var rejection = Assert.Single(Logs(mark), e => e.Id.Name is "HandshakeRejected" or "HandshakeRejectedRepeated");
        Assert.Contains("StatusCode=401", rejection.StateValues);
        Assert.Contains($"Reason={WebSocketAuthFailureReasons.TicketOriginMismatch}", rejection.StateValues);
        Assert.Contains("Method=ticket", rejection.StateValues);
        Assert.DoesNotContain(fixture.Sample.Logs.GetSnapshot(), e => e.AllText.Contains(ticket, StringComparison.Ordinal));

        // The partner page itself opens the socket with the cookie, as an allowed origin may.
        await page.GotoAsync(ForeignPage.Url(BrowserFixture.PartnerOrigin));
        await Expect(page.GetByTestId("result")).ToHaveAttributeAsync("data-outcome", "open");
        await Expect(page.GetByTestId("result")).ToContainTextAsync("\"user\":\"alice\",\"method\":\"cookie\"");
        await page.Context.CloseAsync();
    }

    private static async Task<string> GetTicketOnTheSamplePageAsync(IPage page)
        => await page.EvaluateAsync<string>("async () => (await (await fetch('/ws/ticket', { method: 'POST' })).json()).ticket");

    private (int Handshakes, int TicketRequests, int Logs) Mark()
        => (fixture.Sample.Handshakes.Count, fixture.Sample.TicketRequests.Count, fixture.Sample.Logs.GetSnapshot().Count);

    private IEnumerable<Microsoft.Extensions.Logging.Testing.FakeLogRecord> Logs((int Handshakes, int TicketRequests, int Logs) mark)
        => fixture.Sample.Logs.GetSnapshot().Skip(mark.Logs);
}
