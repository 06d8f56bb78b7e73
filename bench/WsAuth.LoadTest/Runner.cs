using System.Diagnostics;
using System.Globalization;
using WsAuth.LoadTest.Client;
using WsAuth.LoadTest.Reporting;
using WsAuth.LoadTest.Scenarios;

namespace WsAuth.LoadTest;

/// <summary>
/// One run: every available handshake scenario's server is started (each in its own process), warmed, then measured
/// in interleaved rounds (the order rotates every round, so drift in the machine's load hits every server alike), and
/// each round's figure is divided by bare Kestrel's from the same round. Then plain HTTP and echo, bare against WsAuth,
/// interleaved the same way; then memory per idle connection with fresh servers; then the abuse scenario.
/// </summary>
internal sealed partial class Runner(RunSettings settings, TextWriter log)
{
    private readonly TimeSpan _warmup = TimeSpan.FromSeconds(settings.WarmupSeconds);
    private readonly TimeSpan _measure = TimeSpan.FromSeconds(settings.MeasureSeconds);

    public async Task<BenchReport> RunAsync(CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var report = new BenchReport
        {
            Preliminary = settings.Preliminary,
            Note = settings.Note,
            StartedAtUtc = TimeProvider.System.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            Machine = MachineInfoReader.Read(settings),
            Settings = new SettingsInfo
            {
                Rounds = settings.Rounds,
                WarmupSeconds = settings.WarmupSeconds,
                MeasureSeconds = settings.MeasureSeconds,
                Concurrency = settings.Concurrency,
                EchoConnections = settings.EchoConnections,
                EchoPayloadBytes = settings.EchoPayloadBytes,
                MemoryConnections = settings.MemoryConnections,
                Client = "raw sockets in one .NET process on the same machine (handshake, close frame, wait for the server's close, reset)",
            },
        };
        report.Notes.Add($"Client and servers share the machine's {Environment.ProcessorCount} cores; each server runs in its own process, the client in another.");

        var memoryConnections = FitToOpenFilesLimit(settings.MemoryConnections, report);
        var servers = new List<RunningScenario>();
        try
        {
            if (settings.Phases.Contains("handshakes") || settings.Phases.Contains("http"))
            {
                await StartServersAsync(report, servers, cancellationToken);
            }

            if (settings.Phases.Contains("handshakes"))
            {
                await MeasureHandshakesAsync(report, servers, cancellationToken);
            }

            if (settings.Phases.Contains("http"))
            {
                await MeasurePlainHttpAndEchoAsync(report, servers, cancellationToken);
            }
        }
        finally
        {
            foreach (var server in servers)
            {
                server.Client.Tickets?.Dispose();
                await server.Process.DisposeAsync();
            }
        }

        if (settings.Phases.Contains("memory"))
        {
            await MeasureMemoryAsync(report, memoryConnections, cancellationToken);
        }

        if (settings.Phases.Contains("abuse"))
        {
            await MeasureAbuseAsync(report, cancellationToken);
        }

        if (settings.Phases.Contains("leak"))
        {
            await MeasureLeaksAsync(report, cancellationToken);
        }

        Targets.Evaluate(report);

        report.Machine.LoadAverageEnd = MachineInfoReader.LoadAverage();
        report.DurationSeconds = Math.Round(stopwatch.Elapsed.TotalSeconds, 1);
        return report;
    }

