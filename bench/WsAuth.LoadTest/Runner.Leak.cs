using WsAuth.LoadTest.Client;
using WsAuth.LoadTest.Reporting;
using WsAuth.LoadTest.Scenarios;

namespace WsAuth.LoadTest;

/// <summary>
/// The leak phase (issue 18): on a fresh server per method, <see cref="RunSettings.LeakCycles"/> connect, authenticate
/// and close cycles must leave the managed heap where it was after a warm-up, and WsAuth's live state (sessions,
/// waiting first-message sockets, revocation registry) empty.
/// </summary>
internal sealed partial class Runner
{
    /// <summary>What the heap may grow by over all cycles: 2.6 bytes a cycle at 100,000, less than any object a leak would keep.</summary>
    public const long LeakToleranceBytes = 256 * 1024;

    private static readonly string[] LeakScenarios =
    [
        BareKestrelScenario.ScenarioId,
        OriginOnlyScenario.ScenarioId,
        OriginWithRevocationScenario.ScenarioId,
        TicketMemoryScenario.ScenarioId,
        JwtQueryScenario.ScenarioId,
        JwtSubprotocolScenario.ScenarioId,
        FirstMessageScenario.ScenarioId,
        CookieScenario.ScenarioId,
    ];

    private async Task MeasureLeaksAsync(BenchReport report, CancellationToken cancellationToken)
    {
        foreach (var id in LeakScenarios)
        {
            var scenario = ScenarioCatalog.Get(id);
            var row = new LeakRow { Id = id, Title = scenario.Title };
            report.Leaks.Add(row);
            if (WhyNotRun(id, scenario) is { } notRun)
            {
                (row.Status, row.Note) = notRun;
                continue;
            }

            log.Write($"Leak, {id}: ");
            await using var process = await scenario.StartAsync(settings, cancellationToken);
            var client = await scenario.PrepareClientAsync(process, cancellationToken);
            await process.GetGaugesAsync(cancellationToken); // starts the server's listener before the first handshake

            // Warm-up: everything every connection shares (pools, caches, JIT) exists before the first reading.
            // Tickets are fetched per cycle from here on (issue and redeem are both in the cycle), so none is left over.
            var warmup = Math.Max(1_000, settings.LeakCycles / 20);
            await RunCyclesAsync(process, client, warmup, cancellationToken);
            await WaitForQuietAsync(process, cancellationToken);
            var before = await process.GetMemoryAsync(cancellationToken);

            var cycles = RunCyclesAsync(process, client, settings.LeakCycles, cancellationToken);

            // One reading mid-run shows the gauges are live (sockets open now), so "0 after" means closed, not unseen.
            await Task.WhenAny(cycles, Task.Delay(TimeSpan.FromSeconds(1), cancellationToken));
            if (!cycles.IsCompleted)
            {
                (row.SessionsDuring, _, row.RegistryDuring) = await process.GetGaugesAsync(cancellationToken);
            }

            var (succeeded, failures) = await cycles;
            var gauges = await WaitForQuietAsync(process, cancellationToken);
            var after = await process.GetMemoryAsync(cancellationToken);

            row.Cycles = succeeded;
            row.Failed = failures.Values.Sum();
            row.ManagedBefore = before.Managed;
            row.ManagedAfter = after.Managed;
            row.ManagedGrowth = after.Managed - before.Managed;
            (row.SessionsAfter, row.PendingAfter, row.RegistryAfter) = gauges;
            if (row.Failed > 0)
            {
                row.Note = "failed cycles: " + Describe(failures);
            }

            log.WriteLine($"{succeeded:N0} cycles, managed heap {row.ManagedGrowth:+#,0;-#,0;0} B, sessions {row.SessionsAfter}, pending {row.PendingAfter}, registry {row.RegistryAfter} (mid-run: sessions {row.SessionsDuring}, registry {row.RegistryDuring})");
        }
    }

    /// <summary>
    /// Why a single-server phase (memory, leak) skips <paramref name="id"/>: not in <c>--only</c> (bare Kestrel always
    /// runs: the other rows compare with it), or a missing tool; null when it runs.
    /// </summary>
    private (string Status, string Note)? WhyNotRun(string id, Scenario scenario)
    {
        var baseline = id == BareKestrelScenario.ScenarioId
            || (scenario.BaselineFor is { } row && settings.Only.Contains(row));
        if (settings.Only.Count > 0 && !settings.Only.Contains(id) && !baseline)
        {
            return ("skipped", "not in --only");
        }

        return scenario.CheckAvailable(settings) is { } missing ? ("unavailable", missing) : null;
    }

    /// <summary>Runs exactly <paramref name="cycles"/> handshake iterations (16 at a time) and counts the outcomes.</summary>
    private static async Task<(long Succeeded, Dictionary<string, long> Failures)> RunCyclesAsync(ServerProcess process, HandshakeClient client, int cycles, CancellationToken cancellationToken)
    {
        var next = -1;
        long succeeded = 0;
        var failures = new Dictionary<string, long>(StringComparer.Ordinal);
        var workers = Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            var buffer = new byte[16 * 1024];
            while (Interlocked.Increment(ref next) < cycles && !cancellationToken.IsCancellationRequested)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(LoadWindow.OperationTimeout);
                var (failure, _) = await HandshakeLoad.OnceAsync(process.EndPoint, client, buffer, timeout.Token);
                if (failure is null)
                {
                    Interlocked.Increment(ref succeeded);
                    continue;
                }

                lock (failures)
                {
                    failures[failure] = failures.GetValueOrDefault(failure) + 1;
                }
            }
        }, cancellationToken));
        await Task.WhenAll(workers);
        return (succeeded, failures);
    }

    /// <summary>Waits (up to 10 s) until the server has finished closing every socket: no session, nothing pending.</summary>
    private static async Task<(long Sessions, long Pending, long Registry)> WaitForQuietAsync(ServerProcess process, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var gauges = await process.GetGaugesAsync(cancellationToken);
            if ((gauges.Sessions == 0 && gauges.Pending == 0 && gauges.Registry == 0) || DateTime.UtcNow > deadline)
            {
                return gauges;
            }

            await Task.Delay(100, cancellationToken);
        }
    }
}
