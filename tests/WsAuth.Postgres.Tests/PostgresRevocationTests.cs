using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using WsAuth.Testing;

namespace WsAuth.Postgres.Tests;

/// <summary>
/// Revocation shared through PostgreSQL by several real app instances: LISTEN/NOTIFY closes sockets on every instance,
/// the table lets a new or restarted instance know, and an unreachable backplane has the documented safe default (RV3).
/// </summary>
public class PostgresRevocationTests : PostgresTest
{
    private static DateTimeOffset Now => TimeProvider.System.GetUtcNow();

    [PostgresFact]
    public async Task RevokeOnOneInstance_ClosesTheUsersSocketsOnTheOther_AndItsTokensAreRefusedThere()
    {
        // Arrange
        var table = NewTableName();
        await using var a = await StartAsync(table);
        await using var b = await StartAsync(table);
        var old = RevocationTestApp.Token("alice", Now.AddMinutes(-10));
        var (aliceOnB, _) = await RevocationTestApp.ConnectBearerAsync(b, old);
        var (bobOnB, _) = await RevocationTestApp.ConnectBearerAsync(b, RevocationTestApp.Token("bob", Now.AddMinutes(-10)));
        using var _1 = aliceOnB;
        using var _2 = bobOnB;

        // Act
        await RevocationTestApp.Revocation(a).RevokeAsync("alice");

        // Assert
        Assert.Equal((4401, "revoked"), await RevocationTestApp.ReceiveCloseAsync(aliceOnB));
        Assert.True(await RevocationTestApp.EchoesAsync(bobOnB));
        Assert.Equal((HttpStatusCode.Unauthorized, "revoked"), Pair(await RevocationTestApp.HandshakeBearerAsync(b, old)));
    }

    [PostgresFact]
    public async Task DisconnectSession_ReachesTheInstanceThatHoldsIt()
    {
        var table = NewTableName();
        await using var a = await StartAsync(table);
        await using var b = await StartAsync(table);
        var (socket, sessionId) = await RevocationTestApp.ConnectBearerAsync(b, RevocationTestApp.Token("alice", Now));
        using var _socket = socket;

        await RevocationTestApp.Revocation(a).DisconnectSessionAsync(sessionId);

        Assert.Equal((4401, "revoked"), await RevocationTestApp.ReceiveCloseAsync(socket));
    }

