using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using WsAuth.Testing;

namespace WsAuth.Redis.Tests;

/// <summary><c>AddHealthChecks().AddWebSocketTicketStore()</c> on the Redis store.</summary>
public class RedisHealthCheckTests
{
    [RedisFact]
    [Trait("Matrix", "RV1")]
    public async Task HealthCheck_IsHealthy_ThenUnhealthyWhenRedisIsDownOrFull_ThenHealthyAgain()
    {
        // Arrange
        await using var redis = await RedisTestServer.StartOwnAsync();
        await using var app = await RedisTicketApp.StartAsync(
            RedisTestServer.NewKeyPrefix(),
            redis.Address,
            store: o => o.OperationTimeout = TimeSpan.FromSeconds(2),
            services: s => s.AddHealthChecks().AddWebSocketTicketStore(),
            map: (a, _) => a.MapHealthChecks("/healthz"));
        using var http = new HttpClient { BaseAddress = app.HttpUri };

        // Act
        var healthy = await UntilAsync(http, HttpStatusCode.OK);
        await redis.CommandAsync("CONFIG", "SET", "maxmemory-policy", "noeviction");
        await redis.CommandAsync("CONFIG", "SET", "maxmemory", "1");
        var full = await http.GetAsync("/healthz");
        await redis.CommandAsync("CONFIG", "SET", "maxmemory", "0");
        await redis.StopAsync();
        var down = await http.GetAsync("/healthz");
        await redis.StartAsync();
        var back = await UntilAsync(http, HttpStatusCode.OK);

        // Assert
        Assert.Equal(HttpStatusCode.OK, healthy);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, full.StatusCode);
        Assert.Equal("Unhealthy", await full.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Equal(HttpStatusCode.OK, back);
    }

    [RedisFact]
    public async Task HealthCheck_ReportsTheStoreAndHowItRedeems_NeverAKey()
    {
        var prefix = RedisTestServer.NewKeyPrefix();
        await using var app = await RedisTicketApp.StartAsync(prefix, services: s => s.AddHealthChecks().AddWebSocketTicketStore());
        var service = app.App.Services.GetRequiredService<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckService>();

        var report = await service.CheckHealthAsync();

        var entry = Assert.Single(report.Entries);
        Assert.Equal("wsauth-ticket-store", entry.Key);
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, entry.Value.Status);
        Assert.Equal("redis", entry.Value.Data["store"]);
        Assert.Equal("GETDEL", entry.Value.Data["redeem"]);
        Assert.Equal([prefix + "health"], await RedisTicketApp.KeysAsync(prefix));
    }

    private static async Task<HttpStatusCode> UntilAsync(HttpClient http, HttpStatusCode expected)
    {
        var status = HttpStatusCode.InternalServerError;
        for (var attempt = 0; attempt < 150 && status != expected; attempt++)
        {
            if (attempt > 0)
            {
                await Task.Delay(200);
            }

            status = (await http.GetAsync("/healthz")).StatusCode;
        }

        return status;
    }
}
