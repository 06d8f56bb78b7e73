namespace WsAuth.LoadTest.Scenarios;

/// <summary>
/// Every handshake scenario, in table order. A method that has not landed yet is a <see cref="PendingScenario"/>:
/// when it lands, replace that line with its scenario class (see bench/README.md).
/// </summary>
internal static class ScenarioCatalog
{
    public static IReadOnlyList<Scenario> Handshakes { get; } =
    [
        new BareKestrelScenario(),
        new BareControlScenario(),
        new OriginOnlyScenario(),
        new OriginWithLimiterScenario(),
        new TicketMemoryScenario(),
        new TicketPostgresScenario(),
        new TicketRedisScenario(),
        new JwtSubprotocolScenario(),
        new JwtQueryScenario(),
        new FirstMessageScenario(),
        new AspNetCookieScenario(),
        new CookieScenario(),
        new NodePeerScenario(),
    ];

    /// <summary>Servers only the leak phase runs (not rows of the handshake table).</summary>
    public static IReadOnlyList<Scenario> LeakOnly { get; } = [new OriginWithRevocationScenario()];

    /// <summary>Servers only the memory phase runs (a baseline of one of its rows).</summary>
    public static IReadOnlyList<Scenario> MemoryOnly { get; } = [new BareWithJwtUrlScenario()];

    private static IEnumerable<Scenario> All => Handshakes.Concat(LeakOnly).Concat(MemoryOnly);

    /// <summary>The .NET scenario a <c>serve</c> child hosts.</summary>
    public static Scenario FindDotNet(string id)
        => All.FirstOrDefault(s => s.Id == id && s is not NodePeerScenario && s.PendingReason is null)
            ?? throw new ArgumentException($"No .NET server scenario '{id}'. Known: {string.Join(", ", Handshakes.Where(s => s.PendingReason is null && s is not NodePeerScenario).Select(s => s.Id))}.", nameof(id));

    public static Scenario Get(string id) => All.First(s => s.Id == id);
}

/// <summary>A row for a method that has not landed: reported as pending, never run.</summary>
internal sealed class PendingScenario(string id, string title, string needs, double? targetRatioToBare = null) : Scenario
{
    public override string Id => id;

    public override string Title => title;

    public override double? TargetRatioToBare => targetRatioToBare;

    public override string? PendingReason => $"pending: needs {needs}";
}
