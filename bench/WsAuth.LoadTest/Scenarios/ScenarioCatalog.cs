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
        new PendingScenario("ticket-memory", "WsAuth ticket (in-memory store)", "the ticket method (issue 4)", targetRatioToBare: 0.95),
        new PendingScenario("ticket-postgres", "WsAuth ticket (PostgreSQL store)", "the ticket method and WsAuth.Postgres (issue 4)"),
        new PendingScenario("jwt-subprotocol", "WsAuth JWT in Sec-WebSocket-Protocol", "the JWT methods (issue 3)", targetRatioToBare: 0.85),
        new PendingScenario("jwt-query", "WsAuth JWT in the query string", "the JWT methods (issue 3)", targetRatioToBare: 0.85),
        new PendingScenario("first-message", "WsAuth first message", "the first-message method (issue 5)"),
        new AspNetCookieScenario(),
        new CookieScenario(),
        new NodePeerScenario(),
    ];

    /// <summary>The .NET scenario a <c>serve</c> child hosts.</summary>
    public static Scenario FindDotNet(string id)
        => Handshakes.FirstOrDefault(s => s.Id == id && s is not NodePeerScenario && s.PendingReason is null)
            ?? throw new ArgumentException($"No .NET server scenario '{id}'. Known: {string.Join(", ", Handshakes.Where(s => s.PendingReason is null && s is not NodePeerScenario).Select(s => s.Id))}.", nameof(id));

    public static Scenario Get(string id) => Handshakes.First(s => s.Id == id);
}

/// <summary>A row for a method that has not landed: reported as pending, never run.</summary>
internal sealed class PendingScenario(string id, string title, string needs, double? targetRatioToBare = null) : Scenario
{
    public override string Id => id;

    public override string Title => title;

    public override double? TargetRatioToBare => targetRatioToBare;

    public override string? PendingReason => $"pending: needs {needs}";
}
