using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using WsAuth.Testing;

namespace WsAuth.FunctionalTests;

/// <summary>
/// Unauthenticated sockets cannot starve legitimate clients (SECURITY-MATRIX D3, F1): 2,000 silent first-message
/// sockets from one address are capped per client IP, refused with 429 before the upgrade, closed at the deadline, and
/// a client from another address still authenticates. Everything runs on loopback and ends by itself.
/// </summary>
public class SilentSocketsTests
{
    private const int PerClientCap = 100;

    [Fact]
    [Trait("Matrix", "D3")]
    [Trait("Matrix", "F1")]
    public async Task TwoThousandSilentSockets_DoNotStopALegitimateClient()
    {
        // Arrange: each held socket costs two descriptors in this process (client and server side).
        var count = SocketBudget(wanted: 2000);
        var (app, time, _) = await FirstMessageApp.StartAsync(
            o => o.RateLimiting.Enabled = false, // isolate the waiting-socket caps
            f =>
            {
                f.MaxPendingSocketsPerClient = PerClientCap;
                f.MaxPendingSocketsPerNetwork = 1000; // isolate the per-address cap: the legitimate client shares the /24
            });
        await using var _app = app;
        var silent = new List<SilentSocket>(count);

        try
        {
            // Act 1: the flood from 127.0.0.1, 200 handshakes in flight at a time.
            using var gate = new SemaphoreSlim(200);
            var opening = Enumerable.Range(0, count).Select(async _ =>
            {
                await gate.WaitAsync();
                try
                {
                    return await SilentSocket.OpenAsync(app.HttpUri, IPAddress.Loopback);
                }
                finally
                {
                    gate.Release();
                }
            });
            silent.AddRange(await Task.WhenAll(opening));

            // Act 2: a legitimate client from another address, while all of them are held open.
            using var legit = await FirstMessageApp.ConnectFromAsync(app, IPAddress.Parse("127.0.0.2"));
            var (_, welcome) = await FirstMessageApp.AuthenticateAsync(legit, TestTokenValidator.Token("alice"));
            await WebSocketTestClient.SendTextAsync(legit, "hello");
            var echo = await WebSocketTestClient.ReceiveTextAsync(legit);

            // Act 3: the deadline passes; the waiting sockets are closed with 4408 and, silent, cut off after the grace period.
            var upgraded = silent.Where(s => s.Status == HttpStatusCode.SwitchingProtocols).ToList();
            time.Advance(TimeSpan.FromSeconds(5));
            var closeCodes = await Task.WhenAll(upgraded.Select(s => s.ReadCloseCodeAsync()));
            time.Advance(TimeSpan.FromSeconds(2));
            var ended = await Task.WhenAll(upgraded.Select(s => s.EndedAsync()));

            // Assert
            Assert.Equal(PerClientCap, upgraded.Count);
            var refused = silent.Where(s => s.Status != HttpStatusCode.SwitchingProtocols).ToList();
            Assert.Equal(count - PerClientCap, refused.Count);
            Assert.All(refused, s =>
            {
                Assert.Equal(HttpStatusCode.TooManyRequests, s.Status);
                Assert.Equal("5", s.RetryAfter);
            });
            Assert.Equal("alice", welcome.GetProperty("user").GetString());
            Assert.Equal("hello", echo);
            Assert.All(closeCodes, c => Assert.Equal(4408, c));
            Assert.All(ended, Assert.True);
            Assert.Equal(1, app.EndpointInvocations);

            // The legitimate session is unaffected by the others' deadline.
            await WebSocketTestClient.SendTextAsync(legit, "still here");
            Assert.Equal("still here", await WebSocketTestClient.ReceiveTextAsync(legit));
        }
        finally
        {
            foreach (var socket in silent)
            {
                socket.Dispose();
            }
        }
    }

    [Fact]
    [Trait("Matrix", "D3")]
    public async Task GlobalCap_RefusesEveryoneUntilASlotFrees()
    {
        var (app, time, _) = await FirstMessageApp.StartAsync(
            o => o.RateLimiting.Enabled = false,
            f =>
            {
                f.MaxPendingSockets = 20;
                f.MaxPendingSocketsPerClient = 1000;
            });
        await using var _app = app;
        var silent = new List<SilentSocket>();
        try
        {
            for (var i = 0; i < 25; i++)
            {
                silent.Add(await SilentSocket.OpenAsync(app.HttpUri, IPAddress.Loopback));
            }

            var whileFull = await SilentSocket.OpenAsync(app.HttpUri, IPAddress.Parse("127.0.0.2"));
            silent.Add(whileFull);
            time.Advance(TimeSpan.FromSeconds(5)); // the waiting sockets miss their deadline and free their slots
            await Task.WhenAll(silent.Where(s => s.Status == HttpStatusCode.SwitchingProtocols).Select(s => s.ReadCloseCodeAsync()));
            time.Advance(TimeSpan.FromSeconds(2));

            using var legit = await FirstMessageApp.ConnectFromAsync(app, IPAddress.Parse("127.0.0.2"));
            var (ack, _) = await FirstMessageApp.AuthenticateAsync(legit, TestTokenValidator.Token("alice"));

            Assert.Equal(20, silent.Count(s => s.Status == HttpStatusCode.SwitchingProtocols));
            Assert.Equal(HttpStatusCode.TooManyRequests, whileFull.Status);
            Assert.Equal("wsauth.authenticated", ack.GetProperty("type").GetString());
        }
        finally
        {
            foreach (var socket in silent)
            {
                socket.Dispose();
            }
        }
    }

