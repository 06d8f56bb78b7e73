using System.Net.Http.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace WsAuth.BrowserTests;

/// <summary>The sample's page: every method card either connects or says the server does not have that method.</summary>
[Collection(BrowserCollection.Name)]
public class SamplePageTests(BrowserFixture fixture)
{
    [Theory]
    [InlineData("ticket", "ticket", false)]
    [InlineData("subprotocol", "subprotocol", true)]
    [InlineData("subprotocol-k8s", "subprotocol", true)]
    [InlineData("first-message", "first-message", true)]
    public async Task MethodCard_ConnectsAsTheUser_OrSaysNotEnabled(string card, string method, bool tokenOnly)
    {
        // Arrange: the token methods run without the cookie (log out keeps the page's token), so only the token can
        // authenticate the socket.
        var enabled = await EnabledMethodsAsync();
        var page = await fixture.NewPageAsync();
        await SamplePage.OpenAndLogInAsync(page, "alice");
        if (tokenOnly)
        {
            await page.ClickAsync("#logout");
            await Expect(page.GetByTestId("who")).ToContainTextAsync("the page still holds the token");
        }

        // Act
        await page.ClickAsync($"#connect-{card}");

        // Assert
        var status = page.GetByTestId($"status-{card}");
        if (enabled.Contains(method))
        {
            await Expect(status).ToContainTextAsync($"The server says you are alice, authenticated by {method}.");
        }
        else
        {
            await Expect(status).ToContainTextAsync("Not enabled on this server");
            await Expect(page.GetByTestId($"card-{card}")).ToContainTextAsync("not enabled here");
        }

        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task BearerCard_IsNotOfferedToBrowsers()
    {
        var page = await fixture.NewPageAsync();
        await SamplePage.OpenAsync(page);
        await Expect(page.Locator("#connect-bearer")).ToBeDisabledAsync();
        await Expect(page.GetByTestId("card-bearer")).ToContainTextAsync("not for browsers");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task SamplePage_AfterConnecting_IsSavedAsAScreenshot()
    {
        // Arrange
        var page = await fixture.NewPageAsync();
        await SamplePage.OpenAndLogInAsync(page, "alice");
        await page.ClickAsync("#connect-ticket");
        await Expect(page.GetByTestId("status-ticket")).Not.ToHaveTextAsync("Connecting…");
        await page.ClickAsync("#connect-cookie");
        await Expect(page.GetByTestId("status-cookie")).ToContainTextAsync("you are alice");
        await page.ClickAsync("#send");
        await Expect(page.GetByTestId("log")).ToContainTextAsync("cookie ← hello");

        // Act
        var path = Path.Combine(BrowserFixture.ArtifactsDirectory, "sample-page.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });

        // Assert: a PNG of a real page (the signature, and more than a blank image).
        var bytes = await File.ReadAllBytesAsync(path);
        Assert.True(bytes.Length > 20_000, $"{path} is only {bytes.Length} bytes");
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, bytes[..4]);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task AuthMethods_ListsExactlyTheAuthenticatorsWsAuthRegistered()
    {
        // The page trusts GET /auth/methods to say "not enabled"; WsAuth logs what it really registered at startup.
        var configured = Assert.Single(fixture.Sample.Logs.Entries, e => e.EventId.Name == "Configured");
        var registered = configured.StateValues.Single(v => v.StartsWith("Methods=", StringComparison.Ordinal))["Methods=".Length..]
            .Split(", ", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(registered, await EnabledMethodsAsync());
    }

    private async Task<string[]> EnabledMethodsAsync()
    {
        using var client = new HttpClient { BaseAddress = fixture.Sample.ListeningUri };
        var body = await client.GetFromJsonAsync<MethodsResponse>("/auth/methods");
        return body!.Methods;
    }

    private sealed record MethodsResponse(string[] Methods);
}
