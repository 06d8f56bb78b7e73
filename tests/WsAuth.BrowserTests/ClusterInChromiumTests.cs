using Microsoft.Playwright;
using WsAuth.Testing;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace WsAuth.BrowserTests;

/// <summary>
/// Chromium on samples/cluster (three sample instances behind nginx, sharing Redis): the page logs in, connects with a
/// ticket, and "Log out everywhere" closes its socket with 4401 revoked; the client then asks for a fresh ticket, is
/// refused (the cookie is revoked), and stops instead of reconnecting in a loop.
/// </summary>
[Collection(BrowserCollection.Name)]
public class ClusterInChromiumTests(BrowserFixture fixture, ITestOutputHelper output)
{
    [RedisFact]
    public async Task LogOutEverywhere_ThroughNginx_ClosesThePagesSocket4401Revoked_AndTheClientStops()
    {
        // Arrange
        using var cluster = await SampleCluster.StartAsync(
            "redis",
            BrowserFixture.ClusterPort,
            "18090 18091 18092",
            typeof(Program).Assembly.Location,
            ["--WsAuth:AllowedOrigins:2=" + BrowserFixture.ClusterOrigin, "--WsAuth:Redis:KeyPrefix=" + RedisTestServer.NewKeyPrefix(), "--WsAuth:Redis:Revocation:KeyPrefix=" + RedisTestServer.NewKeyPrefix(), "--WsAuth:Redis:Revocation:Channel=" + RedisTestServer.NewKeyPrefix()],
            output.WriteLine);
        var page = await fixture.NewPageAsync();
        await SamplePage.RecordSocketsAsync(page);
        await SamplePage.OpenAndLogInAsync(page, "alice", BrowserFixture.ClusterOrigin);
        await page.ClickAsync("#connect-ticket");
        await Expect(page.GetByTestId("status-ticket")).ToContainTextAsync("you are alice");

        // Act
        await page.ClickAsync("#logout-everywhere");
        await Expect(page.GetByTestId("who")).ToContainTextAsync("Logged out everywhere");
        await page.WaitForFunctionAsync("() => window.__sockets.length === 1 && window.__sockets[0].closed === 4401");
        await page.WaitForTimeoutAsync(4_000); // time for the client's reconnect attempt: it must not open a new socket

        // Assert
        var sockets = await SamplePage.SocketsAsync(page);
        Assert.Single(sockets);
        Assert.Equal(4401, sockets[0].Closed);
        await Expect(page.GetByTestId("status-ticket")).Not.ToContainTextAsync("you are alice");
        await page.Context.CloseAsync();
    }
}
