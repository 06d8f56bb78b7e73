using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace WsAuth.Testing;

/// <summary>
/// A raw-socket WebSocket handshake that can send any headers (duplicates, malformed values) and returns the exact
/// status line and response headers.
/// </summary>
public static class RawHandshake
{
    public static async Task<RawResponse> SendAsync(Uri server, string path, IEnumerable<(string Name, string Value)> headers, bool includeWebSocketHeaders = true, IPAddress? localAddress = null, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        using var client = localAddress is null ? new TcpClient() : new TcpClient(new IPEndPoint(localAddress, 0)); // 127.0.0.x: one client each
        await client.ConnectAsync(server.Host, server.Port, timeout.Token);
        await using var stream = client.GetStream();

        var request = new StringBuilder();
        request.Append("GET ").Append(path).Append(" HTTP/1.1\r\n");
        request.Append("Host: ").Append(server.Authority).Append("\r\n");
        if (includeWebSocketHeaders)
        {
            request.Append("Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n");
            request.Append("Sec-WebSocket-Key: ").Append(Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))).Append("\r\n");
        }

        foreach (var (name, value) in headers)
        {
            request.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        request.Append("\r\n");
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request.ToString()), timeout.Token);

        // Read the head (up to the blank line), then whatever body arrives quickly.
        var buffer = new byte[64 * 1024];
        var received = 0;
        int headEnd;
        while ((headEnd = IndexOfHeadEnd(buffer, received)) < 0)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(received), timeout.Token);
            if (n == 0)
            {
                break;
            }

            received += n;
        }

        var head = Encoding.Latin1.GetString(buffer, 0, headEnd < 0 ? received : headEnd);
        var lines = head.Split("\r\n");
        var statusParts = lines[0].Split(' ', 3);
        var responseHeaders = new List<KeyValuePair<string, string>>();
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon > 0)
            {
                responseHeaders.Add(new(line[..colon].Trim(), line[(colon + 1)..].Trim()));
            }
        }

        var status = (HttpStatusCode)int.Parse(statusParts[1], System.Globalization.CultureInfo.InvariantCulture);
        var body = string.Empty;
        if (status != HttpStatusCode.SwitchingProtocols && headEnd >= 0)
        {
            var contentLength = responseHeaders.FirstOrDefault(h => h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Value;
            var bodyStart = headEnd + 4;
            if (int.TryParse(contentLength, out var length))
            {
                while (received - bodyStart < length)
                {
                    var n = await stream.ReadAsync(buffer.AsMemory(received), timeout.Token);
                    if (n == 0)
                    {
                        break;
                    }

                    received += n;
                }

                body = Encoding.UTF8.GetString(buffer, bodyStart, Math.Min(length, received - bodyStart));
            }
            else
            {
                // Chunked or close-delimited: read until the terminating chunk or the end of the stream.
                var chunked = responseHeaders.Any(h => h.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && h.Value.Contains("chunked", StringComparison.OrdinalIgnoreCase));
                while (chunked && !Encoding.Latin1.GetString(buffer, bodyStart, received - bodyStart).Contains("0\r\n\r\n", StringComparison.Ordinal))
                {
                    var n = await stream.ReadAsync(buffer.AsMemory(received), timeout.Token);
                    if (n == 0)
                    {
                        break;
                    }

                    received += n;
                }

                body = Encoding.UTF8.GetString(buffer, bodyStart, received - bodyStart);
                if (chunked)
                {
                    body = DecodeChunked(body);
                }
            }
        }

        return new RawResponse(status, responseHeaders, body);
    }

    private static string DecodeChunked(string raw)
    {
        var result = new StringBuilder();
        var position = 0;
        while (position < raw.Length)
        {
            var lineEnd = raw.IndexOf("\r\n", position, StringComparison.Ordinal);
            if (lineEnd < 0)
            {
                break;
            }

            var size = Convert.ToInt32(raw[position..lineEnd], 16);
            if (size == 0)
            {
                break;
            }

            result.Append(raw, lineEnd + 2, size);
            position = lineEnd + 2 + size + 2;
        }

        return result.ToString();
    }

    private static int IndexOfHeadEnd(byte[] buffer, int length)
    {
        for (var i = 0; i + 3 < length; i++)
        {
            if (buffer[i] == '\r' && buffer[i + 1] == '\n' && buffer[i + 2] == '\r' && buffer[i + 3] == '\n')
            {
                return i;
            }
        }

        return -1;
    }
}

public sealed record RawResponse(HttpStatusCode Status, IReadOnlyList<KeyValuePair<string, string>> Headers, string Body)
{
    public string[] HeaderValues(string name)
        => Headers.Where(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).ToArray();
}
