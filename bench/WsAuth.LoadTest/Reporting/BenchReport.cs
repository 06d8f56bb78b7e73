using System.Text.Json;
using System.Text.Json.Serialization;

namespace WsAuth.LoadTest.Reporting;

/// <summary>Everything one run measured: written as bench/results/loadtest.json, read back by <c>chart</c> and <c>docs</c>.</summary>
internal sealed class BenchReport
{
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public int Schema { get; set; } = 1;

    /// <summary>Measured on a machine that was busy with other work: the numbers show that the harness works, no more.</summary>
    public bool Preliminary { get; set; }

    public string? Note { get; set; }

    public string StartedAtUtc { get; set; } = string.Empty;

    public double DurationSeconds { get; set; }

    public MachineInfo Machine { get; set; } = new();

    public SettingsInfo Settings { get; set; } = new();

    public List<ThroughputRow> Handshakes { get; set; } = [];

    public List<ThroughputRow> PlainHttp { get; set; } = [];

    public List<ThroughputRow> Echo { get; set; } = [];

    public List<MemoryRow> Memory { get; set; } = [];

    public List<LeakRow> Leaks { get; set; } = [];

    public AbuseResult Abuse { get; set; } = new();

    public List<TargetCheck> Targets { get; set; } = [];

    public List<string> Notes { get; set; } = [];

    public static BenchReport Load(string path)
        => JsonSerializer.Deserialize<BenchReport>(File.ReadAllText(path), JsonOptions)
            ?? throw new InvalidOperationException($"{path} is empty.");

    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, JsonOptions) + "\n");
}

internal sealed class MachineInfo
{
    public string Os { get; set; } = string.Empty;

    public string Kernel { get; set; } = string.Empty;

    public string Cpu { get; set; } = string.Empty;

    public int Cores { get; set; }

    public double MemoryGiB { get; set; }

    public string Runtime { get; set; } = string.Empty;

    public string? Node { get; set; }

    public string? Ws { get; set; }

    public string? Jsonwebtoken { get; set; }

    public long OpenFilesLimit { get; set; }

    /// <summary>/proc/loadavg when the run started and ended: how busy the machine was with other work.</summary>
    public string LoadAverageStart { get; set; } = string.Empty;

    public string LoadAverageEnd { get; set; } = string.Empty;
}

internal sealed class SettingsInfo
{
    public int Rounds { get; set; }

    public double WarmupSeconds { get; set; }

    public double MeasureSeconds { get; set; }

    public int Concurrency { get; set; }

    public int EchoConnections { get; set; }

    public int EchoPayloadBytes { get; set; }

    public int MemoryConnections { get; set; }

    public string Client { get; set; } = string.Empty;
}

/// <summary>One server's throughput and latency, with each figure as a ratio to bare Kestrel from the same run.</summary>
internal sealed class ThroughputRow
{
    public string Id { get; set; } = string.Empty;

    public string Title { get; set; } = string.Empty;

    public bool WsAuth { get; set; }

    /// <summary><c>measured</c>, <c>pending</c> (its method has not landed), <c>unavailable</c> (a tool is missing) or <c>failed</c>.</summary>
    public string Status { get; set; } = "measured";

    public string? Note { get; set; }

    /// <summary>Median over rounds of operations per second.</summary>
    public double? PerSecond { get; set; }

    public double? P50Ms { get; set; }

    public double? P99Ms { get; set; }

    /// <summary>Median over rounds of (this server / bare Kestrel in the same round).</summary>
    public double? PerSecondRatio { get; set; }

    public double? P50Ratio { get; set; }

    public double? P99Ratio { get; set; }

    /// <summary>Median over rounds of the server's CPU time per operation, microseconds.</summary>
    public double? ServerCpuMicroseconds { get; set; }

    /// <summary>Median over rounds of the store process's CPU time per operation (redis-server), microseconds; null for most rows.</summary>
    public double? StoreCpuMicroseconds { get; set; }

    /// <summary>Median over rounds of (server CPU per operation / bare Kestrel's in the same round).</summary>
    public double? ServerCpuRatio { get; set; }

    /// <summary>Median over rounds of the share of the server's CPU time spent in the kernel.</summary>
    public double? ServerKernelShare { get; set; }

    /// <summary>
    /// Median over rounds of the server's user-space CPU time per operation, microseconds: the stack's own work, without
    /// the kernel's TCP connect/accept/close that every stack pays alike and that hides the difference between them.
    /// </summary>
    public double? ServerUserCpuMicroseconds { get; set; }

