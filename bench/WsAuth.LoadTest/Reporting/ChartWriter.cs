using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace WsAuth.LoadTest.Reporting;

/// <summary>
/// <c>chart &lt;json&gt; &lt;png&gt;</c>: draws the handshake figures of a run with gnuplot (Debian's gnuplot-nox; bench/run.sh
/// installs it): handshakes/s with each ratio to bare Kestrel and the 0.95 target line, and p50/p99 latency.
/// </summary>
internal static class ChartWriter
{
    public static int Run(string jsonPath, string pngPath)
    {
        var report = BenchReport.Load(jsonPath);
        var rows = report.Handshakes.Where(r => r.Status is "measured" or "pending").ToList();
        var bare = report.Handshakes.FirstOrDefault(r => r.Id == "bare")?.PerSecond ?? 0;
        if (bare <= 0)
        {
            Console.Error.WriteLine($"chart: {jsonPath} has no handshake measurement of bare Kestrel (was the handshakes phase skipped?). No chart written.");
            return 1;
        }

        var work = Directory.CreateTempSubdirectory("wsauth-chart-");
        try
        {
            // Columns: label, ratio to bare (median of rounds), handshakes/s label, p50, p99, colour class (0 bare, 1 WsAuth,
            // 2 other), server CPU µs, CPU ratio label, pending (1/0), lowest and highest round ratio. Missing numbers are
            // NaN so that gnuplot skips them.
            var data = new StringBuilder();
            foreach (var row in rows)
            {
                var pending = row.Status == "pending";
                var perSecond = pending ? "pending" : (row.PerSecond ?? 0).ToString("N0", CultureInfo.InvariantCulture) + "/s";
                var cpuRatio = pending ? "pending" : (row.ServerCpuRatio ?? 0).ToString("0.00", CultureInfo.InvariantCulture) + "x";
                data.Append(CultureInfo.InvariantCulture, $"\"{Short(row.Id)}\"\t{N(row.PerSecondRatio)}\t\"{perSecond}\"\t{N(row.P50Ms)}\t{N(row.P99Ms)}\t{(row.WsAuth ? 1 : row.Id is "bare" or "bare-control" ? 0 : 2)}\t{N(row.ServerCpuMicroseconds)}\t\"{cpuRatio}\"\t{(pending ? 1 : 0)}\t{N(Min(row))}\t{N(Max(row))}\n");
            }

            var dataPath = Path.Combine(work.FullName, "handshakes.tsv");
            File.WriteAllText(dataPath, data.ToString());
            var title = $"WsAuth handshakes{(report.Preliminary ? " (PRELIMINARY: measured on a busy machine)" : string.Empty)} - {report.Machine.Cores} cores shared by client and servers, {report.StartedAtUtc[..10]}";
            var script = $$"""
                set terminal pngcairo size 2100,680 enhanced font "DejaVu Sans,11"
                set output '{{Escape(Path.GetFullPath(pngPath))}}'
                set datafile separator "\t"
                set datafile missing "NaN"
                set multiplot layout 1,3 title "{{Escape(title)}}" font ",13"
                set style fill solid 0.85 border -1
                set grid ytics lc rgb "#dddddd"
                set xtics rotate by -35 left nomirror font ",10"
                set ytics nomirror
                set lmargin 10
                set bmargin 8
                set key tmargin center horizontal font ",10"
                set offsets 0, 0, graph 0.08, 0
                colour(c) = c == 0 ? 0x7f7f7f : c == 1 ? 0x1f77b4 : 0xff7f0e
                set title "Handshakes/s vs bare Kestrel (median; whiskers: worst/best round)"
                set yrange [0:*]
                set boxwidth 0.7
                set arrow 1 from graph 0, first 0.95 to graph 1, first 0.95 nohead dt 2 lc rgb "#444444"
                set label 1 "0.95" at graph 0.30, first 0.95 left offset 0,0.7 font ",9"
                plot '{{Escape(dataPath)}}' using 0:2:(colour($6)):xtic(1) with boxes lc rgb variable notitle, \
                     '' using 0:2:10:11 with yerrorbars lc rgb "#333333" pt -1 notitle, \
                     '' using 0:($9 == 0 ? $11 : NaN):3 with labels offset 0,0.8 font ",10" notitle, \
                     '' using 0:($9 == 1 ? 0 : NaN):3 with labels rotate by 90 left offset 0,0.5 font ",10" tc rgb "#888888" notitle, \
                     NaN with boxes lc rgb "#7f7f7f" title "bare limit", \
                     NaN with boxes lc rgb "#1f77b4" title "WsAuth", \
                     NaN with boxes lc rgb "#ff7f0e" title "without WsAuth"
                unset arrow 1
                unset label 1
                set title "Server CPU per handshake, µs (label: ratio to bare)"
                plot '{{Escape(dataPath)}}' using 0:7:(colour($6)):xtic(1) with boxes lc rgb variable notitle, \
                     '' using 0:($9 == 0 ? $7 : NaN):8 with labels offset 0,0.8 font ",10" notitle
                set title "Handshake latency, ms, log scale (p50 dark, p99 light)"
                set logscale y
                set offsets 0, 0, 0, 0
                set yrange [0.05:*]
                set boxwidth 0.35
                plot '{{Escape(dataPath)}}' using ($0-0.18):4:xtic(1) with boxes lc rgb "#1f77b4" title "p50", \
                     '' using ($0+0.18):5 with boxes lc rgb "#9ecae1" title "p99"
                unset multiplot
                """;
            var scriptPath = Path.Combine(work.FullName, "chart.gp");
            File.WriteAllText(scriptPath, script);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(pngPath))!);
            using var gnuplot = Process.Start(new ProcessStartInfo("gnuplot", scriptPath) { UseShellExecute = false, RedirectStandardError = true });
            if (gnuplot is null)
            {
                Console.Error.WriteLine("chart: could not start gnuplot.");
                return 1;
            }

            var errors = gnuplot.StandardError.ReadToEnd();
            gnuplot.WaitForExit();
            if (gnuplot.ExitCode != 0)
            {
                Console.Error.WriteLine("chart: gnuplot failed: " + errors);
                return 1;
            }

            Console.WriteLine($"chart: wrote {pngPath}");
            return 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Console.Error.WriteLine("chart: gnuplot is not installed (apt-get install gnuplot-nox; bench/run.sh does it). No chart written.");
            return 1;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static string Short(string id) => id switch
    {
        "bare" => "bare Kestrel",
        "bare-control" => "bare Kestrel again (noise)",
        "origin" => "WsAuth Origin only",
        "origin-limiter" => "WsAuth Origin + limiter",
        "aspnet-cookie" => "ASP.NET cookie, no WsAuth",
        "node" => "Node ws+jsonwebtoken",
        _ => "WsAuth " + id,
    };

    private static double? Min(ThroughputRow row) => row.RoundRatios.Count > 0 ? row.RoundRatios.Min() : row.PerSecondRatio;

    private static double? Max(ThroughputRow row) => row.RoundRatios.Count > 0 ? row.RoundRatios.Max() : row.PerSecondRatio;

    private static string N(double? value) => value is { } v && !double.IsNaN(v) ? v.ToString(CultureInfo.InvariantCulture) : "NaN";

    private static string Escape(string text) => text.Replace("'", "''", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
