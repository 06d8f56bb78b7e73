using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using WsAuth.LoadTest.Client;

namespace WsAuth.LoadTest.Scenarios;

/// <summary>
/// One server configuration and how the load client talks to it. A .NET scenario is hosted by this same program in a
/// child process (<c>serve &lt;id&gt;</c>): <see cref="ConfigureServices"/> and <see cref="ConfigurePipeline"/> run
/// there, then <see cref="BenchEndpoints"/> maps the same endpoints for every scenario. <see cref="PrepareClientAsync"/>
/// runs in the driver, once, before the load starts (log in, mint a token...).
/// </summary>
internal abstract class Scenario
{
    /// <summary>Short id: the <c>serve</c> argument, the JSON key.</summary>
    public abstract string Id { get; }

    /// <summary>The row title in the table and chart.</summary>
    public abstract string Title { get; }

    /// <summary>Whether WsAuth guards this server (false for the bare limit and the Node peer).</summary>
    public virtual bool IsWsAuth => true;

    /// <summary>The handshakes/s target as a ratio to bare Kestrel, if it sets one.</summary>
    public virtual double? TargetRatioToBare => null;

    /// <summary>
    /// The row this server is the baseline of, if it exists only for that comparison: it runs whenever that row does
    /// (with <c>--only</c> too).
    /// </summary>
    public virtual string? BaselineFor => null;

    /// <summary>Why the scenario cannot run yet (its method has not landed), or null.</summary>
    public virtual string? PendingReason => null;

    /// <summary>Why this scenario cannot run on this machine (a missing tool), checked in the driver; null if it can.</summary>
    public virtual string? CheckAvailable(RunSettings settings) => null;

    /// <summary>
    /// Driver side: the CPU time so far of a store process the server relies on (redis-server), measured over the same
    /// window as the server's own; null when the scenario has none.
    /// </summary>
    public virtual Func<CpuTimes>? StoreCpu => null;

    /// <summary>Starts the server process.</summary>
    public virtual Task<ServerProcess> StartAsync(RunSettings settings, CancellationToken cancellationToken)
        => ServerProcess.StartDotNetAsync(Id, cancellationToken);

    /// <summary>Server side: services (WsAuth, authentication...).</summary>
    public virtual void ConfigureServices(WebApplicationBuilder builder)
    {
    }

    /// <summary>Server side: middleware before the endpoints (<c>UseWebSockets</c> or <c>UseWebSocketAuth</c>...).</summary>
    public virtual void ConfigurePipeline(WebApplication app)
    {
    }

    /// <summary>Server side: conventions on the <c>/ws</c> endpoint (such as <c>RequireAuthorization()</c>).</summary>
    public virtual void ConfigureWebSocketEndpoint(IEndpointConventionBuilder endpoint)
    {
    }

    /// <summary>Client side: what each handshake sends. By default <c>GET /ws</c> with an allowed Origin.</summary>
    public virtual ValueTask<HandshakeClient> PrepareClientAsync(ServerProcess server, CancellationToken cancellationToken)
        => ValueTask.FromResult(HandshakeClient.Create(server, "/ws"));
}

/// <summary>What the load client sends for one handshake, and what it does after the 101 before counting it done.</summary>
internal sealed record HandshakeClient
{
    /// <summary>The Origin every client sends; every WsAuth server (and the Node peer) allows exactly this one.</summary>
    public const string Origin = "https://app.bench.example";

    private HandshakeClient(byte[] request) => Request = request;

    /// <summary>The request bytes, the same for every iteration (unless <see cref="Tickets"/> is set).</summary>
    public byte[] Request { get; }

    /// <summary>
    /// For single-use credentials (tickets): each iteration's request comes from this pool, filled before each load
    /// (<see cref="PrepareLoadAsync"/>), so that issuing is not part of the handshake measured.
    /// </summary>
    public TicketPool? Tickets { get; init; }

    /// <summary>
    /// For methods that authenticate after the upgrade (first message): runs after the 101 and returns whether the
    /// connection is authenticated. The handshake latency includes it. The buffer holds bytes received after the
    /// response headers at [<c>HeaderLength</c>, <c>Received</c>).
    /// </summary>
    public Func<Socket, Memory<byte>, HandshakeResponse, CancellationToken, ValueTask<bool>>? AfterUpgrade { get; init; }

    public static HandshakeClient Create(ServerProcess server, string pathAndQuery, params KeyValuePair<string, string>[] extraHeaders)
        => new(BuildRequest(server, pathAndQuery, extraHeaders));

    /// <summary>A client whose every handshake redeems a fresh ticket from <paramref name="tickets"/>.</summary>
    public static HandshakeClient WithTickets(TicketPool tickets) => new([]) { Tickets = tickets };

    /// <summary>A handshake request to <paramref name="pathAndQuery"/> with the allowed Origin.</summary>
    public static byte[] BuildRequest(ServerProcess server, string pathAndQuery, params KeyValuePair<string, string>[] extraHeaders)
        => RawWebSocket.BuildHandshake(server.EndPoint, pathAndQuery, [new("Origin", Origin), .. extraHeaders]);

    /// <summary>Before a load of <paramref name="duration"/>: fills the ticket pool, if any. Not timed.</summary>
    public Task PrepareLoadAsync(TimeSpan duration, int concurrency, CancellationToken cancellationToken)
        => Tickets is { } tickets ? tickets.FillAsync(duration, concurrency, cancellationToken) : Task.CompletedTask;

    public ValueTask<ReadOnlyMemory<byte>> GetRequestAsync(CancellationToken cancellationToken)
        => Tickets is { } tickets ? tickets.NextAsync(cancellationToken) : ValueTask.FromResult<ReadOnlyMemory<byte>>(Request);
}
