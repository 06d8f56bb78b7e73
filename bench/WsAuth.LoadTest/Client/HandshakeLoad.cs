using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using WsAuth.LoadTest.Scenarios;

namespace WsAuth.LoadTest.Client;

/// <summary>
/// Handshake load: each of <c>concurrency</c> workers connects, upgrades (and authenticates), closes, and starts over.
/// A success is counted when the whole iteration completes in the window; its latency is the time from connect to
/// the 101 (or to the authentication acknowledgement for methods that authenticate after the upgrade).
/// </summary>
internal static class HandshakeLoad
{
    public static async Task<LoadSample> RunAsync(IPEndPoint server, HandshakeClient client, int concurrency, TimeSpan warmup, TimeSpan measure, CancellationToken cancellationToken, Func<CpuTimes>? serverCpu = null, Func<CpuTimes>? storeCpu = null)
    {
        // Single-use credentials (tickets) are fetched here, before the window opens: not part of what is measured.
        await client.PrepareLoadAsync(warmup + measure, concurrency, cancellationToken);
        var window = new LoadWindow(warmup, measure);
        var cpu = serverCpu is null ? null : window.MeasureCpuAsync(serverCpu, cancellationToken);
        var store = storeCpu is null ? null : window.MeasureCpuAsync(storeCpu, cancellationToken);
        var workers = new Task<WorkerStats>[concurrency];
        for (var i = 0; i < concurrency; i++)
        {
            workers[i] = Task.Run(() => WorkerAsync(server, client, window, cancellationToken), cancellationToken);
        }

        var sample = LoadSample.From(await Task.WhenAll(workers), window.Measure);
        sample = cpu is null ? sample : sample.WithCpu(await cpu);
        return store is null ? sample : sample.WithStoreCpu(await store);
    }

    private static async Task<WorkerStats> WorkerAsync(IPEndPoint server, HandshakeClient client, LoadWindow window, CancellationToken cancellationToken)
    {
        var stats = new WorkerStats();
        var buffer = new byte[16 * 1024];
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            while (window.TryStart() && !cancellationToken.IsCancellationRequested)
            {
                if (!timeout.TryReset())
                {
                    timeout.Dispose();
                    timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                }

                timeout.CancelAfter(LoadWindow.OperationTimeout);
                var (failure, latency) = await OnceAsync(server, client, buffer, timeout.Token);
                var end = Stopwatch.GetTimestamp();
                if (!window.Counts(end))
                {
                    continue;
                }

                if (failure is null)
                {
                    stats.Succeeded++;
                    stats.LatenciesMicroseconds.Add(WorkerStats.ToMicroseconds(latency));
                }
                else
                {
                    stats.Fail(failure);
                }
            }
        }
        finally
        {
            timeout.Dispose();
        }

        return stats;
    }

    /// <summary>One handshake and close. Returns the failure kind (null on success) and the handshake latency.</summary>
    public static async ValueTask<(string? Failure, long LatencyTicks)> OnceAsync(IPEndPoint server, HandshakeClient client, byte[] buffer, CancellationToken cancellationToken)
    {
        var socket = RawWebSocket.NewSocket();
        try
        {
            var request = await client.GetRequestAsync(cancellationToken);
            var start = Stopwatch.GetTimestamp();
            var response = await RawWebSocket.HandshakeAsync(socket, server, request, buffer, cancellationToken);
            if (response.Status != 101)
            {
                RawWebSocket.Abort(socket);
                return ("http-" + response.Status, 0);
            }

            if (client.AfterUpgrade is { } afterUpgrade && !await afterUpgrade(socket, buffer, response, cancellationToken))
            {
                RawWebSocket.Abort(socket);
                return ("not-authenticated", 0);
            }

            var latency = Stopwatch.GetTimestamp() - start;
            return await RawWebSocket.CloseAsync(socket, buffer, cancellationToken) ? (null, latency) : ("no-close-frame", 0);
        }
        catch (OperationCanceledException)
        {
            RawWebSocket.Abort(socket);
            return ("timeout", 0);
        }
        catch (SocketException ex)
        {
            RawWebSocket.Abort(socket);
            return ("socket-" + ex.SocketErrorCode, 0);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            // Raised when a worker has to fetch a ticket itself (the pool ran dry).
            RawWebSocket.Abort(socket);
            return ("prepare-" + ex.GetType().Name, 0);
        }
    }
}
