using Microsoft.Playwright;
using WsAuth.Testing;
using static Microsoft.Playwright.Assertions;

namespace WsAuth.BrowserTests;

/// <summary>The cookie method in a real Chromium: it works from the sample's own page, and only from there.</summary>
[Collection(BrowserCollection.Name)]
public class CookieMethodTests(BrowserFixture fixture)
{
    private const string CookieName = "wsauth-sample";

    [Fact]
    public async Task CookieMethod_OnTheSamplePage_ShowsTheWelcomeWithTheUser()
    {
        // Arrange
        var page = await fixture.NewPageAsync();
        await SamplePage.OpenAndLogInAsync(page, "alice");

        // Act
        await page.ClickAsync("#connect-cookie");

        // Assert
        var status = page.GetByTestId("status-cookie");
        await Expect(status).ToContainTextAsync("The server says you are alice, authenticated by cookie.");
        await Expect(page.GetByTestId("log")).ToContainTextAsync("""{"type":"welcome","user":"alice","method":"cookie"}""");

        await page.FillAsync("#message", "hello from Chromium");
        await page.ClickAsync("#send");
        await Expect(page.GetByTestId("log")).ToContainTextAsync("cookie ← hello from Chromium");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task CookieMethod_FromAnotherOriginOfTheSameSite_IsRefusedByOrigin_ThoughTheBrowserSendsTheCookie()
    {
        // Arrange: alice logs in on the sample; other.wsauth.test is the same site (wsauth.test), so SameSite=Lax does
        // not stop her browser from sending the sample's cookie with a handshake that page starts. Only Origin can.
        var page = await fixture.NewPageAsync();
        await SamplePage.OpenAndLogInAsync(page, "alice");
        var handshakesBefore = fixture.Sample.Handshakes.Count;
        var logsBefore = fixture.Sample.Logs.GetSnapshot().Count;

        // Act
        await page.GotoAsync($"{BrowserFixture.SameSiteOrigin}/?target={Uri.EscapeDataString("ws://app.wsauth.test/ws")}");

        // Assert: the browser saw a failed connection that never opened ...
        var result = page.GetByTestId("result");
        await Expect(result).ToHaveAttributeAsync("data-closed", "1006");
        await Expect(result).ToHaveAttributeAsync("data-outcome", "refused");

        // ... the server got the handshake with the cookie and refused it with 403 because of its Origin ...
        var handshake = Assert.Single(fixture.Sample.Handshakes.Skip(handshakesBefore), h => h.Origin == BrowserFixture.SameSiteOrigin);
        Assert.Contains(CookieName, handshake.CookieNames);
        Assert.Equal(403, handshake.Status);
        AssertRejectedByOrigin(logsBefore, BrowserFixture.SameSiteOrigin);

        // ... and the very same cookie works from the sample's own origin.
        await page.GotoAsync(BrowserFixture.SampleOrigin + "/");
        await page.ClickAsync("#connect-cookie");
        await Expect(page.GetByTestId("status-cookie")).ToContainTextAsync("you are alice, authenticated by cookie");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task CookieMethod_FromAnotherSite_IsRefusedByOrigin()
    {
        // Arrange
        var page = await fixture.NewPageAsync();
        await SamplePage.OpenAndLogInAsync(page, "alice");
        var handshakesBefore = fixture.Sample.Handshakes.Count;
        var logsBefore = fixture.Sample.Logs.GetSnapshot().Count;

        // Act
        await page.GotoAsync($"{BrowserFixture.CrossSiteOrigin}/?target={Uri.EscapeDataString("ws://app.wsauth.test/ws")}");

        // Assert
        await Expect(page.GetByTestId("result")).ToHaveAttributeAsync("data-outcome", "refused");
        var handshake = Assert.Single(fixture.Sample.Handshakes.Skip(handshakesBefore), h => h.Origin == BrowserFixture.CrossSiteOrigin);
        Assert.Equal(403, handshake.Status);
        AssertRejectedByOrigin(logsBefore, BrowserFixture.CrossSiteOrigin);
        await page.Context.CloseAsync();
    }

    private void AssertRejectedByOrigin(int logsBefore, string origin)
    {
        var rejection = Assert.Single(
            fixture.Sample.Logs.GetSnapshot().Skip(logsBefore),
            e => e.Id.Name is "HandshakeRejected" or "HandshakeRejectedRepeated" && e.StateValues.Contains($"Origin={origin}"));
        Assert.Contains("StatusCode=403", rejection.StateValues);
        Assert.Contains($"Reason={WebSocketAuthFailureReasons.OriginNotAllowed}", rejection.StateValues);
        Assert.DoesNotContain(fixture.Sample.Logs.GetSnapshot(), e => e.AllText.Contains(CookieName + "=", StringComparison.Ordinal));
    }
}
