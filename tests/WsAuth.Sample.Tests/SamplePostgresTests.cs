using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using WsAuth.Testing;

namespace WsAuth.Sample.Tests;

/// <summary>The sample runs on PostgreSQL when given <c>WsAuth:Postgres:ConnectionString</c>.</summary>
public class SamplePostgresTests : PostgresTest
{
    [PostgresFact]
    public async Task Sample_WithAConnectionString_KeepsTicketsInPostgres()
    {
        // Arrange
        var table = NewTableName();
        await using var sample = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Development");
            b.UseSetting("WsAuth:AllowedOrigins:0", SampleClient.Origin);
            b.UseSetting("WsAuth:Postgres:ConnectionString", PostgresTestDatabase.ConnectionString);
            b.UseSetting("WsAuth:Postgres:TableName", table);
            b.UseSetting("WsAuth:Postgres:OperationTimeout", "00:00:10"); // a busy test machine is no outage
        });
        using var http = sample.CreateClient();

        // Act
        var (ticket, _) = await SampleClient.LoginAndGetTicketAsync(http, "bob");
        var rowsAfterIssue = await PostgresTestDatabase.ScalarAsync<long>($"SELECT count(*) FROM \"{table}\"");
        var welcome = await SampleClient.ConnectAsync(sample.Server, ticket);
        var rowsAfterRedeem = await PostgresTestDatabase.ScalarAsync<long>($"SELECT count(*) FROM \"{table}\"");

        // Assert
        Assert.Equal(1, rowsAfterIssue);
        Assert.Equal("bob", welcome.GetProperty("user").GetString());
        Assert.Equal("ticket", welcome.GetProperty("method").GetString());
        Assert.Equal(0, rowsAfterRedeem);
    }
}
