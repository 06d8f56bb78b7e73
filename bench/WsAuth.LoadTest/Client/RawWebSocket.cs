using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace WsAuth.LoadTest.Client;

/// <summary>
/// The load client's WebSocket, on a bare <see cref="Socket"/>: it writes a prebuilt handshake, checks the 101 and its
/// <c>Sec-WebSocket-Accept</c>, and frames by hand. It costs the client as little CPU as possible, so that on a
/// machine where client and server share the cores most of the time goes to the server being measured.
/// </summary>
internal static class RawWebSocket
{
    public const string Key = "dGhlIHNhbXBsZSBub25jZQ==";

    // RFC 6455 section 1.3: the accept value for the key above.
    private static readonly byte[] ExpectedAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="u8.ToArray();
    private static readonly byte[] HeaderTerminator = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] MaskKey = [0x12, 0x34, 0x56, 0x78];

    /// <summary>A masked close frame with status 1000.</summary>
    private static readonly byte[] CloseFrame = [0x88, 0x82, MaskKey[0], MaskKey[1], MaskKey[2], MaskKey[3], 0x03 ^ 0x12, 0xE8 ^ 0x34];

    /// <summary>The bytes of a handshake request.</summary>
    public static byte[] BuildHandshake(IPEndPoint server, string pathAndQuery, IEnumerable<KeyValuePair<string, string>> headers)
    {
        var text = new StringBuilder()
            .Append("GET ").Append(pathAndQuery).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(server).Append("\r\n")
            .Append("Upgrade: websocket\r\n")
            .Append("Connection: Upgrade\r\n")
            .Append("Sec-WebSocket-Key: ").Append(Key).Append("\r\n")
            .Append("Sec-WebSocket-Version: 13\r\n");
        foreach (var (name, value) in headers)
        {
            text.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        return Encoding.ASCII.GetBytes(text.Append("\r\n").ToString());
    }

    /// <summary>A masked text frame carrying <paramref name="payload"/> (at most 65,535 bytes).</summary>
    public static byte[] TextFrame(ReadOnlySpan<byte> payload)
    {
        if (payload.Length > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(payload), "Only frames with a 7- or 16-bit length are supported.");
        }

        var header = payload.Length <= 125 ? 2 : 4;
        var frame = new byte[header + 4 + payload.Length];
        frame[0] = 0x81;
        if (header == 2)
        {
            frame[1] = (byte)(0x80 | payload.Length);
        }
        else
        {
            frame[1] = 0x80 | 126;
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)payload.Length);
        }

        MaskKey.CopyTo(frame, header);
        for (var i = 0; i < payload.Length; i++)
        {
            frame[header + 4 + i] = (byte)(payload[i] ^ MaskKey[i % 4]);
        }

        return frame;
    }

    public static Socket NewSocket() => new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };

    /// <summary>
    /// Connects and sends the handshake; returns the response status (101 when upgraded, after checking the accept
    /// value). Bytes received after the response headers stay in <paramref name="buffer"/> at
    /// [<c>HeaderLength</c>, <c>Received</c>).
    /// </summary>
    public static async ValueTask<HandshakeResponse> HandshakeAsync(Socket socket, EndPoint server, ReadOnlyMemory<byte> request, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        await socket.ConnectAsync(server, cancellationToken);
        await SendAllAsync(socket, request, cancellationToken);
        var received = 0;
        while (true)
        {
            var n = await socket.ReceiveAsync(buffer[received..], SocketFlags.None, cancellationToken);
            if (n == 0)
            {
                return new HandshakeResponse(0, 0, received);
            }

            var searchFrom = Math.Max(0, received - 3);
            received += n;
            var end = buffer.Span[searchFrom..received].IndexOf(HeaderTerminator);
            if (end >= 0)
            {
                var headerLength = searchFrom + end + 4;
                var status = ParseStatus(buffer.Span[..headerLength]);
                if (status == 101 && buffer.Span[..headerLength].IndexOf(ExpectedAccept) < 0)
                {
                    status = -101; // upgraded with a wrong accept value: not a WebSocket server
                }

                return new HandshakeResponse(status, headerLength, received);
            }

            if (received == buffer.Length)
            {
                return new HandshakeResponse(-1, 0, received); // headers larger than the buffer
            }
        }
    }

    /// <summary>
    /// The client's side of the closing handshake: send a close frame, read until the server closes the connection
    /// (its close frame comes first), then reset so that neither side keeps the connection in TIME_WAIT.
    /// </summary>
    public static async ValueTask<bool> CloseAsync(Socket socket, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        await SendAllAsync(socket, CloseFrame, cancellationToken);
        var sawClose = false;
        var first = true;
        while (true)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            if (n == 0)
            {
                break;
            }

            if (first)
            {
                sawClose = (buffer.Span[0] & 0x0F) == 0x08;
                first = false;
            }
        }

        Abort(socket);
        return sawClose;
    }

    /// <summary>Closes with a reset (SO_LINGER 0): no TIME_WAIT on either side.</summary>
    public static void Abort(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (SocketException)
        {
            // already reset by the peer
        }

        socket.Dispose();
    }

    /// <summary>Sends one frame and reads the server's unmasked reply of the same payload length.</summary>
    public static async ValueTask<bool> EchoAsync(Socket socket, ReadOnlyMemory<byte> frame, int payloadLength, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        await SendAllAsync(socket, frame, cancellationToken);
        var expected = 2 + payloadLength;
        var received = 0;
        while (received < expected)
        {
            var n = await socket.ReceiveAsync(buffer[received..expected], SocketFlags.None, cancellationToken);
            if (n == 0)
            {
                return false;
            }

            received += n;
        }

        return buffer.Span[0] == 0x81 && buffer.Span[1] == payloadLength;
    }

    /// <summary>Reads one whole server frame (unmasked, any length up to the buffer) and returns its opcode and payload.</summary>
    public static async ValueTask<(int Opcode, int PayloadOffset, int PayloadLength)> ReadFrameAsync(Socket socket, Memory<byte> buffer, int alreadyReceived, CancellationToken cancellationToken)
    {
        var received = alreadyReceived;
        while (true)
        {
            if (received >= 2)
            {
                var length = buffer.Span[1] & 0x7F;
                var offset = 2;
                if (length == 126 && received >= 4)
                {
                    length = BinaryPrimitives.ReadUInt16BigEndian(buffer.Span[2..]);
                    offset = 4;
                }
                else if (length == 126 || length == 127)
                {
                    length = -1;
                }

                if (length >= 0 && received >= offset + length)
                {
                    return (buffer.Span[0] & 0x0F, offset, length);
                }
            }

            if (received == buffer.Length)
            {
                throw new InvalidOperationException("Server frame larger than the client buffer.");
            }

            var n = await socket.ReceiveAsync(buffer[received..], SocketFlags.None, cancellationToken);
            if (n == 0)
            {
                return (-1, 0, 0);
            }

            received += n;
        }
    }

    public static async ValueTask SendAllAsync(Socket socket, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            var n = await socket.SendAsync(data, SocketFlags.None, cancellationToken);
            data = data[n..];
        }
    }

    private static int ParseStatus(ReadOnlySpan<byte> headers)
    {
        // "HTTP/1.1 101 Switching Protocols"
        if (headers.Length < 12 || !headers.StartsWith("HTTP/1.1 "u8))
        {
            return -1;
        }

        var digits = headers[9..12];
        return digits[0] >= '0' && digits[0] <= '9' && digits[1] >= '0' && digits[1] <= '9' && digits[2] >= '0' && digits[2] <= '9'
            ? ((digits[0] - '0') * 100) + ((digits[1] - '0') * 10) + (digits[2] - '0')
            : -1;
    }
}

/// <summary>The status of a handshake response and where its headers end in the receive buffer.</summary>
internal readonly record struct HandshakeResponse(int Status, int HeaderLength, int Received);
