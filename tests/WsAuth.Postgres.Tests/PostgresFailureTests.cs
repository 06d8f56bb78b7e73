using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using WsAuth.Testing;

namespace WsAuth.Postgres.Tests;

/// <summary>
/// The database down, hung, slow and restarted (matrix P1-P3). Each test puts its own loopback proxy between its app and
/// PostgreSQL, so cutting or stalling it disturbs no other test.
/// </summary>
public class PostgresFailureTests : PostgresTest
{
    [PostgresFact]
    [Trait("Matrix", "P1")]
    [Trait("Matrix", "P3")]
    public async Task DatabaseDownMidRun_Gets503_ThenRecoversWithoutRestartingTheApp()
    {
        // Arrange
        var (host, port) = PostgresTestDatabase.Server;
        await using var proxy = new LoopbackTcpProxy(host, port);
        await using var app = await PostgresTicketApp.StartAsync(NewTableName(), PostgresTestDatabase.Through("127.0.0.1", proxy.Port));
        var cookie = await TicketTestApp.LoginAsync(app);
        var issuedBefore = (await TicketTestApp.RequestAsync(app, cookie)).Ticket!;

        // Act: the database goes away (every pooled connection is reset, new ones are refused).
        proxy.Cut();
        var redeemWhileDown = await TicketTestApp.RedeemAsync(app, issuedBefore);
        var issueWhileDown = await TicketTestApp.RequestAsync(app, cookie);
        proxy.Restore();
        var redeemAfter = await TicketTestApp.RedeemAsync(app, issuedBefore);
        var issueAfter = await TicketTestApp.RequestAsync(app, cookie);

        // Assert: fail closed meanwhile, the ticket was not consumed, and the same app recovers.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, redeemWhileDown.Status);
        Assert.Equal(WebSocketAuthFailureReasons.StoreUnavailable, redeemWhileDown.Body);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, issueWhileDown.Status);
        Assert.Equal(WebSocketAuthFailureReasons.StoreUnavailable, issueWhileDown.Body);
        Assert.Contains(app.Logs.GetSnapshot(), e => e.Id.Name == "TicketStoreUnavailable" && e.Level == LogLevel.Error);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, redeemAfter.Status);
        Assert.Equal(HttpStatusCode.OK, issueAfter.Status);
        Assert.Contains(app.Logs.GetSnapshot(), e => e.Id.Name == "TicketStoreRecovered");
        Assert.Equal(1, app.EndpointInvocations);
    }

    [PostgresFact]
    [Trait("Matrix", "P1")]
    public async Task DatabaseHung_Gets503WithinTheBudget_NeverA101()
    {
        // A network that swallows bytes: without the budget (OperationTimeout, 2 s by default) the handshake would wait for
        // TCP and Npgsql timeouts.
        var (host, port) = PostgresTestDatabase.Server;
        await using var proxy = new LoopbackTcpProxy(host, port);
        await using var app = await PostgresTicketApp.StartAsync(
            NewTableName(),
            PostgresTestDatabase.Through("127.0.0.1", proxy.Port),
            store: o => o.OperationTimeout = TimeSpan.FromSeconds(2));
        var ticket = await PostgresTicketApp.IssueWarmAsync(app);

        proxy.Stall();
        var whileHung = await TicketTestApp.RedeemAsync(app, ticket);
        var issueWhileHung = await TicketTestApp.RequestAsync(app, await TicketTestApp.LoginAsync(app));
        proxy.Restore();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, whileHung.Status);
        Assert.Equal(WebSocketAuthFailureReasons.StoreUnavailable, whileHung.Body);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, issueWhileHung.Status);
        Assert.Equal(0, app.EndpointInvocations);
        Assert.Contains(app.Logs.GetSnapshot(), e => e.Id.Name == "TicketStoreUnavailable" && e.AllText.Contains("TimeoutException", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, (await TicketTestApp.RedeemAsync(app, await PostgresTicketApp.IssueWarmAsync(app))).Status);
    }

    [PostgresFact]
    [Trait("Matrix", "P1")]
    public async Task TableLocked_Gets503_AndTheTicketIsNotConsumed()
    {
        // Arrange: a slow database, here another session holding a lock on the ticket table.
        var table = NewTableName();
        await using var app = await PostgresTicketApp.StartAsync(table, store: o => o.OperationTimeout = TimeSpan.FromSeconds(2));
        var ticket = await PostgresTicketApp.IssueWarmAsync(app);
        await using var locker = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(PostgresTestDatabase.ConnectionString) { Pooling = false }.ConnectionString);
        await locker.OpenAsync();
        await using var transaction = await locker.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand($"LOCK TABLE \"{table}\" IN ACCESS EXCLUSIVE MODE", locker, transaction))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        // Act
        var whileLocked = await TicketTestApp.RedeemAsync(app, ticket);

        // The abandoned DELETE is cancelled server-side; wait until it is gone before the lock is released.
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var waiting = await PostgresTestDatabase.ScalarAsync<long>(
                "SELECT count(*) FROM pg_stat_activity WHERE query LIKE $1 AND state = 'active'", $"DELETE FROM \"public\".\"{table}\"%");
            if (waiting == 0)
            {
                break;
            }

            await Task.Delay(25);
        }

        await transaction.RollbackAsync();
        var afterUnlock = await TicketTestApp.RedeemAsync(app, ticket);

        // Assert: 503 while slow, and the ticket survived (P1).
        Assert.Equal(HttpStatusCode.ServiceUnavailable, whileLocked.Status);
        Assert.Equal(WebSocketAuthFailureReasons.StoreUnavailable, whileLocked.Body);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, afterUnlock.Status);
    }

    [PostgresFact]
    [Trait("Matrix", "P2")]
    [Trait("Matrix", "P1")]
    public async Task CommitSucceeded_ReplyLost_Gets503_TheTicketIsBurned_AndNothingRetriesIt()
    {
        // Arrange: a warm pooled connection through a proxy, then the proxy starts losing every server reply. The DELETE
        // reaches PostgreSQL and commits; the app never hears about it.
        var table = NewTableName();
        var (host, port) = PostgresTestDatabase.Server;
        await using var proxy = new LoopbackTcpProxy(host, port);
        await using var app = await PostgresTicketApp.StartAsync(
            table,
            PostgresTestDatabase.Through("127.0.0.1", proxy.Port),
            store: o => o.OperationTimeout = TimeSpan.FromSeconds(2));
        var ticket = await PostgresTicketApp.IssueWarmAsync(app);
        Assert.Equal(1, await PostgresTestDatabase.ScalarAsync<long>($"SELECT count(*) FROM \"{table}\""));

        // Act
        proxy.DropReplies();
        var replyLost = await TicketTestApp.RedeemAsync(app, ticket);
        await WaitForAsync(async () => await PostgresTestDatabase.ScalarAsync<long>($"SELECT count(*) FROM \"{table}\"") == 0);
        proxy.Restore();
        var responses = await RedeemUntilNot503Async(app, ticket);

        // Assert: fail closed (503, never 101) while the outcome is unknown; the lost DELETE used the ticket up, so it is
        // burned (401 ticket_invalid), never redeemed a second time.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, replyLost.Status);
        Assert.Equal(WebSocketAuthFailureReasons.StoreUnavailable, replyLost.Body);
        Assert.Equal(HttpStatusCode.Unauthorized, responses[^1].Status);
        Assert.Equal(WebSocketAuthFailureReasons.TicketInvalid, responses[^1].Body);
        Assert.Equal(0, app.EndpointInvocations);

        // And the store recovers on the same app instance.
        Assert.Equal(HttpStatusCode.SwitchingProtocols, (await TicketTestApp.RedeemAsync(app, await PostgresTicketApp.IssueWarmAsync(app))).Status);
    }

    [PostgresFact]
    [Trait("Matrix", "P1")]
    [Trait("Matrix", "P3")]
    public async Task DatabaseDownAtRedeem_Gets503EveryTime_NeverA101_AndTheTicketWorksOnceAfterRecovery()
    {
        // Several clients retrying while the database is down: every attempt fails closed, none consumes the ticket, and
        // after recovery the ticket opens exactly one socket.
        var (host, port) = PostgresTestDatabase.Server;
        await using var proxy = new LoopbackTcpProxy(host, port);
        await using var app = await PostgresTicketApp.StartAsync(NewTableName(), PostgresTestDatabase.Through("127.0.0.1", proxy.Port));
        var ticket = await PostgresTicketApp.IssueWarmAsync(app);

        proxy.Cut();
        var whileDown = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => TicketTestApp.RedeemAsync(app, ticket)));
        proxy.Restore();
        var afterRecovery = await RedeemUntilNot503Async(app, ticket);
        var replay = await TicketTestApp.RedeemAsync(app, ticket);

        Assert.All(whileDown, r => Assert.Equal(HttpStatusCode.ServiceUnavailable, r.Status));
        Assert.All(whileDown, r => Assert.Empty(r.HeaderValues("Sec-WebSocket-Accept")));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, afterRecovery[^1].Status);
        Assert.Equal(HttpStatusCode.Unauthorized, replay.Status);
        Assert.Equal(1, app.EndpointInvocations);
    }

    [PostgresFact]
    [Trait("Matrix", "P3")]
    public async Task DatabaseUnreachableAtStartup_AppStarts_AndTicketsWorkOnceItAnswers()
    {
        // Arrange: the proxy refuses connections from the start; the table does not exist yet.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (host, port) = PostgresTestDatabase.Server;
        await using var proxy = new LoopbackTcpProxy(host, port);
        proxy.Cut();
        await using var app = await PostgresTicketApp.StartAsync(NewTableName(), PostgresTestDatabase.Through("127.0.0.1", proxy.Port), clock: clock);
        var cookie = await TicketTestApp.LoginAsync(app);
        var whileDown = await TicketTestApp.RequestAsync(app, cookie);

        // Act: the database comes back; the maintenance round creates the table.
        proxy.Restore();
        var maintenance = app.App.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<PostgresTicketStoreMaintenance>().Single();
        await maintenance.RunOnceAsync(default);
        var afterRecovery = await TicketTestApp.RequestAsync(app, cookie);

        // Assert
        Assert.Contains(app.Logs.GetSnapshot(), e => e.Id.Name == "TicketTableSetupDeferred");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, whileDown.Status);
        Assert.True(maintenance.TableReady);
        Assert.Equal(HttpStatusCode.OK, afterRecovery.Status);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, (await TicketTestApp.RedeemAsync(app, afterRecovery.Ticket!)).Status);
    }

    [PostgresFact]
    [Trait("Matrix", "P3")]
    public async Task BrokenPooledConnections_AfterAServerSideDisconnect_Recover_AndIssuedTicketsSurvive()
    {
        // What a restart does to the app: every pooled connection is terminated by the server (57P01).
        var table = NewTableName();
        var applicationName = "wsauth-" + table;
        var connectionString = new NpgsqlConnectionStringBuilder(PostgresTestDatabase.ConnectionString) { ApplicationName = applicationName }.ConnectionString;
        await using var app = await PostgresTicketApp.StartAsync(table, connectionString);
        var ticket = await TicketTestApp.IssueAsync(app);

        await PostgresTestDatabase.ExecuteAsync("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1", applicationName);
        var responses = await RedeemUntilNot503Async(app, ticket);

        Assert.Equal(HttpStatusCode.SwitchingProtocols, responses[^1].Status);
        Assert.All(responses[..^1], r => Assert.Equal(WebSocketAuthFailureReasons.StoreUnavailable, r.Body));
    }

    [PostgresFact]
    [Trait("Matrix", "P3")]
    public async Task BackgroundCleanup_WhileTheDatabaseIsDown_NeverStopsTheHost_AndResumesAfterwards()
    {
        // Arrange: cleanup every minute on a clock the test moves; one long-expired row to clean.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var table = NewTableName();
        var (host, port) = PostgresTestDatabase.Server;
        await using var proxy = new LoopbackTcpProxy(host, port);
        await using var app = await PostgresTicketApp.StartAsync(table, PostgresTestDatabase.Through("127.0.0.1", proxy.Port), clock: clock);
        await PostgresTestDatabase.ExecuteAsync($"INSERT INTO \"{table}\" (id, data, expires_at) VALUES ('old', '\\x00', now() - interval '1 hour')");
        var lifetime = app.App.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>();

        // Act: two rounds fail (database down), then one succeeds.
        proxy.Cut();
        await AdvanceUntilAsync(clock, () => Task.FromResult(app.Logs.GetSnapshot().Any(e => e.Id.Name == "TicketCleanupFailed")));
        await AdvanceUntilAsync(clock, () => Task.FromResult(app.Logs.GetSnapshot().Count(e => e.Id.Name == "TicketCleanupFailed") >= 2));
        proxy.Restore();
        await AdvanceUntilAsync(clock, async () => await PostgresTestDatabase.ScalarAsync<long>($"SELECT count(*) FROM \"{table}\"") == 0);

        // Assert
        Assert.False(lifetime.ApplicationStopping.IsCancellationRequested);
        Assert.Equal(0, await PostgresTestDatabase.ScalarAsync<long>($"SELECT count(*) FROM \"{table}\""));
    }

    [PostgresFact]
    public async Task AppOwnedDataSource_IsUsed_AndNotDisposedWithTheApp()
    {
        var table = NewTableName();
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(PostgresTestDatabase.ConnectionString);
        await using (var app = await TicketTestApp.StartAsync(builder: ws => ws.AddPostgresTicketStore(dataSource, o =>
        {
            o.TableName = table;
            o.CreateTableIfMissing = true;
            o.OperationTimeout = PostgresTicketApp.GenerousTimeout;
        })))
        {
            Assert.Equal(HttpStatusCode.SwitchingProtocols, (await TicketTestApp.RedeemAsync(app, await TicketTestApp.IssueAsync(app))).Status);
        }

        await using var command = dataSource.CreateCommand("SELECT 1");
        Assert.Equal(1, await command.ExecuteScalarAsync());
    }

    /// <summary>Waits for a background effect, at most 10 seconds (a bound, not a timing assertion).</summary>
    /// <summary>
    /// Moves the test clock a minute at a time until the background effect shows. One tick is not enough: the cleanup
    /// loop re-arms its timer only after a round ends, and a tick that arrives before that is lost under load.
    /// </summary>
    private static Task AdvanceUntilAsync(FakeTimeProvider clock, Func<Task<bool>> condition)
    {
        var polls = 0;
        return WaitForAsync(() =>
        {
            if (polls++ % 10 == 0)
            {
                clock.Advance(TimeSpan.FromMinutes(1));
            }

            return condition();
        });
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        for (var attempt = 0; attempt < 400; attempt++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(25);
        }

        Assert.Fail("The background effect did not happen within 10 seconds.");
    }

    /// <summary>
    /// Redeems until the answer is not 503: the first attempt after a restart may meet a pooled connection the server
    /// closed (no retry inside the store, so a lost reply can never become a second use); the ticket itself must survive.
    /// </summary>
    internal static async Task<List<RawResponse>> RedeemUntilNot503Async(KestrelTestApp app, string ticket)
    {
        var responses = new List<RawResponse>();
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var response = await TicketTestApp.RedeemAsync(app, ticket);
            responses.Add(response);
            if (response.Status != HttpStatusCode.ServiceUnavailable)
            {
                break;
            }

            await Task.Delay(100);
        }

        return responses;
    }
}

