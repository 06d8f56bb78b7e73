using System.Globalization;

namespace WsAuth.LoadTest;

/// <summary>Command-line settings of <c>run</c>. Defaults fit the whole run in the bench/run.sh time budget.</summary>
internal sealed class RunSettings
{
    /// <summary>Rounds of the interleaved handshake, plain HTTP and echo measurements.</summary>
    public int Rounds { get; set; } = 5;

    /// <summary>Load before each measurement, not counted.</summary>
    public double WarmupSeconds { get; set; } = 0.5;

    /// <summary>Length of one measurement.</summary>
    public double MeasureSeconds { get; set; } = 2;

    /// <summary>Load on every server once, before the first round (JIT, tiering, pools).</summary>
    public double InitialWarmupSeconds { get; set; } = 2;

    /// <summary>Handshakes (and plain HTTP connections) in flight at once.</summary>
    public int Concurrency { get; set; } = 32;

    public int EchoConnections { get; set; } = 32;

    public int EchoPayloadBytes { get; set; } = 64;

    /// <summary>Idle connections held open for the memory measurement.</summary>
    public int MemoryConnections { get; set; } = 10_000;

    /// <summary>Sockets held unauthenticated for the abuse scenario.</summary>
    public int AbuseIdleSockets { get; set; } = 2_000;

    public bool Preliminary { get; set; }

    public string? Note { get; set; }

    public string BenchDirectory { get; set; } = FindBenchDirectory();

    public string OutputDirectory => Path.Combine(BenchDirectory, "results");

    public string NodePeerDirectory => Path.Combine(BenchDirectory, "node-peer");

    /// <summary>Parts of the run: handshakes, http (plain HTTP and echo), memory, abuse, leak. All by default.</summary>
    public HashSet<string> Phases { get; } = new(["handshakes", "http", "memory", "abuse", "leak"], StringComparer.Ordinal);

    /// <summary>Connect/authenticate/close cycles per server in the leak phase.</summary>
    public int LeakCycles { get; set; } = 100_000;

    /// <summary>The server the abuse phase attacks: the first-message method; another id only checks the harness.</summary>
    public string AbuseScenario { get; set; } = "first-message";

    /// <summary>Scenario ids to run (all when empty); bare Kestrel always runs, every ratio needs it.</summary>
    public HashSet<string> Only { get; } = new(StringComparer.Ordinal);

    public static RunSettings Parse(IReadOnlyList<string> args)
    {
        var settings = new RunSettings();
        for (var i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            double NextDouble() => double.Parse(Next(), CultureInfo.InvariantCulture);
            int NextInt() => int.Parse(Next(), CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--rounds": settings.Rounds = NextInt(); break;
                case "--warmup": settings.WarmupSeconds = NextDouble(); break;
                case "--seconds": settings.MeasureSeconds = NextDouble(); break;
                case "--initial-warmup": settings.InitialWarmupSeconds = NextDouble(); break;
                case "--concurrency": settings.Concurrency = NextInt(); break;
                case "--echo-connections": settings.EchoConnections = NextInt(); break;
                case "--memory-connections": settings.MemoryConnections = NextInt(); break;
                case "--bench-dir": settings.BenchDirectory = Path.GetFullPath(Next()); break;
                case "--only":
                    foreach (var id in Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        settings.Only.Add(id);
                    }

                    break;
                case "--phases":
                    settings.Phases.Clear();
                    foreach (var phase in Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        settings.Phases.Add(phase is "handshakes" or "http" or "memory" or "abuse" or "leak" ? phase : throw new ArgumentException($"Unknown phase {phase}: use handshakes, http, memory, abuse, leak."));
                    }

                    break;
                case "--abuse-scenario": settings.AbuseScenario = Next(); break;
                case "--leak-cycles": settings.LeakCycles = NextInt(); break;
                case "--abuse-sockets": settings.AbuseIdleSockets = NextInt(); break;
                case "--preliminary": settings.Preliminary = true; break;
                case "--note": settings.Note = Next(); break;
                case "--quick":
                    // A smoke run: proves every part works, numbers mean little.
                    settings.Rounds = 1;
                    settings.WarmupSeconds = 0.3;
                    settings.MeasureSeconds = 1;
                    settings.InitialWarmupSeconds = 0.5;
                    settings.MemoryConnections = 1_000;
                    settings.LeakCycles = 5_000;
                    break;
                default:
                    throw new ArgumentException($"Unknown option {args[i]}.");
            }
        }

        if (settings.Rounds < 1 || settings.MeasureSeconds <= 0 || settings.Concurrency < 1 || settings.MemoryConnections < 1 || settings.LeakCycles < 1)
        {
            throw new ArgumentException("--rounds, --seconds, --concurrency, --memory-connections and --leak-cycles must be positive.");
        }

        return settings;
    }

    private static string FindBenchDirectory()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "WsAuth.sln")))
            {
                return Path.Combine(dir.FullName, "bench");
            }
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "WsAuth.sln")))
            {
                return Path.Combine(dir.FullName, "bench");
            }
        }

        return Path.Combine(Directory.GetCurrentDirectory(), "bench");
    }
}
