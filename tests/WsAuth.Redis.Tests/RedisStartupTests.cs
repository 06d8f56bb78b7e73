using System.Net;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using WsAuth.Testing;

namespace WsAuth.Redis.Tests;

/// <summary>Where the store's Redis comes from, and the startup errors that name the fix.</summary>
public class RedisStartupTests
{
    [Fact]
    public async Task NoRedisAnywhere_TheAppDoesNotStart_AndTheErrorNamesEveryFix()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TicketTestApp.StartAsync(builder: ws => ws.AddRedisTicketStore()));

        Assert.Contains("WsAuth:Redis:Configuration", error.Message, StringComparison.Ordinal);
        Assert.Contains("AddStackExchangeRedisCache", error.Message, StringComparison.Ordinal);
        Assert.Contains("IConnectionMultiplexer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidOptions_AreAllReported_WithoutQuotingThePassword()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TicketTestApp.StartAsync(builder: ws => ws.AddRedisTicketStore(
            "127.0.0.1:1,password=hunter2-secret,nosuchoption=1",
            o =>
            {
                o.KeyPrefix = "bad prefix*";
                o.OperationTimeout = TimeSpan.FromMinutes(5);
            })));

        Assert.Equal(3, error.Failures.Count());
        Assert.Contains(error.Failures, f => f.Contains("not a valid StackExchange.Redis configuration string", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("WsAuth:Redis:KeyPrefix", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("WsAuth:Redis:OperationTimeout", StringComparison.Ordinal));
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigurationWithNoServer_IsAStartupError()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TicketTestApp.StartAsync(builder: ws => ws.AddRedisTicketStore("password=x")));
        Assert.Contains("names no server", error.Message, StringComparison.Ordinal);
    }

    [RedisFact]
    public async Task Options_AreBoundFromTheWsAuthRedisSection()
    {
        var prefix = RedisTestServer.NewKeyPrefix();
        await using var app = await TicketTestApp.StartAsync(
            builder: ws => ws.AddRedisTicketStore(),
            services: s => s.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["WsAuth:Redis:Configuration"] = RedisTestServer.Configuration,
                ["WsAuth:Redis:KeyPrefix"] = prefix,
                ["WsAuth:Redis:OperationTimeout"] = "00:00:07",
            }).Build()));

        var options = app.App.Services.GetRequiredService<IOptions<RedisTicketStoreOptions>>().Value;
        var ticket = await TicketTestApp.IssueAsync(app);

        Assert.Equal(TimeSpan.FromSeconds(7), options.OperationTimeout);
        Assert.Single(await RedisTicketApp.KeysAsync(prefix));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, (await TicketTestApp.RedeemAsync(app, ticket)).Status);
    }

    [RedisTheory]
    [InlineData("Configuration")]
    [InlineData("ConfigurationOptions")]
    [InlineData("ConnectionMultiplexerFactory")]
    public async Task NoArguments_ReusesTheAppsAddStackExchangeRedisCacheSetUp(string setting)
    {
        // Arrange: the app configures Redis once, for its distributed cache.
        var prefix = RedisTestServer.NewKeyPrefix();
        await using var appOwned = setting == "ConnectionMultiplexerFactory" ? await ConnectionMultiplexer.ConnectAsync(RedisTestServer.Configuration) : null;
        await using (var app = await TicketTestApp.StartAsync(
            builder: ws => ws.AddRedisTicketStore(o => o.KeyPrefix = prefix),
            services: s => s.AddStackExchangeRedisCache(o =>
            {
                switch (setting)
                {
                    case "Configuration":
                        o.Configuration = RedisTestServer.Configuration;
                        break;
                    case "ConfigurationOptions":
                        o.ConfigurationOptions = ConfigurationOptions.Parse(RedisTestServer.Configuration);
                        break;
                    default:
                        o.ConnectionMultiplexerFactory = () => Task.FromResult<IConnectionMultiplexer>(appOwned!);
                        break;
                }
            })))
        {
            // Act
            var ticket = await TicketTestApp.IssueAsync(app);
            var keys = await RedisTicketApp.KeysAsync(prefix);
            var redeemed = await TicketTestApp.RedeemAsync(app, ticket);

            // Assert
            Assert.Single(keys);
            Assert.Equal(HttpStatusCode.SwitchingProtocols, redeemed.Status);
            Assert.Contains(app.Logs.Entries, e => e.EventId.Name == "TicketStoreConnecting" && e.Message.Contains("RedisCacheOptions." + setting, StringComparison.Ordinal));
        }

        // The app's own connection outlives the app's WsAuth services: the store never disposes what it did not open.
        Assert.True(appOwned is null || appOwned.IsConnected);
    }

    [RedisTheory]
    [InlineData("Configuration")]
    [InlineData("ConnectionMultiplexerFactory")]
    public async Task TheAppsDistributedCache_AndTheTicketStore_WorkSideBySide_OnOneSetUp(string setting)
    {
        // The distributed cache (RedisCache) and the store on one AddStackExchangeRedisCache set-up, with the
        // StackExchange.Redis version named in Directory.Packages.props.
        var prefix = RedisTestServer.NewKeyPrefix();
        await using var appOwned = await ConnectionMultiplexer.ConnectAsync(RedisTestServer.Configuration);
        await using var app = await TicketTestApp.StartAsync(
            builder: ws => ws.AddRedisTicketStore(o => o.KeyPrefix = prefix),
            services: s => s.AddStackExchangeRedisCache(o =>
            {
                if (setting == "Configuration")
                {
                    o.Configuration = RedisTestServer.Configuration;
                }
                else
                {
                    o.ConnectionMultiplexerFactory = () => Task.FromResult<IConnectionMultiplexer>(appOwned);
                }
            }));
        var cache = app.App.Services.GetRequiredService<IDistributedCache>();

        await cache.SetStringAsync(prefix + "cache-entry", "cached", new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(30) });
        var ticket = await TicketTestApp.IssueAsync(app);

        Assert.Equal("cached", await cache.GetStringAsync(prefix + "cache-entry"));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, (await TicketTestApp.RedeemAsync(app, ticket)).Status);
        cache.SetString(prefix + "sliding", "kept", new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromSeconds(30) });
        await cache.RefreshAsync(prefix + "sliding");
        Assert.Equal("kept", cache.GetString(prefix + "sliding"));
        await cache.RemoveAsync(prefix + "cache-entry");
        cache.Remove(prefix + "sliding");
        Assert.Null(await cache.GetStringAsync(prefix + "cache-entry"));
        Assert.Null(cache.GetString(prefix + "sliding"));
    }

    [RedisFact]
    public async Task WsAuthRedisConfiguration_WinsOverTheCacheSetUp()
    {
        var prefix = RedisTestServer.NewKeyPrefix();
        await using var app = await TicketTestApp.StartAsync(
            builder: ws => ws.AddRedisTicketStore(RedisTestServer.Configuration, o => o.KeyPrefix = prefix),
            services: s => s.AddStackExchangeRedisCache(o => o.Configuration = "127.0.0.1:1"));

        Assert.Equal(HttpStatusCode.SwitchingProtocols, (await TicketTestApp.RedeemAsync(app, await TicketTestApp.IssueAsync(app))).Status);
        Assert.Contains(app.Logs.Entries, e => e.EventId.Name == "TicketStoreConnecting" && e.Message.Contains("WsAuth:Redis:Configuration", StringComparison.Ordinal));
    }

    [RedisTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AppOwnedConnection_FromTheServicesOrGiven_IsUsed_AndNotDisposedWithTheApp(bool fromServices)
    {
        var prefix = RedisTestServer.NewKeyPrefix();
        await using var connection = await ConnectionMultiplexer.ConnectAsync(RedisTestServer.Configuration);
        await using (var app = await TicketTestApp.StartAsync(
            builder: ws =>
            {
                if (fromServices)
                {
                    ws.AddRedisTicketStore(o => o.KeyPrefix = prefix);
                }
                else
                {
                    ws.AddRedisTicketStore(connection, o => o.KeyPrefix = prefix);
                }
            },
            services: s =>
            {
                if (fromServices)
                {
                    s.AddSingleton<IConnectionMultiplexer>(connection);
                }
            }))
        {
            Assert.Equal(HttpStatusCode.SwitchingProtocols, (await TicketTestApp.RedeemAsync(app, await TicketTestApp.IssueAsync(app))).Status);
        }

        Assert.True(connection.IsConnected);
        Assert.Equal("PONG", (await connection.GetDatabase().ExecuteAsync("PING")).ToString());
    }
}
