using System.Net;
using System.Net.Sockets;
using WsAuth.LoadTest.Scenarios;

namespace WsAuth.LoadTest.Client;

/// <summary>Opens many WebSockets (handshake and authentication done) and holds them open, idle.</summary>
internal sealed class IdleConnections : IDisposable
{
    private IdleConnections(List<Socket> sockets, Dictionary<string, long> failures)
    {
        Sockets = sockets;
        Failures = failures;
    }

    public IReadOnlyList<Socket> Sockets { get; }

    public IReadOnlyDictionary<string, long> Failures { get; }

    public long Failed => Failures.Values.Sum();

    /// <summary>
    /// Opens <paramref name="count"/> connections. With <paramref name="sourceAddresses"/>, connection <c>i</c> is bound to
    /// <c>sourceAddresses[i % n]</c> (loopback aliases such as 127.0.0.2: Linux routes all of 127.0.0.0/8 to lo), so that
    /// the server sees that many clients.
    /// </summary>
    public static async Task<IdleConnections> OpenAsync(IPEndPoint server, HandshakeClient client, int count, int parallelism, CancellationToken cancellationToken, IReadOnlyList<IPAddress>? sourceAddresses = null)
    {
        var sockets = new List<Socket>(count);
        var failures = new Dictionary<string, long>(StringComparer.Ordinal);
        var next = -1;
        var workers = Enumerable.Range(0, parallelism).Select(_ => Task.Run(async () =>
        {
            var buffer = new byte[16 * 1024];
            int index;
            while ((index = Interlocked.Increment(ref next)) < count)
            {
                var socket = RawWebSocket.NewSocket();
                string? failure = null;
                try
                {
                    if (sourceAddresses is { Count: > 0 })
                    {
                        socket.Bind(new IPEndPoint(sourceAddresses[index % sourceAddresses.Count], 0));
                    }

                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    timeout.CancelAfter(LoadWindow.OperationTimeout);
                    var response = await RawWebSocket.HandshakeAsync(socket, server, await client.GetRequestAsync(timeout.Token), buffer, timeout.Token);
                    if (response.Status != 101)
                    {
                        failure = "http-" + response.Status;
                    }
                    else if (client.AfterUpgrade is { } afterUpgrade && !await afterUpgrade(socket, buffer, response, timeout.Token))
                    {
                        failure = "not-authenticated";
                    }
                }
                catch (OperationCanceledException)
                {
                    failure = "timeout";
                }
                catch (SocketException ex)
                {
                    failure = "socket-" + ex.SocketErrorCode;
                }

                lock (sockets)
                {
                    if (failure is null)
                    {
                        sockets.Add(socket);
                    }
                    else
                    {
                        failures[failure] = failures.GetValueOrDefault(failure) + 1;
                    }
                }

                if (failure is not null)
                {
                    RawWebSocket.Abort(socket);
                }
            }
        }, cancellationToken));
        await Task.WhenAll(workers);
        return new IdleConnections(sockets, failures);
    }

    /// <summary>Resets every connection: the servers see the client go away.</summary>
    public void Dispose()
    {
        foreach (var socket in Sockets)
        {
            RawWebSocket.Abort(socket);
        }
    }
}
