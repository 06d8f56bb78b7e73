using System.Net;
using WsAuth.Testing;

namespace WsAuth.FunctionalTests;

/// <summary>
/// A page on a foreign origin makes its visitor's browser open <c>new WebSocket(...)</c> every 25 ms (SECURITY-MATRIX
/// AV1). The refused-Origin handshakes come from the visitor's own address, and so does everyone's behind the same NAT:
/// they spend a budget of their own, never the one the visitor's legitimate handshakes use.
/// </summary>
public class CrossSiteDrainTests
{
    [Fact]
    [Trait("Matrix", "AV1")]
    public async Task RefusedOriginFlood_FromTheVisitorsAddress_LeavesItsLegitimateHandshakesWorking()
    {
        // Arrange: the default limits (300 handshakes a minute per client).
        await using var app = await HandshakeApp.StartAsync();
        var visitor = IPAddress.Parse("127.0.0.7");
        var neighbour = IPAddress.Parse("127.0.0.8"); // another address: its budget is untouched either way

        // Act: 320 refused-Origin handshakes from the visitor's address, 16 at a time.
        var statuses = new List<HttpStatusCode>();
        for (var batch = 0; batch < 20; batch++)
        {
            var sent = Enumerable.Range(0, 16).Select(_ => RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", "https://evil.test")], localAddress: visitor));
            statuses.AddRange((await Task.WhenAll(sent)).Select(r => r.Status));
        }

        var own = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", HandshakeApp.AllowedOrigin), (HeaderAuthenticator.Header, "visitor")], localAddress: visitor);
        var other = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", HandshakeApp.AllowedOrigin), (HeaderAuthenticator.Header, "neighbour")], localAddress: neighbour);

        // Assert: the flood is refused (then limited on its own budget); the visitor's own handshake still succeeds.
        Assert.Equal(300, statuses.Count(s => s == HttpStatusCode.Forbidden));
        Assert.Equal(20, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, own.Status);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, other.Status);
        Assert.Equal(2, app.EndpointInvocations);
    }
}
