using System.Net;

namespace WsAuth.BrowserTests;

/// <summary>How the sample serves the browser client (no browser needed).</summary>
[Collection(BrowserCollection.Name)]
public class SampleHostingTests(BrowserFixture fixture)
{
    [Fact]
    public async Task ClientModule_IsServedAtJs_AsJavaScript_AndNothingElseFromThatFolder()
    {
        using var client = new HttpClient { BaseAddress = fixture.Sample.ListeningUri };

        using var module = await client.GetAsync("/js/wsauth.js");
        Assert.Equal(HttpStatusCode.OK, module.StatusCode);
        Assert.Equal("text/javascript", module.Content.Headers.ContentType?.MediaType);
        Assert.Equal(
            await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.ClientScripts, "index.js")),
            await module.Content.ReadAsStringAsync());

        // The modules the entry imports are served beside it, as JavaScript.
        using var socketModule = await client.GetAsync("/js/socket.js");
        Assert.Equal(HttpStatusCode.OK, socketModule.StatusCode);
        Assert.Equal("text/javascript", socketModule.Content.Headers.ContentType?.MediaType);

        using var types = await client.GetAsync("/js/index.d.ts");
        Assert.Equal(HttpStatusCode.NotFound, types.StatusCode);
    }

    [Fact]
    public void MissingClientFolder_FailsAtStartup_NamingTheFix()
    {
        using var sample = new SampleServer(BrowserFixture.SampleOrigin, new Dictionary<string, string?>
        {
            ["Sample:ClientScriptsPath"] = Path.Combine(Path.GetTempPath(), "wsauth-no-such-folder"),
        });

        var error = Assert.ThrowsAny<InvalidOperationException>(sample.Start);
        Assert.Contains("index.js does not exist", error.Message, StringComparison.Ordinal);
        Assert.Contains("npm run build", error.Message, StringComparison.Ordinal);
        Assert.Contains("Sample:ClientScriptsPath", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignalRClient_IsServedFromNodeModules_AsJavaScript_NeverFromACdn()
    {
        using var client = new HttpClient { BaseAddress = fixture.Sample.ListeningUri };

        using var script = await client.GetAsync("/lib/signalr/signalr.min.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Equal(
            await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.SignalRScripts, "signalr.min.js")),
            await script.Content.ReadAsStringAsync());
        using var map = await client.GetAsync("/lib/signalr/signalr.min.js.map");
        Assert.Equal(HttpStatusCode.NotFound, map.StatusCode);

        var page = await client.GetStringAsync("/");
        Assert.Contains("<script src=\"/lib/signalr/signalr.min.js\"></script>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("cdn", page, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void MissingSignalRClientFolder_FailsAtStartup_NamingTheFix()
    {
        using var sample = new SampleServer(BrowserFixture.SampleOrigin, new Dictionary<string, string?>
        {
            ["Sample:SignalRScriptsPath"] = Path.Combine(Path.GetTempPath(), "wsauth-no-such-folder"),
        });

        var error = Assert.ThrowsAny<InvalidOperationException>(sample.Start);
        Assert.Contains("signalr.min.js does not exist", error.Message, StringComparison.Ordinal);
        Assert.Contains("npm ci", error.Message, StringComparison.Ordinal);
        Assert.Contains("Sample:SignalRScriptsPath", error.Message, StringComparison.Ordinal);
    }
}
