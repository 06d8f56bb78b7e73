using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using WsAuth.Testing;

namespace WsAuth.FunctionalTests;

/// <summary>
/// The Kestrel limits docs/kestrel-limits.md recommends in front of WsAuth, with their effect measured on real
/// sockets (matrix rows J8 and D3). These test Kestrel's behaviour as WsAuth users rely on it.
/// </summary>
public class KestrelLimitsTests
{
    private static Task<KestrelTestApp> StartAsync(Action<KestrelServerLimits> limits)
        => KestrelTestApp.StartAsync(
            builder =>
            {
                builder.WebHost.ConfigureKestrel(k => limits(k.Limits));
                builder.Services.AddWebSocketAuth(o => o.AllowedOrigins.Add(HandshakeApp.AllowedOrigin)).AddAuthenticator<HeaderAuthenticator>("header");
            },
            (app, test) =>
            {
                app.UseWebSocketAuth();
                test.MapWelcomeEcho(app);
            });

    [Fact]
    [Trait("Matrix", "D3")]
    public async Task UpgradedConnectionCap_RefusesTheSocketOverTheCap_AndFreesTheSlotOnClose()
    {
        await using var app = await StartAsync(l => l.MaxConcurrentUpgradedConnections = 2);
        using var first = await WebSocketTestClient.ConnectAsync(app.WebSocketUri(), HandshakeApp.AllowedOrigin, o => o.SetRequestHeader(HeaderAuthenticator.Header, "a"));
        using var second = await WebSocketTestClient.ConnectAsync(app.WebSocketUri(), HandshakeApp.AllowedOrigin, o => o.SetRequestHeader(HeaderAuthenticator.Header, "b"));
        await WebSocketTestClient.ReceiveTextAsync(first);
        await WebSocketTestClient.ReceiveTextAsync(second);

        var third = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", HandshakeApp.AllowedOrigin), (HeaderAuthenticator.Header, "c")]);

        await first.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        var afterClose = HttpStatusCode.Unused;
        for (var i = 0; i < 50 && afterClose != HttpStatusCode.SwitchingProtocols; i++)
        {
            await Task.Delay(50);
            afterClose = await HandshakeApp.StatusAsync(app, HandshakeApp.AllowedOrigin, user: "d");
        }

        // Kestrel throws from AcceptWebSocketAsync at the cap; WsAuth answers 503 with Retry-After instead of a 500.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, third.Status);
        Assert.Equal(WebSocketAuthFailureReasons.UpgradeRefused, third.Body);
        Assert.Equal("1", third.HeaderValues("Retry-After").Single());
        Assert.Contains(app.Logs.GetSnapshot(), e => e.Id.Name == "UpgradeRefused");
        Assert.Equal(HttpStatusCode.SwitchingProtocols, afterClose);
    }

    [Fact]
    [Trait("Matrix", "J8")]
    public async Task HeaderSizeLimit_Gets431BeforeWsAuthRuns()
    {
        await using var app = await StartAsync(l => l.MaxRequestHeadersTotalSize = 16 * 1024);
        var response = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", HandshakeApp.AllowedOrigin), (HeaderAuthenticator.Header, "a"), ("X-Padding", new string('a', 20 * 1024))]);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.Status);
        Assert.Equal(0, app.EndpointInvocations);
        Assert.DoesNotContain(app.Logs.GetSnapshot(), e => e.Category?.StartsWith("WsAuth", StringComparison.Ordinal) == true && e.Id.Name == "HandshakeRejected");
    }

    [Fact]
    [Trait("Matrix", "J8")]
    public async Task RequestLineLimit_Gets414ForAHugeQueryToken()
    {
        await using var app = await StartAsync(l => l.MaxRequestLineSize = 8 * 1024);
        var response = await RawHandshake.SendAsync(app.HttpUri, "/ws?access_token=" + new string('a', 10 * 1024), [("Origin", HandshakeApp.AllowedOrigin)]);
        Assert.Equal(HttpStatusCode.RequestUriTooLong, response.Status);
    }

    [Fact]
    [Trait("Matrix", "D3")]
    public async Task HeadersTimeout_ClosesASlowHeaderClient()
    {
        // Slowloris: headers trickle in; Kestrel answers 408 and closes once RequestHeadersTimeout has passed.
        await using var app = await StartAsync(l => l.RequestHeadersTimeout = TimeSpan.FromSeconds(1));
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, app.HttpUri.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("GET /ws HTTP/1.1\r\nHost: x\r\n"));
        var elapsed = System.Diagnostics.Stopwatch.StartNew();
        var buffer = new byte[1024];
        var read = 0;
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            while (!guard.IsCancellationRequested)
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes("X-Slow: 1\r\n"), guard.Token);
                var readTask = stream.ReadAsync(buffer, guard.Token).AsTask();
                if (await Task.WhenAny(readTask, Task.Delay(300, guard.Token)) == readTask)
                {
                    read = await readTask;
                    break;
                }
            }
        }
        catch (IOException)
        {
            read = -1; // reset by the server: also closed
        }

        // The loop ended because the server answered or closed (read >= 0 or a reset), not because the guard fired.
        Assert.False(guard.IsCancellationRequested, "Kestrel kept a slow-header client for 20 s");
        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(15), $"closed only after {elapsed.Elapsed}");
        if (read > 0)
        {
            Assert.StartsWith("HTTP/1.1 408", Encoding.ASCII.GetString(buffer, 0, read), StringComparison.Ordinal);
        }
    }
}
