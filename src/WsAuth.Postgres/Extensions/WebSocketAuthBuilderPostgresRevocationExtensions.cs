using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WsAuth;
using WsAuth.Postgres;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the PostgreSQL revocation backplane.</summary>
public static class WebSocketAuthBuilderPostgresRevocationExtensions
{
    /// <summary>
    /// Turns revocation on (<c>AddRevocation()</c>) and shares it through PostgreSQL: revocations are kept in a table that
    /// a new or restarted instance loads, and announced to every instance with LISTEN/NOTIFY, so that a revocation made
    /// on any instance closes the user's sockets on all of them.
    /// </summary>
    /// <param name="builder">The WsAuth builder.</param>
    /// <param name="connectionString">The Npgsql connection string; every instance must use the same database.</param>
    /// <param name="configure">Configures the backplane; it also binds from the <c>WsAuth:Postgres:Revocation</c> configuration section.</param>
    /// <param name="revocation">Configures revocation itself.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is empty.</exception>
    public static WebSocketAuthBuilder AddPostgresRevocation(
        this WebSocketAuthBuilder builder,
        string connectionString,
        Action<PostgresRevocationOptions>? configure = null,
        Action<WebSocketRevocationOptions>? revocation = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var services = builder.Services;
        builder.AddRevocation(revocation);
        services.AddOptions<PostgresRevocationOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<PostgresRevocationOptions>, PostgresRevocationConfigureOptions>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgresRevocationOptions>, PostgresRevocationOptionsValidator>());
        services.Configure<PostgresRevocationOptions>(o =>
        {
            o.ConnectionString = connectionString;
            configure?.Invoke(o);
        });
        services.TryAddSingleton<PostgresRevocationBackplane>();
        services.RemoveAll<IWebSocketRevocationBackplane>();
        services.AddSingleton<IWebSocketRevocationBackplane>(static sp => sp.GetRequiredService<PostgresRevocationBackplane>());
        return builder;
    }
}
