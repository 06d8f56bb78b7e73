using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Playwright;
using WsAuth.Sample;
using WsAuth.Testing;

namespace WsAuth.BrowserTests;

/// <summary>
/// One headless Chromium (Debian's, driven by Playwright), the sample app and a second site, shared by every browser
/// test (a fresh browser context, with its own cookies, per test). Chromium resolves the test host names to the servers'
/// OS-assigned ports and nothing else: <c>app.wsauth.test</c> is the sample, <c>other.wsauth.test</c> is another origin
/// of the same site, <c>evil.example</c> is another site, <c>partner.wsauth.test</c> is a second front end the sample
/// allows (an allowed origin, served by the other site's server). <c>short.wsauth.test</c> and
/// <c>capped.wsauth.test</c> are two more instances of the sample whose sessions end within seconds (see
/// <see cref="ShortSessions"/>, <see cref="CappedSessions"/>). Every other host name fails to resolve, so the browser
/// never leaves loopback.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string SampleOrigin = "http://app.wsauth.test";
    public const string SameSiteOrigin = "http://other.wsauth.test";
    public const string CrossSiteOrigin = "http://evil.example";
    public const string PartnerOrigin = "http://partner.wsauth.test";
    public const string ShortSessionsOrigin = "http://short.wsauth.test";
    public const string CappedSessionsOrigin = "http://capped.wsauth.test";

    /// <summary>samples/cluster's nginx, when a test starts it (ClusterInChromiumTests), on <see cref="ClusterPort"/>.</summary>
    public const string ClusterOrigin = "http://cluster.wsauth.test";
    public const int ClusterPort = 18089;

    /// <summary>The demo JWTs of <see cref="ShortSessions"/> live this long (a JWT's exp has whole seconds: 3 to 4 s).</summary>
    public static readonly TimeSpan ShortTokenLifetime = TimeSpan.FromSeconds(4);

    /// <summary>Every session of <see cref="CappedSessions"/> ends this long after its handshake, refreshed or not.</summary>
    public static readonly TimeSpan CappedSessionLength = TimeSpan.FromSeconds(3);

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic",
    ];

    private IPlaywright? _playwright;

    public SampleServer Sample { get; private set; } = null!;

    /// <summary>The sample with JWTs that expire in seconds (Sample:TokenLifetime) and an expiry warning 2 s ahead.</summary>
    public SampleServer ShortSessions { get; private set; } = null!;

    /// <summary>The sample with every session capped at a few seconds (WsAuth:Sessions:MaxSessionLength): no refresh extends it.</summary>
    public SampleServer CappedSessions { get; private set; } = null!;

    /// <summary>The other origin: a page that opens the sample's socket with the real client (<see cref="ForeignPage"/>).</summary>
    public KestrelTestApp Foreign { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where tests save what a person would look at (screenshots): <c>artifacts/</c> under the test output.</summary>
    public static string ArtifactsDirectory => Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts")).FullName;

    public async Task InitializeAsync()
    {
        // One at a time: WebApplicationFactory finds the sample's host through a process-wide hook.
        Sample = new SampleServer(SampleOrigin, new Dictionary<string, string?> { ["WsAuth:AllowedOrigins:1"] = PartnerOrigin });
        Sample.Start();
        ShortSessions = new SampleServer(ShortSessionsOrigin, new Dictionary<string, string?>
        {
            ["Sample:TokenLifetime"] = ShortTokenLifetime.ToString(),
            ["WsAuth:Sessions:ExpiryWarning"] = "00:00:02",
        });
        ShortSessions.Start();
        CappedSessions = new SampleServer(CappedSessionsOrigin, new Dictionary<string, string?>
        {
            ["WsAuth:Sessions:MaxSessionLength"] = CappedSessionLength.ToString(),
        });
        CappedSessions.Start();
        Foreign = await StartForeignSiteAsync();

        var foreignPort = Foreign.HttpUri.Port;
        var hostRules = string.Join(", ",
            $"MAP app.wsauth.test:80 127.0.0.1:{Sample.ListeningUri.Port}",
            $"MAP short.wsauth.test:80 127.0.0.1:{ShortSessions.ListeningUri.Port}",
            $"MAP capped.wsauth.test:80 127.0.0.1:{CappedSessions.ListeningUri.Port}",
            $"MAP other.wsauth.test:80 127.0.0.1:{foreignPort}",
            $"MAP cluster.wsauth.test:80 127.0.0.1:{ClusterPort}",
            $"MAP evil.example:80 127.0.0.1:{foreignPort}",
            $"MAP partner.wsauth.test:80 127.0.0.1:{foreignPort}",
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

        foreach (var sample in new[] { Sample, ShortSessions, CappedSessions })
        {
            if (sample is not null)
            {
                await sample.DisposeAsync();
            }
        }
    }

    private static Task<KestrelTestApp> StartForeignSiteAsync()
        => KestrelTestApp.StartAsync(
            _ => { },
            (app, _) =>
            {
                app.UseClientScripts(RepositoryPaths.ClientScripts);
                app.UseSignalRClientScript(RepositoryPaths.SignalRScripts);
                app.MapGet("/", () => Results.Content(ForeignPage.Html, "text/html; charset=utf-8"));
                app.MapGet("/signalr", () => Results.Content(ForeignPage.SignalRHtml, "text/html; charset=utf-8"));
                WireProtocolStub.Map(app);
            },
            address: IPAddress.Loopback);
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}

/// <summary>
/// The page of another origin: opens <c>?target=</c> with the real client, with the cookie method (default) or
/// <c>?method=ticket</c>: then with <c>?ticket=</c> (a ticket obtained elsewhere), or by asking the target's ticket
/// endpoint itself from this origin. It reports the outcome in <c>#result</c>: <c>data-outcome</c> (open or refused),
/// <c>data-closed</c> (the close code) and <c>data-error</c> (the client's error code).
/// </summary>
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
            const params = new URLSearchParams(location.search);
            const options = { method: params.get('method') ?? 'cookie', reconnect: false };
            const ticket = params.get('ticket');
            if (ticket !== null) options.getTicket = () => ticket;
            const socket = new WsAuthSocket(params.get('target'), options);
            socket.addEventListener('open', () => { result.dataset.outcome = 'open'; result.textContent = 'open'; });
            socket.addEventListener('message', (e) => { result.textContent += ' message: ' + e.data; });
            socket.addEventListener('error', (e) => { result.dataset.error ??= e.error.code; });
            socket.addEventListener('close', (e) => {
              result.dataset.outcome ??= 'refused';
              result.textContent += ` closed ${e.code}`;
              result.dataset.closed = String(e.code);
            });
          </script>
        </body></html>
        """;

    /// <summary>
    /// The page of another origin with the @microsoft/signalr client, connecting to the sample's hub as a hijacking page
    /// would: straight to the WebSocket (negotiate is a CORS request it could not read), with the visitor's cookie and
    /// no ticket (the ticket endpoint refuses other origins). Reports <c>data-outcome</c> (open or refused) in <c>#result</c>.
    /// </summary>
    public const string SignalRHtml = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Another site</title></head>
        <body>
          <p id="result" data-testid="result">pending</p>
          <script src="/lib/signalr/signalr.min.js"></script>
          <script>
            const result = document.querySelector('#result');
            const hub = new signalR.HubConnectionBuilder()
              .withUrl('http://app.wsauth.test/hubs/echo', { skipNegotiation: true, transport: signalR.HttpTransportType.WebSockets })
              .build();
            hub.start()
              .then(() => hub.invoke('WhoAmI'))
              .then((me) => { result.dataset.outcome = 'open'; result.textContent = JSON.stringify(me); })
              .catch((e) => { result.dataset.outcome = 'refused'; result.textContent = e.message; });
          </script>
        </body></html>
        """;

    /// <summary>The URL of this page on <paramref name="origin"/>, opening the sample's socket with the given query.</summary>
    public static string Url(string origin, string query = "")
        => $"{origin}/?target={Uri.EscapeDataString("ws://app.wsauth.test/ws")}{query}";
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

    /// <summary>The compiled browser client (building WsAuth.Sample, which these tests reference, compiles it).</summary>
    public static string ClientScripts => Path.Combine(Root, "clients", "js", "dist");

    /// <summary>The @microsoft/signalr browser bundle, a dev dependency of clients/js (installed when the sample builds).</summary>
    public static string SignalRScripts => Path.Combine(Root, "clients", "js", "node_modules", "@microsoft", "signalr", "dist", "browser");

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
