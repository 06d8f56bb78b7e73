using System.Text;

namespace WsAuth.LoadTest.Reporting;

/// <summary>
/// <c>docs &lt;json&gt; &lt;markdown&gt;</c>: replaces the generated block of docs/benchmarks.md (between the two markers)
/// with this run's tables and the micro benchmark tables BenchmarkDotNet exported, so that the page and the chart
/// always show the same run. The text around the block is written by people.
/// </summary>
internal static class DocsWriter
{
    public const string Begin = "<!-- BEGIN GENERATED RESULTS: bench/run.sh rewrites this block -->";
    public const string End = "<!-- END GENERATED RESULTS -->";

    public static int Run(string jsonPath, string markdownPath, string microResultsDirectory)
    {
        var report = BenchReport.Load(jsonPath);

        // The verdicts follow from the figures: recompute them, so that the page and the JSON use the current rules.
        report.Targets.Clear();
        Targets.Evaluate(report);
        report.Save(jsonPath);
        var page = File.ReadAllText(markdownPath);
        var begin = page.IndexOf(Begin, StringComparison.Ordinal);
        var end = page.IndexOf(End, StringComparison.Ordinal);
        if (begin < 0 || end < begin)
        {
            Console.Error.WriteLine($"docs: {markdownPath} has no generated block ({Begin} ... {End}).");
            return 1;
        }

        var tables = MarkdownReport.Write(report);
        File.WriteAllText(Path.ChangeExtension(jsonPath, ".md"), tables); // keep loadtest.md in step with the page
        var block = new StringBuilder()
            .AppendLine(Begin)
            .AppendLine()
            .Append(tables)
            .AppendLine()
            .Append(MicroTables(microResultsDirectory))
            .Append(End);
        File.WriteAllText(markdownPath, page[..begin] + block + page[(end + End.Length)..]);
        Console.WriteLine($"docs: updated {markdownPath}");
        return 0;
    }

    private static string MicroTables(string directory)
    {
        var md = new StringBuilder().AppendLine("#### Micro benchmarks (BenchmarkDotNet, in-process, allocations per operation)").AppendLine();
        var files = Directory.Exists(directory) ? Directory.GetFiles(directory, "*-report-github.md").Order(StringComparer.Ordinal).ToList() : [];
        if (files.Count == 0)
        {
            return md.AppendLine("Not run (bench/run.sh runs them unless WSAUTH_BENCH_SKIP_MICRO=1).").AppendLine().ToString();
        }

        foreach (var file in files)
        {
            var name = Path.GetFileName(file).Replace("WsAuth.Benchmarks.", string.Empty, StringComparison.Ordinal).Replace("-report-github.md", string.Empty, StringComparison.Ordinal);
            md.AppendLine("`" + name + "`").AppendLine();
            foreach (var line in File.ReadLines(file).Where(l => l.StartsWith('|')))
            {
                md.AppendLine(line.Replace("&#39;", string.Empty, StringComparison.Ordinal)); // BenchmarkDotNet quotes descriptions
            }

            md.AppendLine();
        }

        return md.ToString();
    }
}
