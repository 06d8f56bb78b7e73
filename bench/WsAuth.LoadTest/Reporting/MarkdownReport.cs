using System.Globalization;
using System.Text;

namespace WsAuth.LoadTest.Reporting;

/// <summary>The run as Markdown tables: printed by <c>run</c>, saved next to the JSON, and put into docs/benchmarks.md.</summary>
internal static class MarkdownReport
{
    public static string Write(BenchReport report)
    {
        var md = new StringBuilder();
        var machine = report.Machine;
        if (report.Preliminary)
        {
            md.AppendLine("> **Preliminary numbers.** Measured while other work shared the machine (load average "
                + $"{machine.LoadAverageStart} at the start, {machine.LoadAverageEnd} at the end): they show that the harness works; "
                + "rerun `bench/run.sh` on a quiet machine for figures to quote.");
            md.AppendLine();
        }

        md.AppendLine(CultureInfo.InvariantCulture, $"Run of {report.StartedAtUtc}, {report.DurationSeconds:0} s. Machine: {machine.Cpu}, {machine.Cores} cores, "
            + $"{machine.MemoryGiB:0.#} GiB, {machine.Os} (kernel {machine.Kernel}), {machine.Runtime}, Node {machine.Node ?? "absent"} "
            + $"(ws {machine.Ws ?? "-"}, jsonwebtoken {machine.Jsonwebtoken ?? "-"}). Load average {machine.LoadAverageStart} at the start, {machine.LoadAverageEnd} at the end.");
        md.AppendLine();
        var s = report.Settings;
        md.AppendLine(CultureInfo.InvariantCulture, $"Settings: {s.Rounds} interleaved rounds of {s.MeasureSeconds:0.#} s (after {s.WarmupSeconds:0.#} s of warm-up each), "
            + $"{s.Concurrency} concurrent handshakes, echo on {s.EchoConnections} connections with {s.EchoPayloadBytes}-byte messages, "
            + $"memory at {report.Memory.FirstOrDefault()?.Requested ?? s.MemoryConnections} connections. Client: {s.Client}.");
        md.AppendLine();
        foreach (var note in report.Notes)
        {
            md.AppendLine("- " + note);
        }

        md.AppendLine();
        md.AppendLine("#### Handshakes (connect, upgrade, close)");
        md.AppendLine();
        md.AppendLine("Ratios are medians of per-round ratios to bare Kestrel, with the lowest and highest round in brackets.");
        md.AppendLine();
        md.AppendLine("Server CPU is split into user space (the stack's own code) and kernel (TCP connect, accept and close over loopback,");
        md.AppendLine("which every stack pays alike). \"Node ÷ this (user)\" is the Node peer's user-space CPU per handshake divided by the row's.");
        md.AppendLine();
        md.AppendLine("| Server | Handshakes/s | vs bare | p50 ms | vs bare | p99 ms | vs bare | vs Node | Server CPU µs/handshake | vs bare | user µs | user vs bare | kernel µs | Node ÷ this (user) | Client CPU µs | Failed |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in report.Handshakes)
        {
            if (row.PerSecond is null)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {row.Title} | {row.Note ?? row.Status} | | | | | | | | | | | | | | |");
                continue;
            }

            md.AppendLine(CultureInfo.InvariantCulture, $"| {row.Title} | {row.PerSecond:N0} | {R(row.PerSecondRatio)}{Range(row)} | {row.P50Ms:0.00} | {R(row.P50Ratio)} | {row.P99Ms:0.00} | {R(row.P99Ratio)} | {X(row.TimesNode)} | {row.ServerCpuMicroseconds:0} | {R(row.ServerCpuRatio)} | {row.ServerUserCpuMicroseconds:0} | {R(row.ServerUserCpuRatio)} | {row.ServerKernelCpuMicroseconds:0} | {X(row.NodeUserCpuMultiple)} | {row.ClientCpuMicroseconds:0} | {row.Failed} |");
        }

        Throughput(md, "Plain HTTP (keep-alive GET, not a handshake)", "Requests/s", report.PlainHttp, microseconds: true);
        Throughput(md, "Per message (echo round trips on open, authenticated connections)", "Messages/s", report.Echo, microseconds: true);

        if (report.Leaks.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("#### Leak check (connect, authenticate, close; fresh server per row)");
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"Managed heap after a full compacting collection, after a warm-up and again after the cycles; WsAuth's live sessions, waiting first-message sockets and revocation registry entries once the last socket closed. Tolerance: {Runner.LeakToleranceBytes / 1024} KiB over all cycles.");
            md.AppendLine();
            md.AppendLine("| Server | Cycles | Failed | Managed before | Managed after | Growth | Per cycle | Sessions / pending / registry after |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|");
            foreach (var row in report.Leaks)
            {
                if (row.ManagedGrowth is not { } growth)
                {
                    md.AppendLine(CultureInfo.InvariantCulture, $"| {row.Title} | {row.Note ?? row.Status} | | | | | | |");
                    continue;
                }

                md.AppendLine(CultureInfo.InvariantCulture, $"| {row.Title} | {row.Cycles:N0} | {row.Failed} | {row.ManagedBefore / 1024.0:N0} KiB | {row.ManagedAfter / 1024.0:N0} KiB | {growth / 1024.0:+0.0;-0.0;0} KiB | {(row.Cycles > 0 ? growth / (double)row.Cycles : 0):+0.00;-0.00;0} B | {row.SessionsAfter} / {row.PendingAfter} / {row.RegistryAfter} |");
            }
        }

