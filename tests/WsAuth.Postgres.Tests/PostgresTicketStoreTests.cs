using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using WsAuth.Testing;
using WsAuth.Internal;

namespace WsAuth.Postgres.Tests;

/// <summary>The store itself against a real server: the table it creates, single use, cleanup and forged tickets.</summary>
public class PostgresTicketStoreTests : PostgresTest
{
    [PostgresFact]
    public async Task Table_IsCreatedUnlogged_InTheConfiguredSchema()
    {
        var schema = "s_" + NewTableName();
        var table = NewTableName();
        await using var harness = await StoreHarness.StartAsync(table, o => o.Schema = schema);

        var persistence = await PostgresTestDatabase.ScalarAsync<char>(
            "SELECT c.relpersistence FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2", schema, table);

        Assert.Equal('u', persistence);
        Assert.True(harness.Maintenance.TableReady);
    }

    [PostgresFact]
    public async Task Table_IsLogged_WhenAsked()
    {
        var table = NewTableName();
        await using var harness = await StoreHarness.StartAsync(table, o => o.UnloggedTable = false);
        var persistence = await PostgresTestDatabase.ScalarAsync<char>("SELECT relpersistence FROM pg_class WHERE relname = $1", table);
        Assert.Equal('p', persistence);
    }

    [PostgresFact]
    public async Task Consume_ReturnsTheDataOnce()
    {
        await using var harness = await StoreHarness.StartAsync(NewTableName());
        var store = harness.Store;
        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(30);

        Assert.True(await store.TryStoreAsync("id-1", [1, 2, 3], expiresAt, default));

        Assert.Equal([1, 2, 3], await store.ConsumeAsync("id-1", default));
        Assert.Null(await store.ConsumeAsync("id-1", default));
        Assert.Null(await store.ConsumeAsync("never-issued", default));
    }

    [PostgresFact]
    [Trait("Matrix", "T2")]
    public async Task FiftyConcurrentConsumes_ReturnTheDataExactlyOnce()
    {
        await using var harness = await StoreHarness.StartAsync(NewTableName());
        for (var round = 0; round < 5; round++)
        {
            var id = "id-" + round;
            await harness.Store.TryStoreAsync(id, [7], DateTimeOffset.UtcNow.AddSeconds(30), default);
            using var start = new ManualResetEventSlim();
            var attempts = Enumerable.Range(0, 50).Select(_ => Task.Run(async () =>
            {
                start.Wait();
                return await harness.Store.ConsumeAsync(id, default);
            })).ToArray();
            start.Set();

            var results = await Task.WhenAll(attempts);

            Assert.Single(results, r => r is not null);
        }
    }

