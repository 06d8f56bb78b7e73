using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using WsAuth.Testing;

namespace WsAuth.FunctionalTests;

/// <summary>
/// Origins no browser sends (SECURITY-MATRIX AV8): fullwidth letters or digits, ideographic dots, a leading-zero port.
/// A serialized origin is ASCII, so these get 403 <c>origin_malformed</c> instead of being normalized into an allowed
/// origin. The header bytes go over a raw socket in UTF-8, as an attacker's client would send them.
/// </summary>
public class UnserializedOriginTests
{
    [Theory]
    [Trait("Matrix", "AV8")]
    [InlineData("http://\uFF4C\uFF4F\uFF43\uFF41\uFF4C\uFF48\uFF4F\uFF53\uFF54:5000")]
    [InlineData("http://localhost:\uFF15\uFF10\uFF10\uFF10")]
    [InlineData("http://localhost\u3002:5000")]
    [InlineData("http://local\uFF48ost:5000")]
    [InlineData("http://localhost:05000")]
    public async Task OriginNoBrowserSends_GetsOriginMalformed(string origin)
    {
        // Arrange: http://localhost:5000 is allowed.
        await using var app = await HandshakeApp.StartAsync(o => o.AllowedOrigins.Add("http://localhost:5000"));

        // Act
        var response = await SendUtf8HandshakeAsync(app, origin);
        var allowed = await SendUtf8HandshakeAsync(app, "http://localhost:5000");

        // Assert
        Assert.StartsWith("HTTP/1.1 403 ", response, StringComparison.Ordinal);
        Assert.EndsWith(WebSocketAuthFailureReasons.OriginMalformed, response, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 101 ", allowed, StringComparison.Ordinal);
        Assert.Equal(1, app.EndpointInvocations);
    }

    /// <summary>A handshake whose header bytes are UTF-8 (RawHandshake writes Latin-1), from an optional local address.</summary>
    internal static async Task<string> SendUtf8HandshakeAsync(KestrelTestApp app, string origin, System.Net.IPAddress? localAddress = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        using var client = localAddress is null ? new TcpClient() : new TcpClient(new System.Net.IPEndPoint(localAddress, 0));
        await client.ConnectAsync(app.HttpUri.Host, app.HttpUri.Port, timeout.Token);
        await using var stream = client.GetStream();
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var request = $"GET /ws HTTP/1.1\r\nHost: {app.HttpUri.Authority}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
            + $"Sec-WebSocket-Key: {key}\r\n{HeaderAuthenticator.Header}: alice\r\nOrigin: {origin}\r\n\r\n";
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request), timeout.Token);
        var received = new MemoryStream();
        var buffer = new byte[4096];
        while (true)
        {
            var n = await stream.ReadAsync(buffer, timeout.Token);
            received.Write(buffer, 0, n);
            var text = Encoding.UTF8.GetString(received.ToArray());
            var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (n == 0 || (headEnd >= 0 && (text.StartsWith("HTTP/1.1 101", StringComparison.Ordinal) || text.Length > headEnd + 4)))
            {
                return text;
            }
        }
    }
}
