using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WsAuth.Testing;

namespace WsAuth.Postgres.Tests;

/// <summary>Misconfiguration of the PostgreSQL store stops the app at startup with a message that names the fix.</summary>
public class PostgresStartupTests : PostgresTest
{
    [PostgresFact]
    public async Task MissingTable_WhenNotAllowedToCreateIt_StopsTheAppWithTheSqlToRun()
    {
        var table = NewTableName();
        var ex = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => PostgresTicketApp.StartAsync(table, store: o => o.CreateTableIfMissing = false));
        Assert.Contains($"CREATE UNLOGGED TABLE IF NOT EXISTS \"public\".\"{table}\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains("CreateTableIfMissing", ex.Message, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task ExistingTable_IsUsed_WithoutTheCreatePrivilegeBeingNeeded()
    {
        var table = NewTableName();
        await PostgresTestDatabase.ExecuteAsync(new PostgresTicketTable("public", table, unlogged: true).CreateSql);
        await using var app = await PostgresTicketApp.StartAsync(table, store: o => o.CreateTableIfMissing = false);
        Assert.Equal(System.Net.HttpStatusCode.SwitchingProtocols, (await TicketTestApp.RedeemAsync(app, await TicketTestApp.IssueAsync(app))).Status);
    }

    [Theory]
    [InlineData("Tickets")]
    [InlineData("tickets; DROP TABLE users")]
    [InlineData("t\"x")]
    [InlineData("1tickets")]
    [InlineData("")]
    [InlineData("a_table_name_that_is_far_too_long_for_an_index_name_x")]
    public async Task InvalidTableName_StopsTheApp(string table)
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => StartWithoutDatabaseAsync(o => o.TableName = table));
        Assert.Contains("WsAuth:Postgres:TableName", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidSchema_StopsTheApp()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => StartWithoutDatabaseAsync(o => o.Schema = "Public"));
        Assert.Contains("WsAuth:Postgres:Schema", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingConnectionString_StopsTheAppNamingTheKey()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => KestrelTestApp.StartAsync(
            b => b.Services.AddWebSocketAuth(o => o.AllowedOrigins.Add(TicketTestApp.AllowedOrigin)).AddTickets()
                .AddPostgresTicketStore("Host=127.0.0.1", o => o.ConnectionString = null),
            (a, _) => { }));
        Assert.Contains("WsAuth:Postgres:ConnectionString", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidConnectionString_StopsTheApp_WithoutEchoingIt()
    {
        const string secret = "hunter2-secret";
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => KestrelTestApp.StartAsync(
            b => b.Services.AddWebSocketAuth(o => o.AllowedOrigins.Add(TicketTestApp.AllowedOrigin)).AddTickets()
                .AddPostgresTicketStore($"Host=127.0.0.1;Pasword={secret}"),
            (a, _) => { }));
        Assert.Contains("not a valid Npgsql connection string", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, ex.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("WsAuth:Postgres:OperationTimeout", "00:01:00")]
    [InlineData("WsAuth:Postgres:CleanupInterval", "00:00:00")]
    [InlineData("WsAuth:Postgres:CreateTableIfMissing", "perhaps")]
    public async Task InvalidSettingsFromConfiguration_StopTheApp(string key, string value)
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => KestrelTestApp.StartAsync(
            b =>
            {
                b.Configuration[key] = value;
                b.Services.AddWebSocketAuth(o => o.AllowedOrigins.Add(TicketTestApp.AllowedOrigin)).AddTickets()
                    .AddPostgresTicketStore("Host=127.0.0.1;Port=1");
            },
            (a, _) => { }));
        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidRevocationSettingFromConfiguration_StopsTheApp_InsteadOfBeingIgnored()
    {
        // "perhaps" used to be skipped silently by the revocation binder, leaving CreateTableIfMissing at its default.
        const string key = "WsAuth:Postgres:Revocation:CreateTableIfMissing";
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => KestrelTestApp.StartAsync(
            b =>
            {
                b.Configuration[key] = "perhaps";
                b.Services.AddWebSocketAuth(o => o.AllowedOrigins.Add(TicketTestApp.AllowedOrigin)).AddCookie()
                    .AddPostgresRevocation("Host=127.0.0.1;Port=1");
            },
            (a, _) => { }));
        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_Defaults()
    {
        var options = new PostgresTicketStoreOptions();
        Assert.Null(options.ConnectionString);
        Assert.Equal("public", options.Schema);
        Assert.Equal("wsauth_tickets", options.TableName);
        Assert.False(options.CreateTableIfMissing);
        Assert.True(options.UnloggedTable);
        Assert.Equal(TimeSpan.FromSeconds(2), options.OperationTimeout);
        Assert.Equal(TimeSpan.FromMinutes(1), options.CleanupInterval);
    }

    [Fact]
    public void PostgresStore_ReplacesTheInMemoryStore_WhicheverIsAddedFirst()
    {
        foreach (var postgresFirst in new[] { true, false })
        {
            var services = new ServiceCollection();
            var ws = services.AddWebSocketAuth(o => o.AllowedOrigins.Add(TicketTestApp.AllowedOrigin));
            if (postgresFirst)
            {
                ws.AddPostgresTicketStore("Host=127.0.0.1;Port=1").AddTickets();
            }
            else
            {
                ws.AddTickets().AddPostgresTicketStore("Host=127.0.0.1;Port=1");
            }

            using var provider = services.BuildServiceProvider();
            Assert.IsType<PostgresTicketStore>(provider.GetRequiredService<IWebSocketTicketStore>());
        }
    }

    private static Task<KestrelTestApp> StartWithoutDatabaseAsync(Action<PostgresTicketStoreOptions> configure)
        => KestrelTestApp.StartAsync(
            b => b.Services.AddWebSocketAuth(o => o.AllowedOrigins.Add(TicketTestApp.AllowedOrigin)).AddTickets()
                .AddPostgresTicketStore("Host=127.0.0.1;Port=1", configure),
            (a, _) => { });
}
