using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using WsAuth.Testing;

namespace WsAuth.Postgres.Tests;

/// <summary><c>AddHealthChecks().AddWebSocketTicketStore()</c> on the PostgreSQL store.</summary>
public class PostgresHealthCheckTests : PostgresTest
{
    [PostgresFact]
    [Trait("Matrix", "P1")]
    public async Task HealthCheck_IsHealthy_UnhealthyWhileTheDatabaseIsDown_ThenHealthyAgain()
    {
        // Arrange
        var table = NewTableName();
        var (host, port) = PostgresTestDatabase.Server;
        await using var proxy = new LoopbackTcpProxy(host, port);
        await using var app = await TicketTestApp.StartAsync(
            builder: ws => ws.AddPostgresTicketStore(PostgresTestDatabase.Through("127.0.0.1", proxy.Port), o =>
            {
                o.TableName = table;
                o.CreateTableIfMissing = true;
                o.OperationTimeout = TimeSpan.FromSeconds(2);
            }),
            services: s => s.AddHealthChecks().AddWebSocketTicketStore(),
            map: (a, _) => a.MapHealthChecks("/healthz"));
        using var http = new HttpClient { BaseAddress = app.HttpUri };
        var service = app.App.Services.GetRequiredService<HealthCheckService>();

        // Act
        var healthy = await service.CheckHealthAsync();
        proxy.Cut();
        var down = await http.GetAsync("/healthz");
        proxy.Restore();
        var back = HttpStatusCode.InternalServerError;
        for (var attempt = 0; attempt < 100 && back != HttpStatusCode.OK; attempt++)
        {
            back = (await http.GetAsync("/healthz")).StatusCode;
        }

        // Assert
        var entry = Assert.Single(healthy.Entries).Value;
        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Equal("postgresql", entry.Data["store"]);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Equal("Unhealthy", await down.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, back);
    }

    [PostgresFact]
    public async Task HealthCheck_IsUnhealthy_WhenTheTableIsMissing()
    {
        var table = NewTableName();
        await using var app = await PostgresTicketApp.StartAsync(table, services: s => s.AddHealthChecks().AddWebSocketTicketStore());
        await PostgresTestDatabase.ExecuteAsync($"DROP TABLE \"{table}\"");

        var report = await app.App.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        var entry = Assert.Single(report.Entries).Value;
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("does not exist", entry.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("Host=", entry.Description, StringComparison.Ordinal);
    }
}