    private async Task StartServersAsync(BenchReport report, List<RunningScenario> servers, CancellationToken cancellationToken)
    {
        foreach (var scenario in ScenarioCatalog.Handshakes)
        {
            var row = new ThroughputRow { Id = scenario.Id, Title = scenario.Title, WsAuth = scenario.IsWsAuth, TargetRatio = scenario.TargetRatioToBare };
            report.Handshakes.Add(row);
            if (scenario.PendingReason is { } pending)
            {
                (row.Status, row.Note) = ("pending", pending);
                continue;
            }

            if (settings.Only.Count > 0 && !settings.Only.Contains(scenario.Id) && scenario.Id != BareKestrelScenario.ScenarioId)
            {
                (row.Status, row.Note) = ("skipped", "not in --only");
                continue;
            }

            if (scenario.CheckAvailable(settings) is { } missing)
            {
                (row.Status, row.Note) = ("unavailable", missing);
                log.WriteLine($"  {scenario.Id}: skipped, {missing}");
                continue;
            }

            try
            {
                var process = await scenario.StartAsync(settings, cancellationToken);
                var client = await PrepareAsync(scenario, process, cancellationToken);
                servers.Add(new RunningScenario(scenario, process, client, row));
                log.WriteLine($"  {scenario.Id}: listening on {process.BaseUri} (pid {process.ProcessId})");
            }
            catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or IOException or System.ComponentModel.Win32Exception)
            {
                (row.Status, row.Note) = ("failed", ex.Message);
                log.WriteLine($"  {scenario.Id}: could not start: {ex.Message}");
            }
        }

