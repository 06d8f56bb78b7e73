using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using WsAuth.Testing;

namespace WsAuth.Postgres.Tests;

/// <summary>The ticket test app (<see cref="TicketTestApp"/>) on the PostgreSQL store, with its own table.</summary>
internal static class PostgresTicketApp
{
    /// <summary>
    /// The operation budget of tests that are not about the budget: generous, so a machine busy with parallel builds
    /// and tests never turns a slow first connection into a 503. Budget tests set theirs explicitly.
    /// </summary>
    public static readonly TimeSpan GenerousTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Issues a ticket, retrying a few times while the store answers 503 (warming up under a tight budget).</summary>
    public static async Task<string> IssueWarmAsync(KestrelTestApp app)
    {
        var cookie = await TicketTestApp.LoginAsync(app);
        for (var attempt = 0; ; attempt++)
        {
            var response = await TicketTestApp.RequestAsync(app, cookie);
            if (response.Status != System.Net.HttpStatusCode.ServiceUnavailable || attempt == 9)
            {
                Assert.Equal(System.Net.HttpStatusCode.OK, response.Status);
                return response.Ticket!;
            }
        }
    }

    public static Task<KestrelTestApp> StartAsync(
        string table,
        string? connectionString = null,
        Action<PostgresTicketStoreOptions>? store = null,
        TimeProvider? clock = null,
        Action<WebSocketTicketOptions>? tickets = null,
        Func<WebApplication, IEndpointConventionBuilder>? mapTickets = null,
        Action<IServiceCollection>? services = null)
        => TicketTestApp.StartAsync(
            tickets: tickets,
            builder: ws => ws.AddPostgresTicketStore(connectionString ?? PostgresTestDatabase.ConnectionString, o =>
            {
                o.TableName = table;
                o.CreateTableIfMissing = true;
                o.OperationTimeout = GenerousTimeout;
                store?.Invoke(o);
            }),
            services: s =>
            {
                if (clock is not null)
                {
                    s.AddSingleton(clock);
                }

                services?.Invoke(s);
            },
            mapTickets: mapTickets);
}
