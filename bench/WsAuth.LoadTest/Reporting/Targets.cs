using System.Globalization;
using WsAuth.LoadTest.Scenarios;

namespace WsAuth.LoadTest.Reporting;

/// <summary>The issue's targets, checked against this run's figures (ratios from the same run).</summary>
internal static class Targets
{
    public const double NodeMultiple = 3.0;
    public const double MaxPerMessageOverhead = 0.03;
    public const double MaxMemoryOverheadBytes = 2048;

    /// <summary>Plain HTTP through WsAuth should be indistinguishable from bare: within this run-to-run noise.</summary>
    public const double PlainHttpNoise = 0.03;

    public static void Evaluate(BenchReport report)
    {
        var node = report.Handshakes.FirstOrDefault(r => r.Id == NodePeerScenario.ScenarioId);

        // The control row (bare Kestrel measured twice) says how far a ratio moves by noise alone in this run.
        var control = report.Handshakes.FirstOrDefault(r => r.Id == BareControlScenario.ScenarioId && r.RoundRatios.Count > 0);
        var noiseFloor = control is null ? (double?)null : control.RoundRatios.Min();
        string? Noise(double? ratio, double wanted)
            => ratio is { } r && r < wanted && noiseFloor is { } floor && r >= floor
                ? $"within this run's noise: bare Kestrel against itself ranged {F(control!.RoundRatios.Min())}-{F(control.RoundRatios.Max())}"
                : null;
        foreach (var row in report.Handshakes.Where(r => r.WsAuth))
        {
            if (row.TargetRatio is { } target)
            {
                report.Targets.Add(new TargetCheck
                {
                    Name = $"{row.Title}: handshakes/s vs bare Kestrel",
                    Wanted = $">= {F(target)}",
                    Measured = row.PerSecondRatio is { } r ? F(r) : row.Status,
                    Met = row.PerSecondRatio is { } handshakeRatio ? handshakeRatio >= target : null,
                    Note = Noise(row.PerSecondRatio, target),
                });
            }

            report.Targets.Add(new TargetCheck
            {
                Name = $"{row.Title}: handshakes/s vs Node peer",
                Wanted = $">= {F(NodeMultiple)}x",
                Measured = row.TimesNode is { } t ? F(t) + "x" : row.Status != "measured" ? row.Status : "node " + (node?.Status ?? "missing"),
                Met = row.TimesNode is { } times ? times >= NodeMultiple : null,
            });
        }

        // The target is for a real session: expiry and refresh handling on (the JWT session); else any WsAuth row.
        var echo = report.Echo.FirstOrDefault(r => r.Id == JwtQueryScenario.ScenarioId) ?? report.Echo.FirstOrDefault(r => r.WsAuth);
        report.Targets.Add(new TargetCheck
        {
            Name = $"Per-message overhead (echo messages/s, {echo?.Title ?? "WsAuth session"} vs bare)",
            Wanted = $"<= {MaxPerMessageOverhead:P0}",
            Measured = echo?.PerSecondRatio is { } e ? (1 - e).ToString("P1", CultureInfo.InvariantCulture) : "not measured",
            Met = echo?.PerSecondRatio is { } echoRatio ? 1 - echoRatio <= MaxPerMessageOverhead : null,
            Note = Noise(echo?.PerSecondRatio, 1 - MaxPerMessageOverhead),
        });

        foreach (var row in report.Memory.Where(r => r.Id is OriginOnlyScenario.ScenarioId or JwtQueryScenario.ScenarioId or CookieScenario.ScenarioId))
        {
            report.Targets.Add(new TargetCheck
            {
                Name = $"Memory overhead per idle connection, {row.Title} vs {row.ComparedWith ?? "its baseline"} (working set)",
                Wanted = $"<= {MaxMemoryOverheadBytes / 1024:0} KiB",
                Measured = row.WorkingSetOverhead is { } w ? $"{w / 1024:0.00} KiB (managed {row.ManagedOverhead / 1024:0.00} KiB)" : row.Status,
                Met = row.WorkingSetOverhead is { } overhead ? overhead <= MaxMemoryOverheadBytes : null,
            });
        }

        var plain = report.PlainHttp.FirstOrDefault(r => r.WsAuth);
        report.Targets.Add(new TargetCheck
        {
            Name = "Plain HTTP requests/s through WsAuth vs bare (not a handshake)",
            Wanted = $">= {F(1 - PlainHttpNoise)} (no measurable cost)",
            Measured = plain?.PerSecondRatio is { } p ? F(p) : "not measured",
            Met = plain?.PerSecondRatio is { } plainRatio ? plainRatio >= 1 - PlainHttpNoise : null,
            Note = Noise(plain?.PerSecondRatio, 1 - PlainHttpNoise),
        });

        report.Targets.Add(new TargetCheck
        {
            Name = $"Abuse: legitimate handshakes while {report.Abuse.IdleSockets} sockets sit unauthenticated",
            Wanted = "success rate unchanged, p99 reported",
            Measured = report.Abuse.Status == "measured"
                ? string.Create(CultureInfo.InvariantCulture, $"success {report.Abuse.UnderAbuseSuccessRate:P1} (alone {report.Abuse.BaselineSuccessRate:P1}), p99 {report.Abuse.UnderAbuseP99Ms:0.00} ms (alone {report.Abuse.BaselineP99Ms:0.00} ms)")
                : report.Abuse.Status,
            Met = report.Abuse.Status == "measured" && report.Abuse.Scenario == FirstMessageScenario.ScenarioId
                ? report.Abuse.UnderAbuseSuccessRate >= report.Abuse.BaselineSuccessRate && report.Abuse.IdleOpened >= report.Abuse.IdleSockets
                : null,
        });
    }

    private static string F(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);
}