        if (!servers.Any(s => s.Scenario.Id == BareKestrelScenario.ScenarioId))
        {
            throw new InvalidOperationException("Bare Kestrel did not start: no ratio can be computed.");
        }
    }

    private static async Task<HandshakeClient> PrepareAsync(Scenario scenario, ServerProcess process, CancellationToken cancellationToken)
    {
        try
        {
            return await scenario.PrepareClientAsync(process, cancellationToken);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    private async Task MeasureHandshakesAsync(BenchReport report, List<RunningScenario> servers, CancellationToken cancellationToken)
    {
        log.WriteLine($"Warming up {servers.Count} servers ({settings.InitialWarmupSeconds:0.#} s each)");
        foreach (var server in servers)
        {
            var warm = await HandshakeLoad.RunAsync(server.Process.EndPoint, server.Client, settings.Concurrency, TimeSpan.Zero, TimeSpan.FromSeconds(settings.InitialWarmupSeconds), cancellationToken);
            if (warm.Succeeded == 0)
            {
                server.Row.Note = "every warm-up handshake failed: " + Describe(warm.Failures);
            }
        }

        var samples = servers.ToDictionary(s => s.Scenario.Id, _ => new List<LoadSample>());
        for (var round = 0; round < settings.Rounds; round++)
        {
            log.Write($"Handshakes, round {round + 1}/{settings.Rounds}:");
            foreach (var server in Rotate(servers, round))
            {
                var sample = await HandshakeLoad.RunAsync(server.Process.EndPoint, server.Client, settings.Concurrency, _warmup, _measure, cancellationToken, server.Process.ReadCpuTimes, server.Scenario.StoreCpu);
                samples[server.Scenario.Id].Add(sample);
                log.Write($" {server.Scenario.Id} {sample.PerSecond:0}/s");
            }

            log.WriteLine();
        }

        Fill(samples, servers.Select(s => s.Row), BareKestrelScenario.ScenarioId);
        foreach (var server in servers.Where(s => s.Client.Tickets is not null))
        {
            var tickets = server.Client.Tickets!;
            report.Notes.Add($"{server.Scenario.Title}: {tickets.Issued:N0} tickets were issued (POST /ws/ticket with the login cookie) before the loads, "
                + "outside every measurement; each handshake redeemed one"
                + (tickets.FetchedDuringLoad > 0 ? $"; {tickets.FetchedDuringLoad:N0} more were fetched mid-load when the pool ran dry (in the throughput, not the latency)." : "."));
        }

        foreach (var row in report.Handshakes.Where(r => r.StoreCpuMicroseconds is not null))
        {
            report.Notes.Add($"{row.Title}: redis-server itself used {row.StoreCpuMicroseconds:0.0} µs of CPU per handshake (median over rounds, "
                + $"from /proc/<pid>/stat of the redis-server process, same window), on top of the app server's {row.ServerCpuMicroseconds:0.0} µs.");
        }

        var node = report.Handshakes.FirstOrDefault(r => r.Id == NodePeerScenario.ScenarioId && r.PerSecond > 0);
        foreach (var row in report.Handshakes.Where(r => r.PerSecond is not null && node is not null))
        {
            row.TimesNode = Math.Round(row.PerSecond!.Value / node!.PerSecond!.Value, 2);
            if (row.ServerUserCpuMicroseconds > 0 && node!.ServerUserCpuMicroseconds > 0)
            {
                row.NodeUserCpuMultiple = Math.Round(node.ServerUserCpuMicroseconds!.Value / row.ServerUserCpuMicroseconds!.Value, 2);
            }
        }
    }

    private async Task MeasurePlainHttpAndEchoAsync(BenchReport report, List<RunningScenario> servers, CancellationToken cancellationToken)
    {
        var pair = servers.Where(s => s.Scenario.Id is BareKestrelScenario.ScenarioId or OriginOnlyScenario.ScenarioId).ToList();
        if (pair.Count != 2)
        {
            report.Notes.Add("Plain HTTP and echo were not measured: they need the bare and the Origin-only servers.");
            return;
        }

        // Echo: bare, a session with an expiry only (Origin-only), and a JWT session with expiry and refresh handling on
        // (every text message is checked for the refresh prefix).
        var echoServers = servers.Where(s => s.Scenario.Id is BareKestrelScenario.ScenarioId or OriginOnlyScenario.ScenarioId or JwtQueryScenario.ScenarioId).ToList();
        var plain = pair.ToDictionary(s => s.Scenario.Id, _ => new List<LoadSample>());
        var echo = echoServers.ToDictionary(s => s.Scenario.Id, _ => new List<LoadSample>());
        for (var round = 0; round < settings.Rounds; round++)
        {
            log.Write($"Plain HTTP and echo, round {round + 1}/{settings.Rounds}:");
            foreach (var server in Rotate(pair, round))
            {
                var sample = await PlainHttpLoad.RunAsync(server.Process.EndPoint, settings.Concurrency, _warmup, _measure, server.Process.ReadCpuTimes, cancellationToken);
                plain[server.Scenario.Id].Add(sample);
                log.Write($" plain/{server.Scenario.Id} {sample.PerSecond:0}/s");
            }

            foreach (var server in Rotate(echoServers, round + 1))
            {
                var sample = await EchoLoad.RunAsync(server.Process.EndPoint, server.Client, settings.EchoConnections, settings.EchoPayloadBytes, _warmup, _measure, server.Process.ReadCpuTimes, cancellationToken);
                echo[server.Scenario.Id].Add(sample);
                log.Write($" echo/{server.Scenario.Id} {sample.PerSecond:0}/s");
            }

            log.WriteLine();
        }

        report.PlainHttp.AddRange(pair.Select(s => new ThroughputRow
        {
            Id = s.Scenario.Id,
            Title = s.Scenario.Id == BareKestrelScenario.ScenarioId ? "Bare Kestrel" : "Through WsAuth's middleware",
            WsAuth = s.Scenario.IsWsAuth,
        }));
        report.Echo.AddRange(echoServers.Select(s => new ThroughputRow
        {
            Id = s.Scenario.Id,
            Title = s.Scenario.Id switch
            {
                BareKestrelScenario.ScenarioId => "Bare Kestrel endpoint",
                OriginOnlyScenario.ScenarioId => "Same endpoint, WsAuth session with expiry (no refresh)",
                _ => "Same endpoint, WsAuth JWT session (expiry and refresh handling on)",
            },
            WsAuth = s.Scenario.IsWsAuth,
        }));
        Fill(plain, report.PlainHttp, BareKestrelScenario.ScenarioId);
        Fill(echo, report.Echo, BareKestrelScenario.ScenarioId);
    }

    private async Task MeasureMemoryAsync(BenchReport report, int connections, CancellationToken cancellationToken)
    {
        string[] ids = [BareKestrelScenario.ScenarioId, BareWithJwtUrlScenario.ScenarioId, OriginOnlyScenario.ScenarioId, JwtQueryScenario.ScenarioId, AspNetCookieScenario.ScenarioId, CookieScenario.ScenarioId, NodePeerScenario.ScenarioId];
        foreach (var id in ids)
        {
            var scenario = ScenarioCatalog.Get(id);
            var title = id switch
            {
                OriginOnlyScenario.ScenarioId => "WsAuth, Origin check only (session with an expiry)",
                JwtQueryScenario.ScenarioId => "WsAuth JWT session (query token; expiry and refresh handling on)",
                _ => scenario.Title,
            };
            var row = new MemoryRow { Id = id, Title = title, Requested = connections };
            report.Memory.Add(row);
            if (WhyNotRun(id, scenario) is { } notRun)
            {
                (row.Status, row.Note) = notRun;
                continue;
            }

            log.Write($"Memory, {id}: ");
            await using var process = await scenario.StartAsync(settings, cancellationToken);
            var client = await scenario.PrepareClientAsync(process, cancellationToken);

            // Warm the handshake path so that the baseline already holds what every connection shares.
            await HandshakeLoad.RunAsync(process.EndPoint, client, 16, TimeSpan.Zero, TimeSpan.FromSeconds(Math.Min(1, settings.InitialWarmupSeconds)), cancellationToken);
            var before = await process.GetMemoryAsync(cancellationToken);
            using (var idle = await IdleConnections.OpenAsync(process.EndPoint, client, connections, 64, cancellationToken))
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                var after = await process.GetMemoryAsync(cancellationToken);
                row.Opened = idle.Sockets.Count;
                row.Failed = idle.Failed;
                row.BaselineWorkingSet = before.WorkingSet;
                row.LoadedWorkingSet = after.WorkingSet;
                row.BaselineManaged = before.Managed;
                row.LoadedManaged = after.Managed;
                if (row.Opened > 0)
                {
                    row.WorkingSetPerConnection = Math.Round((after.WorkingSet - before.WorkingSet) / (double)row.Opened);
                    row.ManagedPerConnection = Math.Round((after.Managed - before.Managed) / (double)row.Opened);
                }

                if (idle.Failed > 0)
                {
                    row.Note = "failed to open: " + Describe(idle.Failures);
                }

                log.WriteLine($"{row.Opened} connections, {row.WorkingSetPerConnection:0} B working set and {row.ManagedPerConnection:0} B managed each");
            }
        }

        // WsAuth's overhead: Origin-only against bare Kestrel; the cookie method against the same cookie authentication
        // without WsAuth (both hold the app's principal for the connection's lifetime).
        Compare(OriginOnlyScenario.ScenarioId, BareKestrelScenario.ScenarioId);
        // Kestrel keeps a request's target and query string as strings for the request's life (a WebSocket's whole life):
        // with a JWT in the URL that is about 0.9 KiB per connection with or without WsAuth, so the JWT row is compared
        // with bare Kestrel answering the same URL.
        Compare(JwtQueryScenario.ScenarioId, BareWithJwtUrlScenario.ScenarioId);
        Compare(AspNetCookieScenario.ScenarioId, BareKestrelScenario.ScenarioId);
        Compare(CookieScenario.ScenarioId, AspNetCookieScenario.ScenarioId);

        void Compare(string id, string baselineId)
        {
            var row = report.Memory.First(r => r.Id == id);
            var baseline = report.Memory.First(r => r.Id == baselineId);
            if (row.WorkingSetPerConnection is null || baseline.WorkingSetPerConnection is null)
            {
                return;
            }

            row.ComparedWith = baselineId;
            row.WorkingSetOverhead = row.WorkingSetPerConnection - baseline.WorkingSetPerConnection;
            row.ManagedOverhead = row.ManagedPerConnection - baseline.ManagedPerConnection;
        }
    }

    /// <summary>
    /// Legitimate clients' handshake success and p99, alone and while <see cref="RunSettings.AbuseIdleSockets"/> sockets
    /// sit upgraded but unauthenticated (they never send the auth message) on a fresh first-message server.
    /// </summary>
    private async Task MeasureAbuseAsync(BenchReport report, CancellationToken cancellationToken)
    {
        var scenario = ScenarioCatalog.Get(settings.AbuseScenario);
        var abuse = report.Abuse;
        abuse.IdleSockets = settings.AbuseIdleSockets;
        abuse.Scenario = scenario.Id;
        if (scenario.PendingReason is { } pending)
        {
            (abuse.Status, abuse.Note) = ("pending", pending);
            return;
        }

        if (scenario.CheckAvailable(settings) is { } missing)
        {
            (abuse.Status, abuse.Note) = ("unavailable", missing);
            return;
        }

        log.Write($"Abuse, {scenario.Id}: ");
        await using var process = await scenario.StartAsync(settings, cancellationToken);
        var legitimate = await scenario.PrepareClientAsync(process, cancellationToken);
        var unauthenticated = HandshakeClient.Create(process, "/ws"); // upgrades, then never authenticates
        await HandshakeLoad.RunAsync(process.EndPoint, legitimate, settings.Concurrency, TimeSpan.Zero, TimeSpan.FromSeconds(settings.InitialWarmupSeconds), cancellationToken);
        var (alone, underAbuse, idleOpened) = await AbuseLoad.RunAsync(
            process.EndPoint, legitimate, unauthenticated, settings.AbuseIdleSockets, settings.Concurrency, _warmup, _measure, cancellationToken);
        abuse.Status = "measured";
        abuse.IdleOpened = idleOpened;
        abuse.BaselinePerSecond = Math.Round(alone.PerSecond, 1);
        abuse.UnderAbusePerSecond = Math.Round(underAbuse.PerSecond, 1);
        abuse.BaselineSuccessRate = SuccessRate(alone);
        abuse.UnderAbuseSuccessRate = SuccessRate(underAbuse);
        abuse.BaselineP99Ms = P99Ms(alone);
        abuse.UnderAbuseP99Ms = P99Ms(underAbuse);
        abuse.Note = scenario.Id != FirstMessageScenario.ScenarioId
            ? $"run against '{scenario.Id}', not the first-message method: the idle sockets are authenticated there (harness check only)."
            : $"The idle sockets come from {AbuseLoad.AttackerAddresses(settings.AbuseIdleSockets).Count} addresses (127.0.1.2, 127.0.2.2 and up, one per /24, {AbuseLoad.SocketsPerAttackerAddress} each, "
                + $"the default per-address cap), the legitimate clients from 127.0.0.1; the server's waiting-socket caps are {FirstMessageScenario.MaxPendingSockets:N0} in all "
                + $"(default 1,000) and {FirstMessageScenario.MaxPendingSocketsPerClient} per address (default 20), its deadline 30 s (default 5 s) so that they wait through the measurement.";

        log.WriteLine($"{idleOpened} idle sockets; success {abuse.BaselineSuccessRate:P1} -> {abuse.UnderAbuseSuccessRate:P1}, p99 {abuse.BaselineP99Ms} -> {abuse.UnderAbuseP99Ms} ms");

        static double SuccessRate(LoadSample sample)
            => sample.Succeeded + sample.Failed == 0 ? 0 : Math.Round(sample.Succeeded / (double)(sample.Succeeded + sample.Failed), 4);

        static double? P99Ms(LoadSample sample)
        {
            if (sample.LatenciesMicroseconds.Length == 0)
            {
                return null;
            }

            var sorted = sample.LatenciesMicroseconds.Order().ToArray();
            return Math.Round(Percentile(sorted, 0.99) / 1000.0, 3);
        }
    }

    /// <summary>Medians over rounds, pooled latency percentiles, and ratios to the baseline row from the same round.</summary>
    private static void Fill(Dictionary<string, List<LoadSample>> samples, IEnumerable<ThroughputRow> rows, string baselineId)
    {
        var baseline = samples[baselineId];
        var baselineLatencies = baseline.SelectMany(s => s.LatenciesMicroseconds).ToArray();
        Array.Sort(baselineLatencies);
        foreach (var row in rows)
        {
            var mine = samples[row.Id];
            var latencies = mine.SelectMany(s => s.LatenciesMicroseconds).ToArray();
            Array.Sort(latencies);
            row.RoundsPerSecond = [.. mine.Select(s => Math.Round(s.PerSecond, 1))];
            row.RoundRatios = [.. mine.Zip(baseline, (m, b) => b.PerSecond > 0 ? Math.Round(m.PerSecond / b.PerSecond, 3) : double.NaN)];
            row.PerSecond = Math.Round(Median(mine.Select(s => s.PerSecond)), 1);
            row.PerSecondRatio = Math.Round(Median(row.RoundRatios), 3);
            if (mine.All(s => s.ServerCpuMicroseconds is not null))
            {
                row.ServerCpuMicroseconds = Math.Round(Median(mine.Select(s => s.ServerCpuMicroseconds!.Value)), 1);
                row.ClientCpuMicroseconds = Math.Round(Median(mine.Select(s => s.ClientCpuMicroseconds!.Value)), 1);
                row.ServerKernelShare = Math.Round(Median(mine.Select(s => s.ServerKernelShare ?? double.NaN)), 3);
                row.ServerCpuRatio = Math.Round(Median(mine.Zip(baseline, (m, b) => m.ServerCpuMicroseconds / b.ServerCpuMicroseconds ?? double.NaN)), 3);
                row.ServerUserCpuMicroseconds = Math.Round(Median(mine.Select(s => s.ServerUserCpuMicroseconds ?? double.NaN)), 1);
                row.ServerKernelCpuMicroseconds = Math.Round(Median(mine.Select(s => s.ServerCpuMicroseconds!.Value - (s.ServerUserCpuMicroseconds ?? double.NaN))), 1);
                row.ServerUserCpuRatio = Math.Round(Median(mine.Zip(baseline, (m, b) => m.ServerUserCpuMicroseconds / b.ServerUserCpuMicroseconds ?? double.NaN)), 3);
            }

            if (mine.Count > 0 && mine.All(s => s.StoreCpuMicroseconds is not null))
            {
                row.StoreCpuMicroseconds = Math.Round(Median(mine.Select(s => s.StoreCpuMicroseconds!.Value)), 1);
            }

            row.Succeeded = mine.Sum(s => s.Succeeded);
            row.Failed = mine.Sum(s => s.Failed);
            var failures = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var (kind, count) in mine.SelectMany(s => s.Failures))
            {
                failures[kind] = failures.GetValueOrDefault(kind) + count;
            }

            row.Failures = failures.Count > 0 ? failures : null;
            if (latencies.Length > 0 && baselineLatencies.Length > 0)
            {
                row.P50Ms = Math.Round(Percentile(latencies, 0.50) / 1000.0, 3);
                row.P99Ms = Math.Round(Percentile(latencies, 0.99) / 1000.0, 3);
                row.P50Ratio = Math.Round(Percentile(latencies, 0.50) / (double)Percentile(baselineLatencies, 0.50), 3);
                row.P99Ratio = Math.Round(Percentile(latencies, 0.99) / (double)Percentile(baselineLatencies, 0.99), 3);
            }

            if (row.Succeeded == 0)
            {
                row.Status = "failed";
                row.Note ??= "no successful operation: " + Describe(failures);
            }
        }
    }

    private int FitToOpenFilesLimit(int wanted, BenchReport report)
    {
        // The client holds one descriptor per connection, and so does the server (its own process, same limit).
        var limit = report.Machine.OpenFilesLimit;
        const int Reserve = 512;
        if (limit > 0 && wanted + Reserve > limit)
        {
            var fitted = (int)Math.Max(100, limit - Reserve);
            report.Notes.Add($"Memory was measured at {fitted} connections, not {wanted}: the open-files limit is {limit} (raise it with `ulimit -n`; bench/run.sh does).");
            log.WriteLine(report.Notes[^1]);
            return fitted;
        }

        return wanted;
    }

    private static IEnumerable<T> Rotate<T>(IReadOnlyList<T> items, int by)
    {
        for (var i = 0; i < items.Count; i++)
        {
            yield return items[(i + by) % items.Count];
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
            : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static int Percentile(int[] sorted, double p)
        => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static string Describe(IReadOnlyDictionary<string, long> failures)
        => failures.Count == 0 ? "none" : string.Join(", ", failures.OrderByDescending(f => f.Value).Select(f => $"{f.Key} x{f.Value}"));

    private sealed record RunningScenario(Scenario Scenario, ServerProcess Process, HandshakeClient Client, ThroughputRow Row);
}
