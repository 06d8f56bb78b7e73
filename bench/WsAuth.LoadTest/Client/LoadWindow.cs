using System.Diagnostics;

namespace WsAuth.LoadTest.Client;

/// <summary>
/// One measurement: load runs from the start, is counted only between the end of the warmup and the end of the
/// window, and no new operation starts after the window. Bounded in time and count: every operation also has a
/// timeout, and a measurement starts at most <see cref="MaxOperations"/> operations.
/// </summary>
internal sealed class LoadWindow
{
    public static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(10);

    /// <summary>A bound on the operations one measurement starts, whatever the time (far above what 2 s reach).</summary>
    public const long MaxOperations = 5_000_000;

    private long _started;

    public LoadWindow(TimeSpan warmup, TimeSpan measure)
    {
        Start = Stopwatch.GetTimestamp();
        MeasureStart = Start + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        MeasureEnd = MeasureStart + (long)(measure.TotalSeconds * Stopwatch.Frequency);
        Measure = measure;
    }

    public long Start { get; }

    public long MeasureStart { get; }

    public long MeasureEnd { get; }

    public TimeSpan Measure { get; }

    public bool IsOpen => Stopwatch.GetTimestamp() < MeasureEnd;

    /// <summary>Whether another operation may start: the window is open and the count bound is not reached.</summary>
    public bool TryStart() => IsOpen && Interlocked.Increment(ref _started) <= MaxOperations;

    public bool Counts(long endTimestamp) => endTimestamp >= MeasureStart && endTimestamp <= MeasureEnd;

    /// <summary>
    /// CPU time the server process and this (client) process used during the counted part of the window, in seconds.
    /// Less sensitive to other work on the machine than throughput: a busy machine slows a server down, but does not
    /// make each handshake cost it more CPU (much).
    /// </summary>
    public async Task<CpuUse> MeasureCpuAsync(Func<CpuTimes> serverCpu, CancellationToken cancellationToken)
    {
        await DelayUntilAsync(MeasureStart, cancellationToken);
        var server = serverCpu();
        var client = Environment.CpuUsage.TotalTime;
        await DelayUntilAsync(MeasureEnd, cancellationToken);
        var serverEnd = serverCpu();
        return new CpuUse(
            (serverEnd.User - server.User).TotalSeconds,
            (serverEnd.System - server.System).TotalSeconds,
            (Environment.CpuUsage.TotalTime - client).TotalSeconds);
    }

    private static Task DelayUntilAsync(long timestamp, CancellationToken cancellationToken)
    {
        var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), timestamp);
        return remaining > TimeSpan.Zero ? Task.Delay(remaining, cancellationToken) : Task.CompletedTask;
    }
}

/// <summary>What one worker saw in the window: successes with their latency, failures by kind.</summary>
internal sealed class WorkerStats
{
    public List<int> LatenciesMicroseconds { get; } = new(4096);

    public long Succeeded { get; set; }

    public Dictionary<string, long> Failures { get; } = new(StringComparer.Ordinal);

    public void Fail(string kind) => Failures[kind] = Failures.GetValueOrDefault(kind) + 1;

    public static int ToMicroseconds(long ticks) => (int)Math.Min(int.MaxValue, ticks * 1_000_000 / Stopwatch.Frequency);
}

/// <summary>One measurement's totals.</summary>
internal sealed record LoadSample(double PerSecond, long Succeeded, long Failed, int[] LatenciesMicroseconds, IReadOnlyDictionary<string, long> Failures)
{
    /// <summary>Server CPU time per successful operation in the window, microseconds.</summary>
    public double? ServerCpuMicroseconds { get; init; }

    /// <summary>Client (load generator) CPU time per successful operation, microseconds.</summary>
    public double? ClientCpuMicroseconds { get; init; }

    /// <summary>Share of the server's CPU time spent in the kernel (TCP, epoll, copies) rather than in user code.</summary>
    public double? ServerKernelShare { get; init; }

    /// <summary>Server CPU time in user space (the stack's own code, not the kernel's TCP work) per successful operation, microseconds.</summary>
    public double? ServerUserCpuMicroseconds { get; init; }

    /// <summary>CPU time of the store process (redis-server) per successful operation in the window, microseconds.</summary>
    public double? StoreCpuMicroseconds { get; init; }

    public LoadSample WithStoreCpu(CpuUse store)
        => Succeeded == 0 ? this : this with { StoreCpuMicroseconds = (store.ServerUser + store.ServerSystem) * 1e6 / Succeeded };

    public LoadSample WithCpu(CpuUse cpu)
        => Succeeded == 0 ? this : this with
        {
            ServerCpuMicroseconds = (cpu.ServerUser + cpu.ServerSystem) * 1e6 / Succeeded,
            ServerKernelShare = cpu.ServerUser + cpu.ServerSystem > 0 ? cpu.ServerSystem / (cpu.ServerUser + cpu.ServerSystem) : null,
            ServerUserCpuMicroseconds = cpu.ServerUser * 1e6 / Succeeded,
            ClientCpuMicroseconds = cpu.Client * 1e6 / Succeeded,
        };

    public static LoadSample From(IEnumerable<WorkerStats> workers, TimeSpan window)
    {
        var list = workers.ToList();
        var succeeded = list.Sum(w => w.Succeeded);
        var failures = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (kind, count) in list.SelectMany(w => w.Failures))
        {
            failures[kind] = failures.GetValueOrDefault(kind) + count;
        }

        return new LoadSample(
            succeeded / window.TotalSeconds,
            succeeded,
            failures.Values.Sum(),
            [.. list.SelectMany(w => w.LatenciesMicroseconds)],
            failures);
    }
}

/// <summary>A process's CPU time so far, split into user and kernel time.</summary>
internal readonly record struct CpuTimes(TimeSpan User, TimeSpan System);

/// <summary>CPU seconds used in a window: the server's (user and kernel) and the load client's.</summary>
internal readonly record struct CpuUse(double ServerUser, double ServerSystem, double Client);