    [PostgresFact]
    [Trait("Matrix", "T5")]
    public async Task StoredRows_HoldTheHashNeverTheTicket()
    {
        // Matrix T5 and "a leaked store reveals no usable ticket".
        var table = NewTableName();
        await using var app = await PostgresTicketApp.StartAsync(table);
        var ticket = await TicketTestApp.IssueAsync(app);

        var id = await PostgresTestDatabase.ScalarAsync<string>($"SELECT id FROM \"{table}\"");
        var data = await PostgresTestDatabase.ScalarAsync<byte[]>($"SELECT data FROM \"{table}\"");

        Assert.True(TicketCodec.TryGetId(ticket, out var expectedId));
        Assert.Equal(expectedId, id);
        Assert.NotEqual(ticket, id);
        Assert.DoesNotContain(ticket, System.Text.Encoding.Latin1.GetString(data!), StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task Cleanup_DeletesRowsExpiredLongerThanTheGrace_AndKeepsTheRest()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var harness = await StoreHarness.StartAsync(NewTableName(), clock: clock);
        var now = clock.GetUtcNow();
        await harness.Store.TryStoreAsync("long-expired", [1], now - PostgresTicketStoreMaintenance.ExpiredRowGrace - TimeSpan.FromSeconds(1), default);
        await harness.Store.TryStoreAsync("just-expired", [2], now - TimeSpan.FromSeconds(1), default);
        await harness.Store.TryStoreAsync("live", [3], now + TimeSpan.FromSeconds(30), default);

        await harness.Maintenance.RunOnceAsync(default);

        Assert.Null(await harness.Store.ConsumeAsync("long-expired", default));
        Assert.Equal([2], await harness.Store.ConsumeAsync("just-expired", default)); // still reported as expired
        Assert.Equal([3], await harness.Store.ConsumeAsync("live", default));
    }

    [PostgresFact]
    public async Task Cleanup_RunsInTheBackgroundOnTheInterval()
    {
        // Arrange: one expired row, a cleanup every minute on a clock the test moves.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var table = NewTableName();
        await using var harness = await StoreHarness.StartAsync(table, clock: clock, runBackground: true);
        await harness.Store.TryStoreAsync("expired", [1], clock.GetUtcNow() - TimeSpan.FromMinutes(5), default);

        // Act
        clock.Advance(TimeSpan.FromMinutes(1));

        // Assert: the background round deletes it (polled: the round runs on its own thread).
        var remaining = -1L;
        for (var attempt = 0; attempt < 200 && remaining != 0; attempt++)
        {
            remaining = await PostgresTestDatabase.ScalarAsync<long>($"SELECT count(*) FROM \"{table}\"");
            if (remaining != 0)
            {
                await Task.Delay(25);
            }
        }

        Assert.Equal(0, remaining);
    }

    [PostgresFact]
    [Trait("Matrix", "T4")]
    public async Task TenThousandForgedTickets_AreAllRejected()
    {
        // Matrix T4 against the real store: every forged, well-formed ticket is one indexed DELETE that finds nothing.
        var table = NewTableName();
        await using var app = await PostgresTicketApp.StartAsync(table);
        var real = await TicketTestApp.IssueAsync(app);
        var authenticator = app.App.Services.GetRequiredService<TicketWebSocketAuthenticator>();

        var outcomes = new System.Collections.Concurrent.ConcurrentBag<string?>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 10_000), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, token) =>
        {
            var http = new DefaultHttpContext();
            http.Request.QueryString = new QueryString("?ticket=" + TicketCodec.NewTicket(out var _));
            var context = new WebSocketAuthenticateContext(http, WebSocketOriginStatus.Allowed, TicketTestApp.AllowedOrigin);
            var result = await authenticator.AuthenticateAsync(context, token);
            outcomes.Add(result.StatusCode == StatusCodes.Status401Unauthorized ? result.FailureReason : "status " + result.StatusCode);
        });

        Assert.Equal(10_000, outcomes.Count);
        Assert.All(outcomes, o => Assert.Equal(WebSocketAuthFailureReasons.TicketInvalid, o));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, (await TicketTestApp.RedeemAsync(app, real)).Status);
    }

    /// <summary>The store's services without a web server: the store and its maintenance, started like the host would.</summary>
    internal sealed class StoreHarness : IAsyncDisposable
    {
        private readonly ServiceProvider _provider;
        private readonly bool _background;

        private StoreHarness(ServiceProvider provider, bool background)
        {
            _provider = provider;
            _background = background;
            Store = provider.GetRequiredService<PostgresTicketStore>();
            Maintenance = provider.GetServices<IHostedService>().OfType<PostgresTicketStoreMaintenance>().Single();
        }

        public PostgresTicketStore Store { get; }

        public PostgresTicketStoreMaintenance Maintenance { get; }

        public static async Task<StoreHarness> StartAsync(string table, Action<PostgresTicketStoreOptions>? configure = null, TimeProvider? clock = null, bool runBackground = false, string? connectionString = null)
        {
            var services = new ServiceCollection();
            services.AddLogging(l => l.SetMinimumLevel(LogLevel.Trace));
            if (clock is not null)
            {
                services.AddSingleton(clock);
            }

            services.AddWebSocketAuth(o => o.AllowedOrigins.Add(TicketTestApp.AllowedOrigin))
                .AddTickets()
                .AddPostgresTicketStore(connectionString ?? PostgresTestDatabase.ConnectionString, o =>
                {
                    o.TableName = table;
                    o.CreateTableIfMissing = true;
                    o.OperationTimeout = PostgresTicketApp.GenerousTimeout;
                    configure?.Invoke(o);
                });
            var harness = new StoreHarness(services.BuildServiceProvider(), runBackground);
            if (runBackground)
            {
                await harness.Maintenance.StartAsync(default);
            }
            else
            {
                // Only the startup part (the table), not the background loop.
                await harness.Maintenance.RunOnceAsync(default);
            }

            return harness;
        }

        public async ValueTask DisposeAsync()
        {
            if (_background)
            {
                await Maintenance.StopAsync(default);
            }

            await _provider.DisposeAsync();
        }
    }
}
