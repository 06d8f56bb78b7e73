using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using WsAuth;
using WsAuth.Postgres;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the PostgreSQL ticket store.</summary>
public static class WebSocketAuthBuilderPostgresExtensions
{
    /// <summary>
    /// Keeps WebSocket tickets in PostgreSQL, so every instance of the app behind a load balancer can redeem a ticket any
    /// other instance issued, still exactly once. Use with <c>AddTickets()</c>. Replaces the in-memory store.
    /// </summary>
    /// <param name="builder">The WsAuth builder.</param>
    /// <param name="connectionString">The Npgsql connection string; the store builds and owns its data source.</param>
    /// <param name="configure">Configures the store; it also binds from the <c>WsAuth:Postgres</c> configuration section.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is empty.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in a required parameter's type (connection string or data source), so no call is ambiguous; configure is optional in both from the first release.")]
    public static WebSocketAuthBuilder AddPostgresTicketStore(this WebSocketAuthBuilder builder, string connectionString, Action<PostgresTicketStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return Add(builder, null, o =>
        {
            o.ConnectionString = connectionString;
            configure?.Invoke(o);
        });
    }

    /// <summary>
    /// Keeps WebSocket tickets in PostgreSQL through the app's own <see cref="NpgsqlDataSource"/> (which the app keeps
    /// owning and disposing). Use with <c>AddTickets()</c>. Replaces the in-memory store.
    /// </summary>
    /// <param name="builder">The WsAuth builder.</param>
    /// <param name="dataSource">The data source to use.</param>
    /// <param name="configure">Configures the store; it also binds from the <c>WsAuth:Postgres</c> configuration section.</param>
    /// <returns>The builder.</returns>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in a required parameter's type (connection string or data source), so no call is ambiguous; configure is optional in both from the first release.")]
    public static WebSocketAuthBuilder AddPostgresTicketStore(this WebSocketAuthBuilder builder, NpgsqlDataSource dataSource, Action<PostgresTicketStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(dataSource);
        return Add(builder, dataSource, configure);
    }

    private static WebSocketAuthBuilder Add(WebSocketAuthBuilder builder, NpgsqlDataSource? dataSource, Action<PostgresTicketStoreOptions>? configure)
    {
        var services = builder.Services;
        services.AddOptions<PostgresTicketStoreOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<PostgresTicketStoreOptions>, PostgresTicketStoreConfigureOptions>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgresTicketStoreOptions>, PostgresTicketStoreOptionsValidator>());
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.RemoveAll<PostgresTicketDataSource.ExternalDataSource>();
        if (dataSource is not null)
        {
            services.AddSingleton(new PostgresTicketDataSource.ExternalDataSource(dataSource));
        }

        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PostgresTicketDataSource>();
        services.TryAddSingleton<PostgresTicketStore>();
        services.RemoveAll<IWebSocketTicketStore>();
        services.AddSingleton<IWebSocketTicketStore>(static sp => sp.GetRequiredService<PostgresTicketStore>());
        services.AddHostedService<PostgresTicketStoreMaintenance>();
        return builder;
    }
}
