using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace WsAuth.Sample.Tests;

/// <summary>
/// The sample applies the Kestrel limits and WebSocket keep-alive that docs/kestrel-limits.md recommends (matrix D3, J8):
/// read back from the Kestrel server the sample really runs on, not from a copy of the configuration.
/// </summary>
public class SampleKestrelLimitsTests
{
    [Fact]
    [Trait("Matrix", "D3")]
    [Trait("Matrix", "J8")]
    public async Task Sample_RunsKestrelWithTheRecommendedLimits_AndWebSocketKeepAlive()
    {
        // Arrange: the real sample on real Kestrel (127.0.0.1, OS-assigned port).
        await using var sample = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Development");
            b.UseSetting("WsAuth:AllowedOrigins:0", SampleClient.Origin);
            b.UseSetting("urls", "http://127.0.0.1:0"); // never Kestrel's default port 5000: other tests and processes start samples too
        });
        sample.UseKestrel(0);
        sample.StartServer();

        // Act: the options the running server holds (KestrelServerImpl.Options), and the WebSocket middleware's options.
        var server = sample.Services.GetRequiredService<IServer>();
        var limits = Assert.IsType<KestrelServerOptions>(server.GetType().GetProperty("Options")?.GetValue(server)).Limits;
        var webSockets = sample.Services.GetRequiredService<IOptions<WebSocketOptions>>().Value;

        // Assert
        Assert.Equal(10_000, limits.MaxConcurrentUpgradedConnections);
        Assert.Equal(32 * 1024, limits.MaxRequestHeadersTotalSize);
        Assert.Equal(8 * 1024, limits.MaxRequestLineSize);
        Assert.Equal(100, limits.MaxRequestHeaderCount);
        Assert.Equal(TimeSpan.FromSeconds(10), limits.RequestHeadersTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), webSockets.KeepAliveInterval);
        Assert.Equal(TimeSpan.FromSeconds(30), webSockets.KeepAliveTimeout);
    }

    [Fact]
    [Trait("Matrix", "J8")]
    public async Task Sample_RefusesAnOversizedQueryToken_WithKestrels414_BeforeWsAuthRuns()
    {
        await using var sample = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Development");
            b.UseSetting("WsAuth:AllowedOrigins:0", SampleClient.Origin);
            b.UseSetting("urls", "http://127.0.0.1:0"); // never Kestrel's default port 5000: other tests and processes start samples too
        });
        sample.UseKestrel(0);
        sample.StartServer();
        using var http = sample.CreateClient();

        using var response = await http.GetAsync("/ws?access_token=" + new string('a', 9 * 1024));

        Assert.Equal(System.Net.HttpStatusCode.RequestUriTooLong, response.StatusCode);
    }
}
