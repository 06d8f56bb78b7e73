using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace WsAuth.LoadTest.Client;

/// <summary>
/// Plain HTTP load: keep-alive <c>GET /plain</c> on <c>concurrency</c> connections, one request at a time each. It shows
/// what WsAuth's middleware costs a request that is not a WebSocket handshake.
/// </summary>
internal static class PlainHttpLoad
{
    private static readonly byte[] Body = "ok"u8.ToArray();

    public static async Task<LoadSample> RunAsync(IPEndPoint server, int concurrency, TimeSpan warmup, TimeSpan measure, Func<CpuTimes> serverCpu, CancellationToken cancellationToken)
    {
        var request = Encoding.ASCII.GetBytes($"GET /plain HTTP/1.1\r\nHost: {server}\r\nAccept: text/plain\r\n\r\n");
        var window = new LoadWindow(warmup, measure);
        var cpu = window.MeasureCpuAsync(serverCpu, cancellationToken);
        var workers = new Task<WorkerStats>[concurrency];
        for (var i = 0; i < concurrency; i++)
        {
            workers[i] = Task.Run(() => WorkerAsync(server, request, window, cancellationToken), cancellationToken);
        }

        return LoadSample.From(await Task.WhenAll(workers), window.Measure).WithCpu(await cpu);
    }

    private static async Task<WorkerStats> WorkerAsync(IPEndPoint server, byte[] request, LoadWindow window, CancellationToken cancellationToken)
    {
        var stats = new WorkerStats();
        var buffer = new byte[4096];
        Socket? socket = null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(window.Measure + TimeSpan.FromSeconds(30));
        try
        {
            while (window.TryStart() && !cancellationToken.IsCancellationRequested)
            {
                try
                {
                    if (socket is null)
                    {
                        socket = RawWebSocket.NewSocket();
                        await socket.ConnectAsync(server, timeout.Token);
                    }

                    var start = Stopwatch.GetTimestamp();
                    await RawWebSocket.SendAllAsync(socket, request, timeout.Token);
                    var ok = await ReadResponseAsync(socket, buffer, timeout.Token);
                    var end = Stopwatch.GetTimestamp();
                    if (!ok)
                    {
                        RawWebSocket.Abort(socket);
                        socket = null;
                    }

                    if (window.Counts(end))
                    {
                        if (ok)
                        {
                            stats.Succeeded++;
                            stats.LatenciesMicroseconds.Add(WorkerStats.ToMicroseconds(end - start));
                        }
                        else
                        {
                            stats.Fail("bad-response");
                        }
                    }
                }
                catch (Exception ex) when (ex is SocketException or OperationCanceledException)
                {
                    stats.Fail(ex is SocketException se ? "socket-" + se.SocketErrorCode : "timeout");
                    if (socket is not null)
                    {
                        RawWebSocket.Abort(socket);
                        socket = null;
                    }
                }
            }
        }
        finally
        {
            if (socket is not null)
            {
                RawWebSocket.Abort(socket);
            }
        }

        return stats;
    }

    /// <summary>Reads one <c>200</c> response whose body is <c>ok</c> (the servers send it with a Content-Length).</summary>
    private static async ValueTask<bool> ReadResponseAsync(Socket socket, byte[] buffer, CancellationToken cancellationToken)
    {
        var received = 0;
        while (true)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(received), SocketFlags.None, cancellationToken);
            if (n == 0)
            {
                return false;
            }

            received += n;
            var data = buffer.AsSpan(0, received);
            var end = data.IndexOf("\r\n\r\n"u8);
            if (end >= 0 && received >= end + 4 + Body.Length)
            {
                return data.StartsWith("HTTP/1.1 200"u8) && data.Slice(end + 4, Body.Length).SequenceEqual(Body);
            }

            if (received == buffer.Length)
            {
                return false;
            }
        }
    }
}
