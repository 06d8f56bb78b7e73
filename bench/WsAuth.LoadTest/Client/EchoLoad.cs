using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using WsAuth.LoadTest.Scenarios;

namespace WsAuth.LoadTest.Client;

/// <summary>
/// Per-message load: <c>connections</c> WebSockets opened (and authenticated) first, then each sends a small text
/// message and waits for the echo, over and over. Counts messages per second; the latency is one round trip.
/// </summary>
internal static class EchoLoad
{
    public static async Task<LoadSample> RunAsync(IPEndPoint server, HandshakeClient client, int connections, int payloadBytes, TimeSpan warmup, TimeSpan measure, Func<CpuTimes> serverCpu, CancellationToken cancellationToken)
    {
        var payload = new byte[payloadBytes];
        payload.AsSpan().Fill((byte)'x');
        var frame = RawWebSocket.TextFrame(payload);

        var sockets = await IdleConnections.OpenAsync(server, client, connections, Math.Min(connections, 32), cancellationToken);
        try
        {
            var window = new LoadWindow(warmup, measure);
            var cpu = window.MeasureCpuAsync(serverCpu, cancellationToken);
            var workers = sockets.Sockets
                .Select(socket => Task.Run(() => WorkerAsync(socket, frame, payloadBytes, window, cancellationToken), cancellationToken))
                .ToArray();
            var sample = LoadSample.From(await Task.WhenAll(workers), window.Measure).WithCpu(await cpu);
            return sockets.Failed == 0
                ? sample
                : sample with { Failed = sample.Failed + sockets.Failed, Failures = Merge(sample.Failures, sockets.Failures) };
        }
        finally
        {
            sockets.Dispose();
        }
    }

    private static async Task<WorkerStats> WorkerAsync(Socket socket, byte[] frame, int payloadBytes, LoadWindow window, CancellationToken cancellationToken)
    {
        var stats = new WorkerStats();
        var buffer = new byte[1024];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(window.Measure + TimeSpan.FromSeconds(30));
        try
        {
            while (window.TryStart())
            {
                var start = Stopwatch.GetTimestamp();
                var ok = await RawWebSocket.EchoAsync(socket, frame, payloadBytes, buffer, timeout.Token);
                var end = Stopwatch.GetTimestamp();
                if (!ok)
                {
                    stats.Fail("bad-echo");
                    break;
                }

                if (window.Counts(end))
                {
                    stats.Succeeded++;
                    stats.LatenciesMicroseconds.Add(WorkerStats.ToMicroseconds(end - start));
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            stats.Fail(ex is SocketException se ? "socket-" + se.SocketErrorCode : "timeout");
        }

        return stats;
    }

    private static Dictionary<string, long> Merge(IReadOnlyDictionary<string, long> a, IReadOnlyDictionary<string, long> b)
    {
        var merged = new Dictionary<string, long>(a, StringComparer.Ordinal);
        foreach (var (kind, count) in b)
        {
            merged[kind] = merged.GetValueOrDefault(kind) + count;
        }

        return merged;
    }
}