    [PostgresFact]
    [Trait("Matrix", "RV4")]
    public async Task AnInstanceStartedAfterARevocation_RefusesTheRevokedCredentials()
    {
        // An app instance restart: the new process has an empty memory, the table has the revocation.
        var table = NewTableName();
        var old = RevocationTestApp.Token("alice", Now.AddMinutes(-10));
        await using (var a = await StartAsync(table))
        {
            await RevocationTestApp.Revocation(a).RevokeAsync("alice");
        }

        await using var restarted = await StartAsync(table);

        Assert.Equal((HttpStatusCode.Unauthorized, "revoked"), Pair(await RevocationTestApp.HandshakeBearerAsync(restarted, old)));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, (await RevocationTestApp.HandshakeBearerAsync(restarted, RevocationTestApp.Token("bob", Now.AddMinutes(-10)))).Status);
    }

    [PostgresFact]
    [Trait("Matrix", "RV3")]
    public async Task BackplaneUnreachable_RefusesHandshakes503_CountsAndReportsIt_ThenAppliesTheMissedRevocationWhenBack()
    {
        // Arrange: instance B reaches PostgreSQL through a proxy the test cuts; no staleness allowance, so the safe
        // default shows at once.
        var table = NewTableName();
        var (host, port) = PostgresTestDatabase.Server;
        await using var proxy = new LoopbackTcpProxy(host, port);
        await using var a = await StartAsync(table);
        await using var b = await StartAsync(table, PostgresTestDatabase.Through("127.0.0.1", proxy.Port), o => o.MaxStaleness = TimeSpan.Zero);
        var failures = new List<string>();
        using var listener = ListenToBackplaneFailures(b, failures);
        var old = RevocationTestApp.Token("alice", Now.AddMinutes(-10));
        var (aliceOnB, _) = await RevocationTestApp.ConnectBearerAsync(b, old);
        using var _alice = aliceOnB;

        // Act: B loses the backplane; alice is revoked through A meanwhile.
        proxy.Cut();
        await WaitUntilAsync(async () => (await RevocationTestApp.HandshakeBearerAsync(b, RevocationTestApp.Token("bob", Now))).Status == HttpStatusCode.ServiceUnavailable);
        var whileCut = await RevocationTestApp.HandshakeBearerAsync(b, RevocationTestApp.Token("bob", Now));
        var healthWhileCut = await HealthAsync(b);
        await RevocationTestApp.Revocation(a).RevokeAsync("alice");
        var aliceStillOpenWhileCut = await RevocationTestApp.EchoesAsync(aliceOnB); // open sockets stay; B cannot know yet
        proxy.Restore();
        var closeWhenBack = await RevocationTestApp.ReceiveCloseAsync(aliceOnB, TimeSpan.FromSeconds(30));

        // Assert
        Assert.Equal((HttpStatusCode.ServiceUnavailable, WebSocketAuthFailureReasons.RevocationUnavailable), Pair(whileCut));
        Assert.Equal(HealthStatus.Unhealthy, healthWhileCut);
        Assert.True(aliceStillOpenWhileCut);
        Assert.Equal((4401, "revoked"), closeWhenBack);
        Assert.Equal((HttpStatusCode.Unauthorized, "revoked"), Pair(await RevocationTestApp.HandshakeBearerAsync(b, old)));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, (await RevocationTestApp.HandshakeBearerAsync(b, RevocationTestApp.Token("bob", Now))).Status);
        Assert.Equal(HealthStatus.Healthy, await HealthAsync(b));
        Assert.Contains("subscription", failures);
        Assert.Contains(b.Logs.GetSnapshot(), e => e.Id.Name == "RevocationStateStale");
        Assert.Contains(b.Logs.GetSnapshot(), e => e.Id.Name == "RevocationBackplaneRestored");
    }

    [PostgresFact]
    [Trait("Matrix", "RV3")]
    public async Task BackplaneUnreachable_WithinMaxStaleness_DecidesOnTheLastKnownState()
    {
        var table = NewTableName();
        var (host, port) = PostgresTestDatabase.Server;
        await using var proxy = new LoopbackTcpProxy(host, port);
        await using var b = await StartAsync(table, PostgresTestDatabase.Through("127.0.0.1", proxy.Port), o => o.MaxStaleness = TimeSpan.FromMinutes(10));
        await RevocationTestApp.Revocation(b).RevokeAsync("alice");

        proxy.Cut();
        await WaitUntilAsync(async () => await HealthAsync(b) == HealthStatus.Degraded);

        Assert.Equal(HttpStatusCode.Unauthorized, (await RevocationTestApp.HandshakeBearerAsync(b, RevocationTestApp.Token("alice", Now.AddMinutes(-10)))).Status);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, (await RevocationTestApp.HandshakeBearerAsync(b, RevocationTestApp.Token("bob", Now))).Status);
    }

    [PostgresFact]
    public async Task MissingTable_WithoutCreate_IsLoggedWithTheSql_AndHandshakesAreRefused()
    {
        var table = NewTableName();
        await using var app = await RevocationTestApp.StartAsync(
            builder: ws => ws.AddPostgresRevocation(PostgresTestDatabase.ConnectionString, o => o.TableName = table, o => o.StartupWait = TimeSpan.FromSeconds(2)));

        var response = await RevocationTestApp.HandshakeBearerAsync(app, RevocationTestApp.Token("bob", Now));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.Status);
        Assert.Contains(app.Logs.GetSnapshot(), e => e.Id.Name == "RevocationTableMissing" && e.AllText.Contains("CREATE TABLE IF NOT EXISTS", StringComparison.Ordinal));
    }

    internal static Task<KestrelTestApp> StartAsync(string table, string? connectionString = null, Action<WebSocketRevocationOptions>? revocation = null)
        => RevocationTestApp.StartAsync(
            builder: ws => ws.AddPostgresRevocation(
                connectionString ?? PostgresTestDatabase.ConnectionString,
                o =>
                {
                    o.TableName = table;
                    o.Channel = table; // a channel per test: parallel tests do not hear each other
                    o.CreateTableIfMissing = true;
                    o.KeepAliveInterval = TimeSpan.FromMilliseconds(250);
                    o.OperationTimeout = TimeSpan.FromSeconds(2);
                },
                o =>
                {
                    o.ReconnectDelay = TimeSpan.FromMilliseconds(200);
                    o.StartupWait = TimeSpan.FromSeconds(15);
                    revocation?.Invoke(o);
                }),
            services: s => s.AddHealthChecks().AddWebSocketRevocation());

    private static (HttpStatusCode, string) Pair(RawResponse response) => (response.Status, response.Body);

    private static async Task<HealthStatus> HealthAsync(KestrelTestApp app)
        => (await app.App.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Status;

    private static MeterListener ListenToBackplaneFailures(KestrelTestApp app, List<string> operations)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == "wsauth.revocation.backplane.failures")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "wsauth.operation")
                {
                    lock (operations)
                    {
                        operations.Add((string)tag.Value!);
                    }
                }
            }
        });
        listener.Start();
        return listener;
    }

    private static Task WaitUntilAsync(Func<Task<bool>> condition)
        => Eventually.WaitUntilAsync(condition, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(100));
}

[Collection(nameof(ServerRestartCollection))]
public class PostgresRevocationRestartTests(Xunit.Abstractions.ITestOutputHelper output) : PostgresTest
{
    [PostgresFact]
    [Trait("Matrix", "RV4")]
    public async Task ARevocation_SurvivesAPostgresRestart_AndStillHoldsOnEveryInstance()
    {
        // Arrange: pooled helper connections from an earlier restart in this collection are dead; drop them.
        NpgsqlConnection.ClearAllPools();
        var table = NewTableName();
        var applicationName = "wsauth-" + table;
        var connectionString = new NpgsqlConnectionStringBuilder(PostgresTestDatabase.ConnectionString) { ApplicationName = applicationName }.ConnectionString;
        var old = RevocationTestApp.Token("alice", TimeProvider.System.GetUtcNow().AddMinutes(-10));
        await using var a = await PostgresRevocationTests.StartAsync(table, connectionString);
        var realRestart = PostgresTestDatabase.CanRestartCluster && await PostgresTestDatabase.WaitUntilAloneAsync(applicationName);
        await RevocationTestApp.Revocation(a).RevokeAsync("alice");

        // Act
        output.WriteLine(realRestart ? "Restarting the PostgreSQL cluster." : "Terminating the app's connections (the server is not test.sh's, or is busy).");
        if (realRestart)
        {
            await PostgresTestDatabase.RestartClusterAsync();
        }
        else
        {
            await PostgresTestDatabase.ExecuteAsync("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1", applicationName);
        }

        await using var b = await PostgresRevocationTests.StartAsync(table, connectionString);

        // Assert: the running instance and one started after the restart both refuse.
        Assert.Equal(HttpStatusCode.Unauthorized, (await RevocationTestApp.HandshakeBearerAsync(a, old)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await RevocationTestApp.HandshakeBearerAsync(b, old)).Status);
        NpgsqlConnection.ClearAllPools(); // the next restart test's helper queries must not meet connections this restart killed
    }
}
