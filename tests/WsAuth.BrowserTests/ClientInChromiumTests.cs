using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace WsAuth.BrowserTests;

/// <summary>
/// The browser client (clients/js) in a real Chromium against <see cref="WireProtocolStub"/>, for what the real sample
/// cannot produce on demand: a token no JWT could be (non-ASCII, with spaces) through the Kubernetes subprotocol form.
/// Everything the real server can show is tested against it (<see cref="MethodsInChromiumTests"/>,
/// <see cref="SessionExpiryTests"/>).
/// </summary>
[Collection(BrowserCollection.Name)]
public class ClientInChromiumTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Subprotocol_KubernetesForm_CarriesANonAsciiToken_ThatChromeWouldNotAcceptRaw()
    {
        var page = await OpenStubPageAsync();

        await page.EvaluateAsync("() => run({ path: '/stub/ws', method: 'subprotocol', tokenProtocol: 'kubernetes', protocols: ['chat.v1'], tokens: ['jéton ✓ with spaces'] })");

        var welcome = await WelcomeAsync(page, 1);
        Assert.Equal("jéton ✓ with spaces", welcome.GetProperty("token").GetString());
        Assert.Equal("chat.v1", welcome.GetProperty("protocol").GetString());
        Assert.Equal("chat.v1", await page.EvaluateAsync<string>("() => socket.protocol"));
        await page.Context.CloseAsync();
    }

    private async Task<IPage> OpenStubPageAsync()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync(BrowserFixture.SameSiteOrigin + "/stub");
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-ready", "true");
        return page;
    }

    private static async Task<JsonElement> WelcomeAsync(IPage page, int number)
    {
        await page.WaitForFunctionAsync(
            "n => events.filter(e => e.type === 'message' && String(e.data).includes('\"welcome\"')).length >= n",
            number,
            new PageWaitForFunctionOptions { Timeout = 15_000 });
        var welcomes = (await EventsAsync(page))
            .Where(e => e.GetProperty("type").GetString() == "message" && e.GetProperty("data").ToString().Contains("\"welcome\"", StringComparison.Ordinal))
            .ToList();
        return JsonDocument.Parse(welcomes[number - 1].GetProperty("data").GetString()!).RootElement;
    }

    private static async Task<JsonElement[]> EventsAsync(IPage page)
        => [.. (await page.EvaluateAsync<JsonElement>("() => events")).EnumerateArray()];
}
