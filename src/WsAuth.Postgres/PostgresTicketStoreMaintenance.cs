using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace WsAuth.Postgres;

/// <summary>
/// Prepares the ticket table when the app starts (creates it when asked; otherwise a missing table stops the startup
/// with the SQL to run) and deletes expired tickets every <see cref="PostgresTicketStoreOptions.CleanupInterval"/>. A
/// database that is unreachable at startup does not stop the app: ticket requests get 503 until it answers, and the table
/// is checked again at each cleanup. Nothing here ever throws into the host after startup.
/// </summary>
internal sealed partial class PostgresTicketStoreMaintenance : BackgroundService
{
    /// <summary>
    /// Expired rows are kept this long before they are deleted: a late redemption is still reported as expired, and an
    /// instance whose clock runs ahead does not delete tickets other instances still accept.
    /// </summary>
    internal static readonly TimeSpan ExpiredRowGrace = TimeSpan.FromMinutes(1);

    /// <summary>How soon the table check is retried when the database was unreachable at startup.</summary>
    internal static readonly TimeSpan SetupRetryInterval = TimeSpan.FromSeconds(5);

    private readonly PostgresTicketStore _store;
    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _createTable;
    private readonly TimeSpan _interval;
    private readonly TimeSpan _setupBudget;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private volatile bool _tableReady;

    public PostgresTicketStoreMaintenance(
        PostgresTicketStore store,
        PostgresTicketDataSource dataSource,
        IOptions<PostgresTicketStoreOptions> options,
        IOptions<WebSocketAuthOptions> authOptions,
        TimeProvider timeProvider,
        ILogger<PostgresTicketStoreMaintenance> logger)
    {
        _store = store;
        _dataSource = dataSource.DataSource;
        _createTable = options.Value.CreateTableIfMissing;
        _interval = options.Value.CleanupInterval;
        _setupBudget = options.Value.OperationTimeout * 5;
        _time = authOptions.Value.TimeProvider ?? timeProvider;
        _logger = logger;
    }

    internal bool TableReady => _tableReady;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (TicketTableMissingException)
        {
            throw; // a configuration error: the app must not start without its table
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            Log.SetupDeferred(_logger, _store.Table.QualifiedName, ex);
        }

        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Until the table is known to exist (the database was down at startup), look again soon.
                var delay = _tableReady || _interval < SetupRetryInterval ? _interval : SetupRetryInterval;
                await Task.Delay(delay, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await RunOnceAsync(stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>One maintenance round: the table check if it is still pending, then the cleanup. Never throws.</summary>
    internal async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (!_tableReady)
            {
                await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
            }

            var deleted = await _store.DeleteExpiredAsync(_time.GetUtcNow() - ExpiredRowGrace, cancellationToken).ConfigureAwait(false);
            if (deleted > 0)
            {
                Log.Cleaned(_logger, deleted, _store.Table.QualifiedName);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (TicketTableMissingException ex)
        {
            Log.TableMissing(_logger, ex.Message);
        }
        catch (Exception ex)
        {
            // The store already logged the database error; the background task just carries on.
            Log.CleanupFailed(_logger, ex.GetType().FullName);
        }
    }

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(_setupBudget);
        var token = budget.Token;
        var table = _store.Table;
        var connection = await _dataSource.OpenConnectionAsync(token).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            if (_createTable)
            {
                var transaction = await connection.BeginTransactionAsync(token).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, transaction))
                    {
                        lockCommand.Parameters.Add(new NpgsqlParameter<long> { TypedValue = table.LockKey, NpgsqlDbType = NpgsqlDbType.Bigint });
                        await lockCommand.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                    }

                    foreach (var statement in table.CreateStatements)
                    {
                        using var create = new NpgsqlCommand(statement, connection, transaction);
                        await create.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                    }

                    await transaction.CommitAsync(token).ConfigureAwait(false);
                }
            }
            else
            {
                using var exists = new NpgsqlCommand(table.ExistsSql, connection);
                exists.Parameters.Add(new NpgsqlParameter<string> { TypedValue = table.QualifiedName, NpgsqlDbType = NpgsqlDbType.Text });
                if (await exists.ExecuteScalarAsync(token).ConfigureAwait(false) is not true)
                {
                    throw new TicketTableMissingException(
                        $"WsAuth.Postgres: the ticket table {table.QualifiedName} does not exist. Create it once (as a user with the CREATE privilege):\n"
                        + table.CreateSql
                        + "\nor let the app create it: AddPostgresTicketStore(..., o => o.CreateTableIfMissing = true), or WsAuth:Postgres:CreateTableIfMissing=true.");
                }
            }
        }

        _tableReady = true;
        Log.TableReady(_logger, table.QualifiedName, _createTable);
    }

    /// <summary>The ticket table is missing and the store may not create it: a configuration error.</summary>
    private sealed class TicketTableMissingException(string message) : InvalidOperationException(message);

    // Event ids 300-399 belong to WsAuth.Postgres; never renumber or reuse one.
    private static partial class Log
    {
        [LoggerMessage(310, LogLevel.Information, "WebSocket ticket table {Table} is ready (created if missing: {CreateIfMissing}).", EventName = "TicketTableReady")]
        public static partial void TableReady(ILogger logger, string table, bool createIfMissing);

        [LoggerMessage(311, LogLevel.Error, "Could not prepare the WebSocket ticket table {Table} at startup; the app starts anyway, ticket requests get 503 until PostgreSQL answers, and the table is checked again at each cleanup.", EventName = "TicketTableSetupDeferred")]
        public static partial void SetupDeferred(ILogger logger, string table, Exception exception);

        [LoggerMessage(312, LogLevel.Error, "{Message}", EventName = "TicketTableMissing")]
        public static partial void TableMissing(ILogger logger, string message);

        [LoggerMessage(313, LogLevel.Debug, "Deleted {Count} expired WebSocket tickets from {Table}.", EventName = "TicketCleanup")]
        public static partial void Cleaned(ILogger logger, long count, string table);

        [LoggerMessage(314, LogLevel.Warning, "Cleaning expired WebSocket tickets failed ({ExceptionType}); retrying at the next interval.", EventName = "TicketCleanupFailed")]
        public static partial void CleanupFailed(ILogger logger, string? exceptionType);
    }
}
