using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using WsAuth.Testing;

namespace WsAuth.Redis.Tests;

/// <summary>
/// The store on Redis Cluster: a one-node cluster owning every slot. Redis refuses a command whose keys fall in
/// different slots (CROSSSLOT) even on one node, and StackExchange.Redis runs in cluster mode, so every command the
/// store sends is checked to be single-slot.
/// </summary>
public class RedisClusterTests
{
    [RedisFact]
    [Trait("Matrix", "RV2")]
    public async Task OnRedisCluster_TicketsWorkOnce_AcrossTwoInstances_AndTheHealthCheckPasses()
    {
        // Arrange
        var folder = Directory.CreateTempSubdirectory("wsauth-redis-cluster-");
        try
        {
            await using var redis = await RedisTestServer.StartOwnAsync(null, "--cluster-enabled", "yes", "--cluster-config-file", Path.Combine(folder.FullName, "nodes.conf"), "--dir", folder.FullName);
            await redis.CommandAsync("CLUSTER", "ADDSLOTSRANGE", "0", "16383");
            for (var attempt = 0; attempt < 200 && !((string)(await redis.CommandAsync("CLUSTER", "INFO"))!).Contains("cluster_state:ok", StringComparison.Ordinal); attempt++)
            {
                await Task.Delay(25);
            }

            var prefix = RedisTestServer.NewKeyPrefix();
            await using var a = await RedisTicketApp.StartAsync(prefix, redis.Address, services: s => s.AddHealthChecks().AddWebSocketTicketStore());
            await using var b = await RedisTicketApp.StartAsync(prefix, redis.Address);
            var cluster = (string)(await redis.CommandAsync("INFO", "cluster"))!;

            // Act
            var ticket = await RedisTicketApp.IssueWarmAsync(a);
            var responses = await TicketTestApp.RedeemConcurrentlyAsync(Enumerable.Range(0, 50).Select(i => i % 2 == 0 ? a : b), ticket);
            var health = await a.App.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

            // Assert
            Assert.Contains("cluster_enabled:1", cluster, StringComparison.Ordinal);
            Assert.Single(responses, r => r.Status == HttpStatusCode.SwitchingProtocols);
            Assert.Equal(49, responses.Count(r => r.Body == WebSocketAuthFailureReasons.TicketInvalid));
            Assert.Equal(HealthStatus.Healthy, health.Status);
            Assert.DoesNotContain(a.Logs.Entries.Concat(b.Logs.Entries), e => e.EventId.Name == "TicketStoreUnavailable");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
