using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace WsAuth.BrowserTests;

/// <summary>Steps on the sample's page (samples/WsAuth.Sample/wwwroot/index.html).</summary>
internal static class SamplePage
{
    public static async Task OpenAsync(IPage page)
    {
        await page.GotoAsync(BrowserFixture.SampleOrigin + "/");
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-ready", "true");
    }

    public static async Task OpenAndLogInAsync(IPage page, string user)
    {
        await OpenAsync(page);
        await page.FillAsync("#user", user);
        await page.ClickAsync("#login");
        await Expect(page.GetByTestId("who")).ToContainTextAsync($"Logged in as {user}");
    }
}
