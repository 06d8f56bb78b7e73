using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace WsAuth.BrowserTests;

/// <summary>Steps on the sample's page (samples/WsAuth.Sample/wwwroot/index.html).</summary>
internal static class SamplePage
{
    /// <summary>
    /// Records every native WebSocket the page creates, as Chrome reports it: the URL, the subprotocols offered, the one
    /// Chrome says the server selected (<c>WebSocket.protocol</c>), every frame received (control messages included,
    /// which the client hides from the page) and the close code. Test-only: it wraps <c>window.WebSocket</c> before the
    /// page's scripts run.
    /// </summary>
    private const string SocketRecorder = """
        (() => {
          const Native = window.WebSocket;
          window.__sockets = [];
          window.WebSocket = class extends Native {
            constructor(url, protocols) {
              super(url, protocols);
              const record = { url: String(url), offered: protocols === undefined ? [] : [].concat(protocols), protocol: null, received: [], closed: null };
              window.__sockets.push(record);
              this.addEventListener('open', () => { record.protocol = this.protocol; });
              this.addEventListener('message', (e) => record.received.push(String(e.data)));
              this.addEventListener('close', (e) => { record.closed = e.code; });
            }
          };
        })();
        """;

    public static async Task OpenAsync(IPage page, string origin = BrowserFixture.SampleOrigin)
    {
        await page.GotoAsync(origin + "/");
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-ready", "true");
    }

    public static async Task OpenAndLogInAsync(IPage page, string user, string origin = BrowserFixture.SampleOrigin)
    {
        await OpenAsync(page, origin);
        await page.FillAsync("#user", user);
        await page.ClickAsync("#login");
        await Expect(page.GetByTestId("who")).ToContainTextAsync($"Logged in as {user}");
    }

    /// <summary>Logs out: the cookie is gone, the page keeps its token, so only the token can authenticate a socket.</summary>
    public static async Task LogOutKeepingTheTokenAsync(IPage page)
    {
        await page.ClickAsync("#logout");
        await Expect(page.GetByTestId("who")).ToContainTextAsync("the page still holds the token");
    }

    public static Task RecordSocketsAsync(IPage page) => page.Context.AddInitScriptAsync(SocketRecorder);

    /// <summary>The native sockets <see cref="RecordSocketsAsync"/> saw, in the order the page created them.</summary>
    public static async Task<NativeSocket[]> SocketsAsync(IPage page)
    {
        var sockets = await page.EvaluateAsync<JsonElement>("() => window.__sockets");
        return [.. sockets.EnumerateArray().Select(s => new NativeSocket(
            s.GetProperty("url").GetString()!,
            [.. s.GetProperty("offered").EnumerateArray().Select(p => p.GetString()!)],
            s.GetProperty("protocol").GetString(),
            [.. s.GetProperty("received").EnumerateArray().Select(m => m.GetString()!)],
            s.GetProperty("closed").ValueKind == JsonValueKind.Number ? s.GetProperty("closed").GetInt32() : null))];
    }

    /// <summary>Waits until the page's log has at least <paramref name="count"/> lines matching <paramref name="pattern"/> (a JS regex).</summary>
    public static Task WaitForLogLinesAsync(IPage page, string pattern, int count, float timeoutMs = 20_000)
        => page.WaitForFunctionAsync(
            "([pattern, count]) => (document.querySelector('#log').textContent.match(new RegExp(pattern, 'gm')) || []).length >= count",
            new object[] { pattern, count },
            new PageWaitForFunctionOptions { Timeout = timeoutMs, PollingInterval = 100 });

    public static async Task<int> CountLogLinesAsync(IPage page, string pattern)
        => Regex.Count(await page.GetByTestId("log").TextContentAsync() ?? string.Empty, pattern, RegexOptions.Multiline);

    /// <summary>Sends <paramref name="text"/> with the page's Send button and waits for the echo.</summary>
    public static async Task SendAndExpectEchoAsync(IPage page, string card, string text)
    {
        await page.FillAsync("#message", text);
        await page.ClickAsync("#send");
        await Expect(page.GetByTestId("log")).ToContainTextAsync($"{card} ← {text}");
    }

    /// <summary>The <c>exp</c> of a JWT (no validation: the test only reads what it sent).</summary>
    public static DateTimeOffset JwtExpiry(string jwt)
    {
        var payload = jwt.Split('.')[1];
        var json = Convert.FromBase64String(payload.Replace('-', '+').Replace('_', '/').PadRight((payload.Length + 3) / 4 * 4, '='));
        using var document = JsonDocument.Parse(json);
        return DateTimeOffset.FromUnixTimeSeconds(document.RootElement.GetProperty("exp").GetInt64());
    }
}

/// <summary>A native WebSocket as Chrome reported it to the page (see <see cref="SamplePage.RecordSocketsAsync"/>).</summary>
public sealed record NativeSocket(string Url, string[] Offered, string? Protocol, string[] Received, int? Closed);
