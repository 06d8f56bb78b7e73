using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using WsAuth.Testing;

namespace WsAuth.Postgres.Tests;

/// <summary>The ticket test app (<see cref="TicketTestApp"/>) on the PostgreSQL store, with its own table.</summary>
internal static class PostgresTicketApp
{
    public static Task<KestrelTestApp> StartAsync(
        string table,
        string? connectionString = null,
        Action<PostgresTicketStoreOptions>? store = null,
        TimeProvider? clock = null,
        Action<WebSocketTicketOptions>? tickets = null,
        Func<WebApplication, IEndpointConventionBuilder>? mapTickets = null)
        => TicketTestApp.StartAsync(
            tickets: tickets,
            builder: ws => ws.AddPostgresTicketStore(connectionString ?? PostgresTestDatabase.ConnectionString, o =>
            {
                o.TableName = table;
                o.CreateTableIfMissing = true;
                store?.Invoke(o);
            }),
            services: s =>
            {
                if (clock is not null)
                {
                    s.AddSingleton(clock);
                }
            },
            mapTickets: mapTickets);
}
