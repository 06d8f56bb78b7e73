using System.Diagnostics.Metrics;
using System.Net.WebSockets;
using System.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;

namespace WsAuth.LoadTest.Scenarios;

/// <summary>The endpoints every .NET server has, whatever guards them.</summary>
internal static class BenchEndpoints
{
    private static readonly byte[] PlainBody = "ok"u8.ToArray();

    public static void Map(WebApplication app, Scenario scenario)
    {
        // The WebSocket endpoint: accept, then echo until the client closes. Small buffer: idle connections are
        // measured for memory, and the buffer is the same with and without WsAuth.
        var webSocket = app.Map("/ws", static async context =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var buffer = new byte[1024];
            var aborted = context.RequestAborted;
            try
            {
                while (true)
                {
                    var result = await socket.ReceiveAsync(buffer.AsMemory(), aborted);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, aborted);
                        return;
                    }

                    await socket.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage, aborted);
                }
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ConnectionResetException or IOException)
            {
                // The load client resets idle connections when it is done with them.
            }
        });
        scenario.ConfigureWebSocketEndpoint(webSocket);

        // A plain HTTP request, to show what WsAuth costs a request that is not a handshake.
        app.MapGet("/plain", static context =>
        {
            context.Response.ContentLength = PlainBody.Length;
            return context.Response.Body.WriteAsync(PlainBody).AsTask();
        });

        // WsAuth's live sessions, waiting first-message sockets and revocation registry entries, read from its own
        // instruments. The listener starts on the first call (the leak phase calls it before any handshake), so the
        // other phases run without it.
        app.MapGet("/__bench/gauges", static context =>
        {
            var (sessions, pending, registry) = WsAuthGauges.Read();
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync($$"""{"sessions":{{sessions}},"pending":{{pending}},"registry":{{registry}}}""");
        });

        // Bytes allocated by the whole process so far (every thread): read before and after a number of handshakes,
        // the difference divided by them is the server's managed allocation per handshake.
        app.MapGet("/__bench/allocated", static context =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync($$"""{"allocated":{{GC.GetTotalAllocatedBytes(precise: true)}}}""");
        });

        // Memory after a full, compacting collection: the driver reads it before and after opening idle connections.
        app.MapGet("/__bench/memory", static context =>
        {
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            var managed = GC.GetTotalMemory(forceFullCollection: false);
            var workingSet = ProcessMemory.ReadWorkingSet(Environment.ProcessId);
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync($$"""{"workingSet":{{workingSet}},"managed":{{managed}}}""");
        });
    }
}

/// <summary>Sums WsAuth's up-down counters (sessions active, first messages pending) and reads the registry gauge.</summary>
internal static class WsAuthGauges
{
    private static readonly Lock Gate = new();
    private static MeterListener? _listener;
    private static long _sessions;
    private static long _pending;
    private static long _registry;

    public static (long Sessions, long Pending, long Registry) Read()
    {
        lock (Gate)
        {
            if (_listener is null)
            {
                _listener = new MeterListener
                {
                    InstrumentPublished = static (instrument, listener) =>
                    {
                        if (instrument.Meter.Name == WebSocketAuthDefaults.MeterName
                            && instrument.Name is "wsauth.sessions.active" or "wsauth.first_message.pending" or "wsauth.revocation.sessions")
                        {
                            listener.EnableMeasurementEvents(instrument);
                        }
                    },
                };
                _listener.SetMeasurementEventCallback<long>(static (instrument, value, _, _) =>
                {
                    switch (instrument.Name)
                    {
                        case "wsauth.sessions.active": Interlocked.Add(ref _sessions, value); break;
                        case "wsauth.first_message.pending": Interlocked.Add(ref _pending, value); break;
                        default: Interlocked.Exchange(ref _registry, value); break;
                    }
                });
                _listener.Start();
            }

            Interlocked.Exchange(ref _registry, 0);
            _listener.RecordObservableInstruments();
            return (Interlocked.Read(ref _sessions), Interlocked.Read(ref _pending), Interlocked.Read(ref _registry));
        }
    }
}

/// <summary>Reads a process's resident set from /proc (Linux), which is what "working set" means there.</summary>
internal static class ProcessMemory
{
    public static long ReadWorkingSet(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kb = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(kb, System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }

        return -1;
    }
}
