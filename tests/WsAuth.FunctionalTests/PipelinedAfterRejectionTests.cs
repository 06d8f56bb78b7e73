using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using WsAuth.Testing;

namespace WsAuth.FunctionalTests;

/// <summary>
/// A request pipelined on the same connection after a rejected upgrade is never served (SECURITY-MATRIX AV5): every
/// handshake rejection carries <c>Connection: close</c> and the server ends the connection, the precondition for
/// WebSocket request smuggling behind proxies that do not check for 101.
/// </summary>
public class PipelinedAfterRejectionTests
{
    public static TheoryData<string, string, string> Rejections => new()
    {
        { "origin_not_allowed", "Origin: https://evil.test\r\n", "403" },
        { "origin_multiple", "Origin: https://app.example.com\r\nOrigin: https://app.example.com\r\n", "400" },
        { "no_credentials", "Origin: https://app.example.com\r\n", "401" },
        { "invalid_credentials", "Origin: https://app.example.com\r\nX-Test-User: bad\r\n", "401" },
    };

    [Theory]
    [Trait("Matrix", "AV5")]
    [MemberData(nameof(Rejections))]
    public async Task RequestPipelinedAfterARejectedUpgrade_IsNotServed(string reason, string headers, string status)
    {
        // Arrange
        await using var app = await HandshakeApp.StartAsync();
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var upgrade = $"GET /ws HTTP/1.1\r\nHost: {app.HttpUri.Authority}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {key}\r\n{headers}\r\n";
        var smuggled = $"GET /plain HTTP/1.1\r\nHost: {app.HttpUri.Authority}\r\n\r\n";

        // Act: both requests in one write, then read until the server ends the connection.
        var answer = await SendAndReadToEndAsync(app, upgrade + smuggled);

        // Assert: one response, the rejection, with Connection: close; nothing for the pipelined request.
        Assert.StartsWith($"HTTP/1.1 {status} ", answer, StringComparison.Ordinal);
        Assert.Contains("Connection: close\r\n", answer, StringComparison.OrdinalIgnoreCase);
        Assert.EndsWith(reason, answer, StringComparison.Ordinal);
        Assert.Single(answer.Split("HTTP/1.1 ")[1..]);
        Assert.DoesNotContain("plain", answer.Replace("text/plain", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Matrix", "AV5")]
    public async Task RateLimitedUpgrade_ClosesTheConnectionToo()
    {
        await using var app = await HandshakeApp.StartAsync(o => o.RateLimiting.PermitsPerClient = 1);
        await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", HandshakeApp.AllowedOrigin)]);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var upgrade = $"GET /ws HTTP/1.1\r\nHost: {app.HttpUri.Authority}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {key}\r\nOrigin: {HandshakeApp.AllowedOrigin}\r\n\r\n";

        var answer = await SendAndReadToEndAsync(app, upgrade + $"GET /plain HTTP/1.1\r\nHost: {app.HttpUri.Authority}\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 429 ", answer, StringComparison.Ordinal);
        Assert.Single(answer.Split("HTTP/1.1 ")[1..]);
    }

    private static async Task<string> SendAndReadToEndAsync(KestrelTestApp app, string requests)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        using var client = new TcpClient();
        await client.ConnectAsync(app.HttpUri.Host, app.HttpUri.Port, timeout.Token);
        await using var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(requests), timeout.Token);
        var received = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                received.Write(buffer, 0, n);
            }
        }
        catch (IOException)
        {
            // A reset ends the connection too.
        }
        catch (OperationCanceledException)
        {
            // Still open after 15 s: return what was served, for the assertions to show it.
        }

        return Encoding.ASCII.GetString(received.ToArray());
    }
}
