using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.FileProviders;
using Microsoft.Playwright;
using WsAuth.Testing;

namespace WsAuth.BrowserTests;

/// <summary>
/// One headless Chromium (Debian's, driven by Playwright), the sample app and a second site, shared by every browser
/// test (a fresh browser context, with its own cookies, per test). Chromium resolves the test host names to the servers'
/// OS-assigned ports and nothing else: <c>app.wsauth.test</c> is the sample, <c>other.wsauth.test</c> is another origin
/// of the same site, <c>evil.example</c> is another site. Every other host name fails to resolve, so the browser
/// never leaves loopback.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string SampleOrigin = "http://app.wsauth.test";
    public const string SameSiteOrigin = "http://other.wsauth.test";
    public const string CrossSiteOrigin = "http://evil.example";

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic",
    ];

    private IPlaywright? _playwright;

    public SampleServer Sample { get; private set; } = null!;

    /// <summary>The other origin: a page that opens the sample's socket with the real client (<see cref="ForeignPage"/>).</summary>
    public KestrelTestApp Foreign { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where tests save what a person would look at (screenshots): <c>artifacts/</c> under the test output.</summary>
    public static string ArtifactsDirectory => Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts")).FullName;

    public async Task InitializeAsync()
    {
        Sample = new SampleServer(SampleOrigin);
        Sample.Start();
        Foreign = await StartForeignSiteAsync();

        var samplePort = Sample.ListeningUri.Port;
        var foreignPort = Foreign.HttpUri.Port;
        var hostRules = string.Join(", ",
            $"MAP app.wsauth.test:80 127.0.0.1:{samplePort}",
            $"MAP other.wsauth.test:80 127.0.0.1:{foreignPort}",
            $"MAP evil.example:80 127.0.0.1:{foreignPort}",
            "MAP * ~NOTFOUND");

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium.ExecutablePath(),
            Headless = true,
            Args = [.. ChromiumArgs, $"--host-resolver-rules={hostRules}"],
            Timeout = 60_000,
        });
    }

    /// <summary>A page in a fresh browser context: no cookies from other tests.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1100, Height = 1000 },
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        return page;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (Foreign is not null)
        {
            await Foreign.DisposeAsync();
        }

        if (Sample is not null)
        {
            await Sample.DisposeAsync();
        }
    }

    private static Task<KestrelTestApp> StartForeignSiteAsync()
        => KestrelTestApp.StartAsync(
            _ => { },
            (app, _) =>
            {
                app.UseStaticFiles(new StaticFileOptions
                {
                    RequestPath = "/js",
                    FileProvider = new PhysicalFileProvider(RepositoryPaths.ClientScripts),
                });
                app.MapGet("/", () => Results.Content(ForeignPage.Html, "text/html; charset=utf-8"));
                WireProtocolStub.Map(app);
            },
            address: IPAddress.Loopback);
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}

/// <summary>The page of another site: opens <c>?target=</c> with the cookie method of the real client, and reports.</summary>
internal static class ForeignPage
{
    public const string Html = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Another site</title></head>
        <body>
          <h1>Another site</h1>
          <p id="result" data-testid="result">pending</p>
          <script type="module">
            import { WsAuthSocket } from '/js/wsauth.js';
            const result = document.querySelector('#result');
            const socket = new WsAuthSocket(new URLSearchParams(location.search).get('target'), { method: 'cookie', reconnect: false });
            socket.addEventListener('open', () => { result.dataset.outcome = 'open'; result.textContent = 'open'; });
            socket.addEventListener('message', (e) => { result.textContent += ' message: ' + e.data; });
            socket.addEventListener('close', (e) => {
              result.dataset.outcome ??= 'refused';
              result.textContent += ` closed ${e.code}`;
              result.dataset.closed = String(e.code);
            });
          </script>
        </body></html>
        """;
}

/// <summary>Finds Debian's Chromium: Playwright cannot download browsers here, and never should.</summary>
internal static class Chromium
{
    public static string ExecutablePath()
    {
        var configured = Environment.GetEnvironmentVariable("WSAUTH_CHROMIUM");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(configured)
                ? configured
                : throw new InvalidOperationException($"WSAUTH_CHROMIUM is {configured}, which does not exist. Run ./test.sh (it installs Chromium and sets WSAUTH_CHROMIUM), or `apt-get install chromium`.");
        }

        const string debian = "/usr/bin/chromium";
        return File.Exists(debian)
            ? debian
            : throw new InvalidOperationException(
                "Chromium was not found (neither WSAUTH_CHROMIUM nor /usr/bin/chromium). The browser tests drive Debian's Chromium; "
                + "Playwright does not download browsers here. Run ./test.sh, which installs it, or `apt-get install chromium`.");
    }
}

internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string ClientScripts => Path.Combine(Root, "clients", "js", "src");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "WsAuth.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("WsAuth.sln not found above " + AppContext.BaseDirectory);
    }
}
