using System.Globalization;

namespace WsAuth.LoadTest.Reporting;

/// <summary>
/// <c>summary &lt;json&gt; [seconds]</c>: the one line bench/run.sh ends with. Always exits 0 when the JSON is readable:
/// targets are reported, not asserted.
/// </summary>
internal static class SummaryWriter
{
    public static int Run(string jsonPath, string? elapsedSeconds)
    {
        var report = BenchReport.Load(jsonPath);
        var judged = report.Targets.Where(t => t.Met is not null).ToList();
        var missed = judged.Where(t => t.Met == false).ToList();
        var measured = report.Handshakes.Count(r => r.Status == "measured");
        var notMeasured = report.Handshakes.Where(r => r.Status is not "measured" and not "skipped").Select(r => $"{r.Id} {r.Status}").ToList();
        var elapsed = int.TryParse(elapsedSeconds, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
            ? $" in {seconds} s{(seconds > 600 ? " (over the 10-minute budget)" : string.Empty)}"
            : string.Empty;
        var line = $"bench/run.sh finished{elapsed}{(report.Preliminary ? " (preliminary)" : string.Empty)}: {judged.Count - missed.Count}/{judged.Count} targets met"
            + (missed.Count > 0 ? $" ({missed.Count(t => t.Note is not null)} of the {missed.Count} missed within the run's noise)" : string.Empty)
            + $"; {measured} servers measured"
            + (notMeasured.Count > 0 ? $" ({string.Join(", ", notMeasured)})" : string.Empty)
            + $"; abuse {report.Abuse.Status}. Targets: docs/benchmarks.md (and {jsonPath}).";
        Console.WriteLine(line);
        return 0;
    }

}
