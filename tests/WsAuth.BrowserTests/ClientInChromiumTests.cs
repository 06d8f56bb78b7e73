using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace WsAuth.BrowserTests;

/// <summary>
/// The browser client (clients/js) in a real Chromium against <see cref="WireProtocolStub"/>: Chrome accepts the
/// subprotocol lists it builds and reports the selected protocol, the first-message exchange works and its control
/// message stays hidden, and a 4401 "expired" close reconnects by itself with a fresh token.
/// </summary>
[Collection(BrowserCollection.Name)]
public class ClientInChromiumTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Subprotocol_MarkerForm_ChromeReportsTheAppProtocol_AndTheServerGetsTheToken()
    {
        var page = await OpenStubPageAsync();

        await page.EvaluateAsync("() => run({ path: '/stub/ws', method: 'subprotocol', protocols: ['chat.v1'], tokens: ['eyJ.abc.def'] })");

        var welcome = await WelcomeAsync(page, 1);
        Assert.Equal("eyJ.abc.def", welcome.GetProperty("token").GetString());
        Assert.Equal("chat.v1", await page.EvaluateAsync<string>("() => socket.protocol"));
        await page.Context.CloseAsync();
    }

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

    [Fact]
    public async Task FirstMessage_OpensAfterTheAcknowledgement_WhichTheAppNeverSees()
    {
        var page = await OpenStubPageAsync();

        await page.EvaluateAsync("() => run({ path: '/stub/ws', method: 'first-message', tokens: ['first-token'] })");

        var welcome = await WelcomeAsync(page, 1);
        Assert.Equal("first-token", welcome.GetProperty("token").GetString());
        Assert.Equal("first-message", welcome.GetProperty("method").GetString());
        var events = await EventsAsync(page);
        Assert.Equal(["token", "open", "message"], events.Select(e => e.GetProperty("type").GetString()));
        Assert.DoesNotContain(events, e => e.TryGetProperty("data", out var data) && data.ToString().Contains("wsauth.", StringComparison.Ordinal));

        await page.EvaluateAsync("() => socket.send('echo me')");
        await page.WaitForFunctionAsync("() => events.some(e => e.data === 'echo me')");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ExpiredClose4401_ReconnectsByItself_WithAFreshToken()
    {
        var page = await OpenStubPageAsync();

        await page.EvaluateAsync("() => run({ path: '/stub/ws?expireAfterMs=300', method: 'first-message', tokens: ['token-1', 'token-2'] })");

        var second = await WelcomeAsync(page, 2);
        Assert.Equal("token-2", second.GetProperty("token").GetString());
        var events = await EventsAsync(page);
        var close = events.First(e => e.GetProperty("type").GetString() == "close");
        Assert.Equal(4401, close.GetProperty("code").GetInt32());
        Assert.Equal("expired", close.GetProperty("reason").GetString());
        Assert.True(close.GetProperty("willReconnect").GetBoolean());
        Assert.Equal(
            ["connect", "unauthorized"],
            events.Where(e => e.GetProperty("type").GetString() == "token").Select(e => e.GetProperty("reason").GetString()));
        await page.EvaluateAsync("() => socket.close()");
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