    /// <summary>Median over rounds of the server's kernel CPU time per operation, microseconds.</summary>
    public double? ServerKernelCpuMicroseconds { get; set; }

    /// <summary>Median over rounds of (user-space server CPU per operation / bare Kestrel's in the same round).</summary>
    public double? ServerUserCpuRatio { get; set; }

    /// <summary>The Node peer's user-space CPU per handshake divided by this row's: how many times less the row spends.</summary>
    public double? NodeUserCpuMultiple { get; set; }

    /// <summary>Median over rounds of the load client's CPU time per operation, microseconds.</summary>
    public double? ClientCpuMicroseconds { get; set; }

    /// <summary>Handshakes/s as a multiple of the Node peer's.</summary>
    public double? TimesNode { get; set; }

    public double? TargetRatio { get; set; }

    public long Succeeded { get; set; }

    public long Failed { get; set; }

    public Dictionary<string, long>? Failures { get; set; }

    public List<double> RoundsPerSecond { get; set; } = [];

    public List<double> RoundRatios { get; set; } = [];
}

/// <summary>
/// One server's leak check: many connect/authenticate/close cycles on a fresh server, the managed heap (after a full
/// compacting collection) before and after, and WsAuth's live state once the last socket has closed.
/// </summary>
internal sealed class LeakRow
{
    public string Id { get; set; } = string.Empty;

    public string Title { get; set; } = string.Empty;

    public string Status { get; set; } = "measured";

    public string? Note { get; set; }

    public long Cycles { get; set; }

    public long Failed { get; set; }

    public long ManagedBefore { get; set; }

    public long ManagedAfter { get; set; }

    /// <summary>ManagedAfter - ManagedBefore, bytes.</summary>
    public long? ManagedGrowth { get; set; }

    /// <summary>WsAuth's live sessions, waiting first-message sockets and revocation registry entries after the cycles (all should be 0).</summary>
    public long SessionsAfter { get; set; }

    public long PendingAfter { get; set; }

    public long RegistryAfter { get; set; }

    /// <summary>The same gauges read once mid-run, while sockets were open: shows they count (null if the run ended first).</summary>
    public long? SessionsDuring { get; set; }

    public long? RegistryDuring { get; set; }
}

internal sealed class MemoryRow
{
    public string Id { get; set; } = string.Empty;

    public string Title { get; set; } = string.Empty;

    public string Status { get; set; } = "measured";

    public string? Note { get; set; }

    public int Requested { get; set; }

    public int Opened { get; set; }

    public long Failed { get; set; }

    public long BaselineWorkingSet { get; set; }

    public long LoadedWorkingSet { get; set; }

    public long BaselineManaged { get; set; }

    public long LoadedManaged { get; set; }

    /// <summary>(loaded - baseline) / opened, bytes.</summary>
    public double? WorkingSetPerConnection { get; set; }

    public double? ManagedPerConnection { get; set; }

    /// <summary>The server this row's overhead is measured against (bare Kestrel, or ASP.NET Core cookie auth for the cookie method).</summary>
    public string? ComparedWith { get; set; }

    /// <summary>This server's per-connection figure minus <see cref="ComparedWith"/>'s, bytes.</summary>
    public double? WorkingSetOverhead { get; set; }

    public double? ManagedOverhead { get; set; }
}

internal sealed class AbuseResult
{
    public string Status { get; set; } = "pending";

    public string? Note { get; set; }

    public string? Scenario { get; set; }

    public int IdleSockets { get; set; }

    public int IdleOpened { get; set; }

    public double? BaselinePerSecond { get; set; }

    public double? UnderAbusePerSecond { get; set; }

    public double? BaselineSuccessRate { get; set; }

    public double? BaselineP99Ms { get; set; }

    public double? UnderAbuseSuccessRate { get; set; }

    public double? UnderAbuseP99Ms { get; set; }
}

internal sealed class TargetCheck
{
    public string Name { get; set; } = string.Empty;

    public string Wanted { get; set; } = string.Empty;

    public string Measured { get; set; } = string.Empty;

    /// <summary>True or false when measured; null when its scenario is pending or unavailable.</summary>
    public bool? Met { get; set; }

    /// <summary>Set when a missed throughput target is inside the run's noise floor (the control row's spread).</summary>
    public string? Note { get; set; }
}