    /// <summary>
    /// How many sockets this process can hold: two descriptors each, plus headroom for the runtime and the test host.
    /// Fails with the fix when the limit is far too low to test anything meaningful.
    /// </summary>
    private static int SocketBudget(int wanted)
    {
        var limit = OpenFileLimit();
        var budget = limit is null ? wanted : (int)Math.Min(wanted, (limit.Value - 512) / 2);
        Assert.True(budget >= 500, $"The open-file limit ({limit}) is too low for this test; raise it with `ulimit -n 8192`.");
        return budget;
    }

    private static long? OpenFileLimit()
    {
        try
        {
            var line = File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
            var soft = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3];
            return soft is null || soft == "unlimited" ? null : long.Parse(soft, CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null; // not Linux: the default limits are far above what the test needs
        }
    }

    /// <summary>A raw connection that completes a WebSocket handshake and then says nothing.</summary>
    internal sealed class SilentSocket : IDisposable
    {
        private readonly Socket _socket;

        private SilentSocket(Socket socket, HttpStatusCode status, string? retryAfter)
        {
            _socket = socket;
            Status = status;
            RetryAfter = retryAfter;
        }

        public HttpStatusCode Status { get; }

        public string? RetryAfter { get; }

        public static async Task<SilentSocket> OpenAsync(Uri server, IPAddress localAddress)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                socket.Bind(new IPEndPoint(localAddress, 0));
                await socket.ConnectAsync(server.Host, server.Port, timeout.Token);
                var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
                var request = $"GET /ws HTTP/1.1\r\nHost: {server.Authority}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {key}\r\nOrigin: {FirstMessageApp.AllowedOrigin}\r\n\r\n";
                await socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None, timeout.Token);

                // Read the response head only (one byte at a time: nothing after it may be consumed).
                var head = new StringBuilder();
                var one = new byte[1];
                while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
                {
                    if (await socket.ReceiveAsync(one, SocketFlags.None, timeout.Token) == 0)
                    {
                        throw new IOException("The server closed the connection during the handshake.");
                    }

                    head.Append((char)one[0]);
                }

                var lines = head.ToString().Split("\r\n");
                var status = (HttpStatusCode)int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
                var retryAfter = lines.FirstOrDefault(l => l.StartsWith("Retry-After:", StringComparison.OrdinalIgnoreCase))?["Retry-After:".Length..].Trim();
                return new SilentSocket(socket, status, retryAfter);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        /// <summary>Reads the server's close frame (unmasked, short) and returns its code.</summary>
        public async Task<int> ReadCloseCodeAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var header = new byte[2];
            await ReadExactlyAsync(header, timeout.Token);
            Assert.Equal(0x88, header[0]);
            var payload = new byte[header[1] & 0x7F];
            await ReadExactlyAsync(payload, timeout.Token);
            return (payload[0] << 8) | payload[1];
        }

        /// <summary>Whether the server ended the connection (a FIN or a reset) without this side closing it.</summary>
        public async Task<bool> EndedAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                return await _socket.ReceiveAsync(new byte[16], SocketFlags.None, timeout.Token) == 0;
            }
            catch (SocketException)
            {
                return true;
            }
        }

        /// <summary>
        /// Sends the client's close frame (masked, 1000) without a first message, then waits until the server ends the
        /// connection: by then the server has finished with the socket.
        /// </summary>
        public async Task CloseAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            byte[] frame = [0x88, 0x82, 0, 0, 0, 0, 0x03, 0xE8]; // FIN + close, masked with a zero key, code 1000
            await _socket.SendAsync(frame, SocketFlags.None, timeout.Token);
            var buffer = new byte[256];
            try
            {
                while (await _socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) > 0)
                {
                }
            }
            catch (SocketException)
            {
                // Reset: ended all the same.
            }
        }

        public void Dispose() => _socket.Dispose();

        private async Task ReadExactlyAsync(byte[] buffer, CancellationToken cancellationToken)
        {
            var read = 0;
            while (read < buffer.Length)
            {
                var n = await _socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, cancellationToken);
                if (n == 0)
                {
                    throw new IOException("Connection ended before the close frame.");
                }

                read += n;
            }
        }
    }
}
