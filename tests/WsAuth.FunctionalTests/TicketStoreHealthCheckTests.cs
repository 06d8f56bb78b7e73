using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using WsAuth.Testing;

namespace WsAuth.FunctionalTests;

/// <summary><c>AddHealthChecks().AddWebSocketTicketStore()</c> without a shared store.</summary>
public class TicketStoreHealthCheckTests
{
    [Fact]
    public async Task InMemoryStore_IsHealthy()
    {
        await using var app = await TicketTestApp.StartAsync(services: s => s.AddHealthChecks().AddWebSocketTicketStore(tags: ["ready"]));

        var report = await app.App.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        var entry = Assert.Single(report.Entries);
        Assert.Equal("wsauth-ticket-store", entry.Key);
        Assert.Equal(HealthStatus.Healthy, entry.Value.Status);
        Assert.Equal("memory", entry.Value.Data["store"]);
        Assert.Contains("ready", entry.Value.Tags);
    }

    [Fact]
    public async Task NoTickets_IsReportedWithTheFailureStatus_AndTheFix()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddHealthChecks().AddWebSocketTicketStore(failureStatus: HealthStatus.Degraded);
        await using var provider = services.BuildServiceProvider();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        var entry = Assert.Single(report.Entries).Value;
        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Contains("AddTickets()", entry.Description, StringComparison.Ordinal);
    }
}
