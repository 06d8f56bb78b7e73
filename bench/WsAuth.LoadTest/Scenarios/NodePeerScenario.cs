namespace WsAuth.LoadTest.Scenarios;

/// <summary>
/// The peer stack: Node's <c>ws</c> with <c>jsonwebtoken</c> verifying an HS256 token from the query string in the
/// upgrade handler, after an Origin allow-list check (bench/node-peer/server.js). The token is signed with the run's
/// key (<see cref="BenchSecrets"/>) and verified on every handshake, as in the guides.
/// </summary>
internal sealed class NodePeerScenario : Scenario
{
    public const string ScenarioId = "node";

    public override string Id => ScenarioId;

    public override string Title => "Node ws + jsonwebtoken (query token + Origin)";

    public override bool IsWsAuth => false;

    public override string? CheckAvailable(RunSettings settings)
    {
        if (FindOnPath("node") is null)
        {
            return "node is not on PATH: install Node.js 18 or later to measure the Node peer.";
        }

        var modules = Path.Combine(settings.NodePeerDirectory, "node_modules");
        return Directory.Exists(Path.Combine(modules, "ws")) && Directory.Exists(Path.Combine(modules, "jsonwebtoken"))
            ? null
            : $"the peer's packages are not installed: run `npm ci` in {settings.NodePeerDirectory} (bench/run.sh does).";
    }

    public override Task<ServerProcess> StartAsync(RunSettings settings, CancellationToken cancellationToken)
        => ServerProcess.StartNodeAsync(
            Path.Combine(settings.NodePeerDirectory, "server.js"),
            new Dictionary<string, string>
            {
                [BenchSecrets.JwtKeyVariable] = BenchSecrets.JwtKeyBase64,
                ["WSAUTH_BENCH_JWT_ISSUER"] = BenchSecrets.Issuer,
                ["WSAUTH_BENCH_JWT_AUDIENCE"] = BenchSecrets.Audience,
                ["WSAUTH_BENCH_ORIGINS"] = HandshakeClient.Origin,
            },
            cancellationToken);

    public override ValueTask<HandshakeClient> PrepareClientAsync(ServerProcess server, CancellationToken cancellationToken)
        => ValueTask.FromResult(HandshakeClient.Create(server, "/ws?access_token=" + BenchSecrets.CreateJwt()));

    private static string? FindOnPath(string name)
        => (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
