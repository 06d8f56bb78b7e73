using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using WsAuth.Testing;
using WsAuth.Internal;

namespace WsAuth.Redis.Tests;

/// <summary>The store itself against a real redis-server: single use (GETDEL and the Lua fallback), keys, TTL and forged tickets.</summary>
public class RedisTicketStoreTests
{
    [RedisTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Consume_ReturnsTheDataOnce(bool script)
    {
        await using var harness = await StoreHarness.StartAsync(script: script);
        var store = harness.Store;

        Assert.True(await store.TryStoreAsync("id-1", [1, 2, 3], DateTimeOffset.UtcNow.AddSeconds(30), default));

        Assert.Equal([1, 2, 3], await store.ConsumeAsync("id-1", default));
        Assert.Null(await store.ConsumeAsync("id-1", default));
        Assert.Null(await store.ConsumeAsync("never-issued", default));
    }

    [RedisTheory]
    [InlineData(false)]
    [InlineData(true)]
    [Trait("Matrix", "T2")]
    [Trait("Matrix", "RV2")]
    public async Task FiftyConcurrentConsumes_ReturnTheDataExactlyOnce(bool script)
    {
        // Both ways of redeeming: GETDEL (Redis 6.2+) and the one-script fallback for older servers.
        await using var harness = await StoreHarness.StartAsync(script: script);
        for (var round = 0; round < 5; round++)
        {
            var id = "id-" + round.ToString(CultureInfo.InvariantCulture);
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

    [RedisFact]
    public async Task RedeemCommand_IsGetDel_OnRedis7_AndIsLogged()
    {
        await using var harness = await StoreHarness.StartAsync();
        await harness.Store.TryStoreAsync("id", [1], DateTimeOffset.UtcNow.AddSeconds(30), default);
        Assert.Equal([1], await harness.Store.ConsumeAsync("id", default));

        Assert.True(harness.Connection.UseGetDelete);
        Assert.Contains(harness.Logs.GetSnapshot(), e => e.Id.Name == "TicketStoreRedeemCommand" && e.Message.Contains("GETDEL", StringComparison.Ordinal));
    }

    [RedisFact]
    public async Task Key_IsThePrefixAndTheId_WithTheTicketExpiryAsItsTtl()
    {
        await using var harness = await StoreHarness.StartAsync();
        await harness.Store.TryStoreAsync("some-id", [1], DateTimeOffset.UtcNow.AddSeconds(30), default);

        var keys = await RedisTicketApp.KeysAsync(harness.Prefix);
        var ttl = (long)(await RedisTestServer.CommandAsync(RedisTestServer.Configuration, "PTTL", harness.Prefix + "some-id"))!;

        Assert.Equal([harness.Prefix + "some-id"], keys);
        Assert.InRange(ttl, 1, 30_000);
        Assert.True(ttl > 20_000, $"TTL {ttl} ms: the key must live until the ticket expires");
    }

    [RedisFact]
    public async Task AlreadyExpiredTicket_IsNotKept()
    {
        await using var harness = await StoreHarness.StartAsync();
        await harness.Store.TryStoreAsync("expired", [1], DateTimeOffset.UtcNow.AddSeconds(-5), default);
        await Task.Delay(20);
        Assert.Null(await harness.Store.ConsumeAsync("expired", default));
    }

    [RedisFact]
    [Trait("Matrix", "T5")]
    public async Task StoredKeys_HoldTheHashNeverTheTicket()
    {
        var prefix = RedisTestServer.NewKeyPrefix();
        await using var app = await RedisTicketApp.StartAsync(prefix);
        var ticket = await TicketTestApp.IssueAsync(app);

        var keys = await RedisTicketApp.KeysAsync(prefix);
        var value = (string)(await RedisTestServer.CommandAsync(RedisTestServer.Configuration, "GET", keys.Single()))!;

        Assert.True(TicketCodec.TryGetId(ticket, out var expectedId));
        Assert.Equal(prefix + expectedId, keys.Single());
        Assert.DoesNotContain(ticket, keys.Single(), StringComparison.Ordinal);
        Assert.DoesNotContain(ticket, value, StringComparison.Ordinal);
    }

    [RedisFact]
    [Trait("Matrix", "T4")]
    public async Task TenThousandForgedTickets_AreAllRejected()
    {
        var prefix = RedisTestServer.NewKeyPrefix();
        await using var app = await RedisTicketApp.StartAsync(prefix);
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

    /// <summary>The store's services without a web server, started like the host would.</summary>
    internal sealed class StoreHarness : IAsyncDisposable
    {
        private readonly ServiceProvider _provider;

        private StoreHarness(ServiceProvider provider, string prefix, FakeLogCollector logs)
        {
            _provider = provider;
            Prefix = prefix;
            Logs = logs;
            Store = provider.GetRequiredService<RedisTicketStore>();
            Connection = provider.GetRequiredService<RedisTicketConnection>();
        }

        public RedisTicketStore Store { get; }

        public RedisTicketConnection Connection { get; }

        public string Prefix { get; }

        public FakeLogCollector Logs { get; }

        public static async Task<StoreHarness> StartAsync(string? configuration = null, Action<RedisTicketStoreOptions>? configure = null, bool script = false)
        {
            var prefix = RedisTestServer.NewKeyPrefix();
            var logs = new FakeLogCollector();
            var services = new ServiceCollection();
            services.AddLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(logs)));
            services.AddWebSocketAuth(o => o.AllowedOrigins.Add(TicketTestApp.AllowedOrigin))
                .AddTickets()
                .AddRedisTicketStore(configuration ?? RedisTestServer.Configuration, o =>
                {
                    o.KeyPrefix = prefix;
                    o.OperationTimeout = RedisTicketApp.GenerousTimeout;
                    configure?.Invoke(o);
                });
            var harness = new StoreHarness(services.BuildServiceProvider(), prefix, logs);
            harness.Connection.ForceScript = script;
            foreach (var hosted in harness._provider.GetServices<IHostedService>())
            {
                await hosted.StartAsync(default);
            }

            return harness;
        }

        public ValueTask DisposeAsync() => _provider.DisposeAsync();
    }
}
