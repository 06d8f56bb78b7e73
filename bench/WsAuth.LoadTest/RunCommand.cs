using WsAuth.LoadTest.Reporting;

namespace WsAuth.LoadTest;

/// <summary><c>run</c>: measures everything, prints the tables, writes bench/results/loadtest.json and loadtest.md.</summary>
internal static class RunCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        RunSettings settings;
        try
        {
            settings = RunSettings.Parse(args);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            Console.Error.WriteLine(ex.Message);
            return 2;
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        // Hard bound on the whole run, whatever happens.
        cancel.CancelAfter(TimeSpan.FromMinutes(15));
        Console.WriteLine($"WsAuth.LoadTest: servers on 127.0.0.1, results in {settings.OutputDirectory}");
        BenchReport report;
        try
        {
            report = await new Runner(settings, Console.Out).RunAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("Stopped (interrupted, or past the 15-minute bound): no results written.");
            return 1;
        }

        Directory.CreateDirectory(settings.OutputDirectory);
        var json = Path.Combine(settings.OutputDirectory, "loadtest.json");
        report.Save(json);
        var markdown = MarkdownReport.Write(report);
        await File.WriteAllTextAsync(Path.Combine(settings.OutputDirectory, "loadtest.md"), markdown);
        Console.WriteLine();
        Console.WriteLine(markdown);
        Console.WriteLine($"Wrote {json}");
        return 0;
    }
}