/// <summary>A real server restart. It runs alone, after every other PostgreSQL test, so it disturbs none of them.</summary>
[CollectionDefinition(nameof(ServerRestartCollection), DisableParallelization = true)]
public sealed class ServerRestartCollection;

[Collection(nameof(ServerRestartCollection))]
public class PostgresRestartTests(Xunit.Abstractions.ITestOutputHelper output) : PostgresTest
{
    [PostgresFact]
    [Trait("Matrix", "P3")]
    public async Task IssuedTickets_SurviveAServerRestart_AndTheAppRecoversByItself()
    {
        // Arrange
        var table = NewTableName();
        var applicationName = "wsauth-" + table;
        var connectionString = new NpgsqlConnectionStringBuilder(PostgresTestDatabase.ConnectionString) { ApplicationName = applicationName }.ConnectionString;
        await using var app = await PostgresTicketApp.StartAsync(table, connectionString);
        var realRestart = PostgresTestDatabase.CanRestartCluster && await PostgresTestDatabase.WaitUntilAloneAsync(applicationName);
        var ticket = await TicketTestApp.IssueAsync(app);
        var warm = await TicketTestApp.IssueAsync(app);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, (await TicketTestApp.RedeemAsync(app, warm)).Status);

        // Act: restart the cluster test.sh started (a clean restart keeps an unlogged table's rows). On someone else's
        // server, or one that other tests still use, terminate this app's connections instead: that is what a restart
        // does to the app.
        output.WriteLine(realRestart ? "Restarting the PostgreSQL cluster." : "Terminating the app's connections (the server is not test.sh's, or is busy).");
        if (realRestart)
        {
            await PostgresTestDatabase.RestartClusterAsync();
        }
        else
        {
            await PostgresTestDatabase.ExecuteAsync("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1", applicationName);
        }

        var responses = await PostgresFailureTests.RedeemUntilNot503Async(app, ticket);

        // Assert
        Assert.Equal(HttpStatusCode.SwitchingProtocols, responses[^1].Status);
        Assert.Equal(HttpStatusCode.OK, (await TicketTestApp.RequestAsync(app, await TicketTestApp.LoginAsync(app))).Status);
    }
}
