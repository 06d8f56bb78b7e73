using System.Net.Http.Json;
using Microsoft.Playwright;
using WsAuth.Testing;
using static Microsoft.Playwright.Assertions;

namespace WsAuth.BrowserTests;

/// <summary>The sample's page itself: what it offers, what it shows, and that it tells the truth about the server. The methods: <see cref="MethodsInChromiumTests"/>.</summary>
[Collection(BrowserCollection.Name)]
public class SamplePageTests(BrowserFixture fixture)
{
    [Theory]
    [InlineData("bearer", "not for browsers")] // browsers cannot set an Authorization header on a WebSocket
    [InlineData("query", "not offered here")]  // works, but puts the token in URLs: the page does not teach it
    public async Task CardsWithoutAConnectButton_SayWhy(string card, string badge)
    {
        var page = await fixture.NewPageAsync();
        await SamplePage.OpenAsync(page);
        await Expect(page.Locator($"#connect-{card}")).ToBeDisabledAsync();
        await Expect(page.GetByTestId($"card-{card}")).ToContainTextAsync(badge);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task EveryMethodTheServerHas_HasACard()
    {
        var page = await fixture.NewPageAsync();
        await SamplePage.OpenAsync(page);

        var cards = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('.card')].map(c => c.dataset.method)");

        Assert.Empty((await EnabledMethodsAsync()).Except(cards));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task SamplePage_AfterConnecting_IsSavedAsAScreenshot()
    {
        // Arrange
        var page = await fixture.NewPageAsync();
        await SamplePage.OpenAndLogInAsync(page, "alice");
        await page.ClickAsync("#connect-subprotocol-k8s");
        await Expect(page.GetByTestId("status-subprotocol-k8s")).ToContainTextAsync("you are alice");
        await page.ClickAsync("#connect-ticket");
        await Expect(page.GetByTestId("status-ticket")).ToContainTextAsync("you are alice");
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
        var configured = Assert.Single(fixture.Sample.Logs.GetSnapshot(), e => e.Id.Name == "Configured");
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
