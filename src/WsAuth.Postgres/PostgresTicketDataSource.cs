using Microsoft.Extensions.Options;
using Npgsql;

namespace WsAuth.Postgres;

/// <summary>
/// The <see cref="NpgsqlDataSource"/> the store uses: the one given to <c>AddPostgresTicketStore</c> (the app owns it),
/// or one built from the connection string on first use (owned, and disposed with the service provider).
/// </summary>
internal sealed class PostgresTicketDataSource : IAsyncDisposable, IDisposable
{
    private readonly bool _owned;

    public PostgresTicketDataSource(IOptions<PostgresTicketStoreOptions> options, ExternalDataSource? external = null)
    {
        if (external is not null)
        {
            DataSource = external.DataSource;
            return;
        }

        // Validation already ran: the connection string is present and parses.
        DataSource = NpgsqlDataSource.Create(options.Value.ConnectionString!);
        _owned = true;
    }

    public NpgsqlDataSource DataSource { get; }

    public ValueTask DisposeAsync() => _owned ? DataSource.DisposeAsync() : ValueTask.CompletedTask;

    public void Dispose()
    {
        if (_owned)
        {
            DataSource.Dispose();
        }
    }

    /// <summary>An app-owned data source given to <c>AddPostgresTicketStore(NpgsqlDataSource)</c>.</summary>
    internal sealed record ExternalDataSource(NpgsqlDataSource DataSource);
}
