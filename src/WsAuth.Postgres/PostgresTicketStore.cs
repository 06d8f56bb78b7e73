using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using WsAuth.Internal;

namespace WsAuth.Postgres;

/// <summary>
/// Tickets in a PostgreSQL table shared by every app instance. Each operation is one statement under a wall-clock budget
/// (<see cref="PostgresTicketStoreOptions.OperationTimeout"/>): a database that is down, slow or locked makes the
/// operation throw, so WsAuth answers 503 and never accepts; nothing is retried, so a redemption whose reply was lost
/// burns the ticket rather than risking a second use. Pooled connections broken by a restart are replaced by Npgsql,
/// so the store recovers by itself.
/// </summary>
internal sealed partial class PostgresTicketStore : IWebSocketTicketStore, IHealthCheck
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly int _commandTimeoutSeconds;
    private readonly StoreOperations _operations;

    public PostgresTicketStore(PostgresTicketDataSource dataSource, IOptions<PostgresTicketStoreOptions> options, ILogger<PostgresTicketStore> logger)
        : this(dataSource.DataSource, options.Value, TimeProvider.System, logger)
    {
    }

    internal PostgresTicketStore(NpgsqlDataSource dataSource, PostgresTicketStoreOptions options, TimeProvider wallClock, ILogger logger)
    {
        _dataSource = dataSource;
        Table = new PostgresTicketTable(options.Schema, options.TableName, options.UnloggedTable);

        // A backstop for the server side; the budget below is what the caller waits at most.
        _commandTimeoutSeconds = (int)Math.Ceiling(options.OperationTimeout.TotalSeconds) + 1;
        _operations = new StoreOperations("PostgreSQL", options.OperationTimeout, wallClock, new AvailabilityLog(logger, Table.QualifiedName));
    }

    public PostgresTicketTable Table { get; }

    public ValueTask<bool> TryStoreAsync(string ticketId, byte[] data, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticketId);
        ArgumentNullException.ThrowIfNull(data);
        return _operations.RunAsync("store a ticket", async token =>
        {
            using var command = _dataSource.CreateCommand(Table.InsertSql);
            command.CommandTimeout = _commandTimeoutSeconds;
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ticketId, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = data, NpgsqlDbType = NpgsqlDbType.Bytea });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = expiresAt.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            await command.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    public ValueTask<byte[]?> ConsumeAsync(string ticketId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticketId);
        return _operations.RunAsync<byte[]?>("redeem a ticket", async token =>
        {
            using var command = _dataSource.CreateCommand(Table.ConsumeSql);
            command.CommandTimeout = _commandTimeoutSeconds;
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ticketId, NpgsqlDbType = NpgsqlDbType.Text });
            return await command.ExecuteScalarAsync(token).ConfigureAwait(false) as byte[];
        }, cancellationToken);
    }

    /// <summary>
    /// Healthy when the database answers within the budget, is not a read-only standby and has the ticket table. The
    /// result names the table, never the connection string; the exception is not attached.
    /// </summary>
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        string? problem;
        try
        {
            problem = await _operations.RunAsync("answer a health check", async token =>
            {
                using var command = _dataSource.CreateCommand("SELECT pg_is_in_recovery(), to_regclass($1) IS NOT NULL");
                command.CommandTimeout = _commandTimeoutSeconds;
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Table.QualifiedName, NpgsqlDbType = NpgsqlDbType.Text });
                var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    await reader.ReadAsync(token).ConfigureAwait(false);
                    return reader.GetBoolean(0) ? "the server is a read-only standby"
                        : !reader.GetBoolean(1) ? $"the table {Table.QualifiedName} does not exist"
                        : null;
                }
            }, cancellationToken, report: false).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            problem = ex.GetType().Name;
        }

        var data = new Dictionary<string, object> { ["store"] = "postgresql", ["table"] = Table.QualifiedName };
        return problem is null
            ? HealthCheckResult.Healthy("The PostgreSQL ticket store answers.", data)
            : new HealthCheckResult(
                context.Registration.FailureStatus,
                $"The PostgreSQL ticket store cannot store tickets ({problem}); ticket requests and handshakes get 503 store_unavailable.",
                data: data);
    }

    /// <summary>Deletes tickets that expired before <paramref name="before"/>, in bounded batches.</summary>
    /// <returns>How many rows were deleted.</returns>
    internal async Task<long> DeleteExpiredAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        long total = 0;
        for (var batch = 0; batch < 100; batch++)
        {
            var deleted = await _operations.RunAsync("delete expired tickets", async token =>
            {
                using var command = _dataSource.CreateCommand(Table.CleanupSql);
                command.CommandTimeout = _commandTimeoutSeconds;
                command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = before.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
                return await command.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
            total += deleted;
            if (deleted < PostgresTicketTable.CleanupBatchSize)
            {
                break;
            }
        }

        return total;
    }

    /// <summary>The store's availability lines. Npgsql's messages name the server and the error, never the password or the statement's parameters.</summary>
    private sealed class AvailabilityLog(ILogger logger, string table) : IStoreAvailabilityLog
    {
        public void Unavailable(string operation, Exception exception) => Log.Unavailable(logger, operation, table, exception);

        public void StillUnavailable(string operation, Exception exception) => Log.StillUnavailable(logger, operation, exception.GetType().FullName);

        public void Recovered() => Log.Recovered(logger, table);
    }

    // Event ids 300-399 belong to WsAuth.Postgres; never renumber or reuse one. No ticket or connection string is logged.
    private static partial class Log
    {
        [LoggerMessage(300, LogLevel.Error, "The PostgreSQL ticket store could not {Operation} in {Table}; WebSocket ticket requests and handshakes get 503 store_unavailable until it answers again.", EventName = "TicketStoreUnavailable")]
        public static partial void Unavailable(ILogger logger, string operation, string table, Exception exception);

        [LoggerMessage(301, LogLevel.Debug, "The PostgreSQL ticket store still cannot {Operation} ({ExceptionType}).", EventName = "TicketStoreStillUnavailable")]
        public static partial void StillUnavailable(ILogger logger, string operation, string? exceptionType);

        [LoggerMessage(302, LogLevel.Information, "The PostgreSQL ticket store answers again ({Table}).", EventName = "TicketStoreRecovered")]
        public static partial void Recovered(ILogger logger, string table);
    }
}