        md.AppendLine();
        md.AppendLine("#### Memory per idle connection");
        md.AppendLine();
        md.AppendLine("| Server | Connections | Working set / connection | Managed heap / connection | Compared with | Overhead (working set) | Overhead (managed) |");
        md.AppendLine("|---|---:|---:|---:|---|---:|---:|");
        foreach (var row in report.Memory)
        {
            if (row.WorkingSetPerConnection is null)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {row.Title} | {row.Note ?? row.Status} | | | | | |");
                continue;
            }

            md.AppendLine(CultureInfo.InvariantCulture, $"| {row.Title} | {row.Opened:N0}{(row.Failed > 0 ? $" ({row.Failed} failed)" : string.Empty)} | {Kib(row.WorkingSetPerConnection)} | {Kib(row.ManagedPerConnection)} | {row.ComparedWith ?? "-"} | {Kib(row.WorkingSetOverhead)} | {Kib(row.ManagedOverhead)} |");
        }

        md.AppendLine();
        md.AppendLine("#### Abuse");
        md.AppendLine();
        md.AppendLine(report.Abuse.Status == "measured"
            ? string.Create(CultureInfo.InvariantCulture, $"Legitimate handshakes ({report.Abuse.Scenario}) with {report.Abuse.IdleOpened:N0} sockets held unauthenticated: success {report.Abuse.UnderAbuseSuccessRate:P1} (alone {report.Abuse.BaselineSuccessRate:P1}), {report.Abuse.UnderAbusePerSecond:N0}/s (alone {report.Abuse.BaselinePerSecond:N0}/s), p99 {report.Abuse.UnderAbuseP99Ms:0.00} ms (alone {report.Abuse.BaselineP99Ms:0.00} ms).{(report.Abuse.Note is null ? string.Empty : " " + report.Abuse.Note)}")
            : $"Legitimate clients while {report.Abuse.IdleSockets:N0} sockets sit unauthenticated in the first-message phase: {report.Abuse.Status} ({report.Abuse.Note}).");

        md.AppendLine();
        md.AppendLine("#### Targets");
        md.AppendLine();
        md.AppendLine("| Target | Wanted | Measured | Met |");
        md.AppendLine("|---|---|---|---|");
        foreach (var target in report.Targets)
        {
            var met = target.Met switch { true => "yes", false => "**no**", null => "-" };
            md.AppendLine($"| {target.Name} | {target.Wanted} | {target.Measured} | {met}{(target.Note is null ? string.Empty : " (" + target.Note + ")")} |");
        }

        return md.ToString();
    }

    private static void Throughput(StringBuilder md, string title, string unit, List<ThroughputRow> rows, bool microseconds)
    {
        md.AppendLine();
        md.AppendLine("#### " + title);
        md.AppendLine();
        if (rows.Count == 0)
        {
            md.AppendLine("Not measured in this run.");
            return;
        }

        md.AppendLine($"| Server | {unit} | vs bare | p50 {(microseconds ? "µs" : "ms")} | p99 {(microseconds ? "µs" : "ms")} | Server CPU µs/op | vs bare | Failed |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            var scale = microseconds ? 1000 : 1;
            md.AppendLine(CultureInfo.InvariantCulture, $"| {row.Title} | {row.PerSecond:N0} | {R(row.PerSecondRatio)}{Range(row)} | {row.P50Ms * scale:0} | {row.P99Ms * scale:0} | {row.ServerCpuMicroseconds:0.0} | {R(row.ServerCpuRatio)} | {row.Failed} |");
        }
    }

    /// <summary>The spread of the per-round ratios, so that a reader sees how steady the median is.</summary>
    private static string Range(ThroughputRow row)
        => row.RoundRatios.Count > 1 && row.Id != "bare"
            ? string.Create(CultureInfo.InvariantCulture, $" ({row.RoundRatios.Min():0.00}-{row.RoundRatios.Max():0.00})")
            : string.Empty;

    private static string R(double? ratio) => ratio is { } r ? r.ToString("0.00", CultureInfo.InvariantCulture) : "-";

    private static string X(double? times) => times is { } t ? t.ToString("0.00", CultureInfo.InvariantCulture) + "x" : "-";

    private static string Kib(double? bytes) => bytes is { } b ? (b / 1024).ToString("0.00", CultureInfo.InvariantCulture) + " KiB" : "-";
}
