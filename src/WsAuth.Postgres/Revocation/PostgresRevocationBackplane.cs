using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace WsAuth.Postgres;

/// <summary>
/// Revocations in a PostgreSQL table, announced with <c>NOTIFY</c> in the same transaction; every instance
/// <c>LISTEN</c>s on one dedicated connection, probed every <see cref="PostgresRevocationOptions.KeepAliveInterval"/>.
/// </summary>
/// <remarks>
/// The row only moves forward: a later instant or expiry wins (<c>GREATEST</c>), so two instances revoking the same
/// user at once, or a message replayed, never undo anything. Expired rows are deleted on each load.
/// </remarks>
internal sealed partial class PostgresRevocationBackplane : IWebSocketRevocationBackplane, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresRevocationOptions _options;
    private readonly ILogger _logger;
    private readonly string _table;
    private readonly string _createSql;
    private readonly string _upsertSql;
    private readonly string _loadSql;
    private readonly string _cleanupSql;
    private volatile bool _created;

    public PostgresRevocationBackplane(IOptions<PostgresRevocationOptions> options, ILogger<PostgresRevocationBackplane> logger)
    {
        _options = options.Value;
        _logger = logger;
        if (!PostgresTicketTable.IsValidIdentifier(_options.Schema, 63)
            || !PostgresTicketTable.IsValidIdentifier(_options.TableName, PostgresTicketTable.MaxTableNameLength)
            || !PostgresTicketTable.IsValidIdentifier(_options.Channel, 63))
        {
            throw new ArgumentException("The schema, table or channel name is not a valid identifier.");
        }

        _dataSource = NpgsqlDataSource.Create(_options.ConnectionString!);
        _table = $"\"{_options.Schema}\".\"{_options.TableName}\"";
        _createSql = (_options.Schema == "public" ? string.Empty : $"CREATE SCHEMA IF NOT EXISTS \"{_options.Schema}\";\n")
            + $"CREATE TABLE IF NOT EXISTS {_table} (\n"
            + "    subject text COLLATE \"C\" PRIMARY KEY,\n"
            + "    revoked_before timestamptz NOT NULL,\n"
            + "    expires_at timestamptz NOT NULL\n"
            + ");";
        _upsertSql = $"INSERT INTO {_table} AS r (subject, revoked_before, expires_at) VALUES ($1, $2, $3) "
            + "ON CONFLICT (subject) DO UPDATE SET revoked_before = GREATEST(r.revoked_before, excluded.revoked_before), "
            + "expires_at = GREATEST(r.expires_at, excluded.expires_at)";
        _loadSql = $"SELECT subject, revoked_before, expires_at FROM {_table} WHERE expires_at > $1";
        _cleanupSql = $"DELETE FROM {_table} WHERE expires_at <= $1";
    }

    public string CreateSql => _createSql;

    public async Task PublishAsync(WebSocketRevocationMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.OperationTimeout);
        await EnsureTableAsync(timeout.Token).ConfigureAwait(false);
        var connection = await _dataSource.OpenConnectionAsync(timeout.Token).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        var batch = new NpgsqlBatch(connection);
        await using var batchScope = batch.ConfigureAwait(false);
        if (message.Kind == WebSocketRevocationKind.Revoke)
        {
            var upsert = new NpgsqlBatchCommand(_upsertSql);
            upsert.Parameters.Add(new NpgsqlParameter { Value = message.Target, NpgsqlDbType = NpgsqlDbType.Text });
            upsert.Parameters.Add(new NpgsqlParameter { Value = message.IssuedBefore!.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            upsert.Parameters.Add(new NpgsqlParameter { Value = message.ExpiresAt!.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            batch.BatchCommands.Add(upsert);
        }

        // A batch runs in one implicit transaction: the row and the notification go together, or neither does.
        var notify = new NpgsqlBatchCommand("SELECT pg_notify($1, $2)");
        notify.Parameters.Add(new NpgsqlParameter { Value = _options.Channel, NpgsqlDbType = NpgsqlDbType.Text });
        notify.Parameters.Add(new NpgsqlParameter { Value = message.ToJson(), NpgsqlDbType = NpgsqlDbType.Text });
        batch.BatchCommands.Add(notify);
        await batch.ExecuteNonQueryAsync(timeout.Token).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<WebSocketRevocationMessage>> LoadAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.OperationTimeout);
        await EnsureTableAsync(timeout.Token).ConfigureAwait(false);
        var connection = await _dataSource.OpenConnectionAsync(timeout.Token).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        var cleanup = new NpgsqlCommand(_cleanupSql, connection);
        await using (cleanup.ConfigureAwait(false))
        {
            cleanup.Parameters.Add(new NpgsqlParameter { Value = now, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            try
            {
                await cleanup.ExecuteNonQueryAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                Log.TableMissing(_logger, _table, _createSql);
                throw;
            }
        }

        var revocations = new List<WebSocketRevocationMessage>();
        var load = new NpgsqlCommand(_loadSql, connection);
        await using var loadScope = load.ConfigureAwait(false);
        load.Parameters.Add(new NpgsqlParameter { Value = now, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        var reader = await load.ExecuteReaderAsync(timeout.Token).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);

        while (await reader.ReadAsync(timeout.Token).ConfigureAwait(false))
        {
            var subject = reader.GetString(0);
            if (subject.Length is 0 or > WebSocketRevocationMessage.MaxTargetLength)
            {
                continue;
            }

            revocations.Add(new WebSocketRevocationMessage(
                WebSocketRevocationKind.Revoke,
                subject,
                reader.GetFieldValue<DateTimeOffset>(1),
                reader.GetFieldValue<DateTimeOffset>(2)));
        }

        return revocations;
    }

    public async Task SubscribeAsync(Action<WebSocketRevocationMessage> onMessage, Action onSubscribed, CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        connection.Notification += (_, e) =>
        {
            if (string.Equals(e.Channel, _options.Channel, StringComparison.Ordinal) && WebSocketRevocationMessage.TryParse(e.Payload, out var message))
            {
                onMessage(message);
            }
            else
            {
                Log.IgnoredNotification(_logger);
            }
        };

        var listen = new NpgsqlCommand($"LISTEN \"{_options.Channel}\"", connection);
        await using (listen.ConfigureAwait(false))
        {
            await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        onSubscribed();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!await connection.WaitAsync(_options.KeepAliveInterval, cancellationToken).ConfigureAwait(false))
            {
                // Nothing came: prove the connection still works (a dead one throws here), then say so.
                using var probeTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                probeTimeout.CancelAfter(_options.OperationTimeout);
                var probe = new NpgsqlCommand("SELECT 1", connection);
                await using var probeScope = probe.ConfigureAwait(false);
                await probe.ExecuteScalarAsync(probeTimeout.Token).ConfigureAwait(false);
                onSubscribed();
            }
        }
    }

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (_created || !_options.CreateTableIfMissing)
        {
            return;
        }

        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        var create = new NpgsqlCommand(_createSql, connection);
        await using var createScope = create.ConfigureAwait(false);
        try
        {
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateObject)
        {
            // Another instance created it at the same moment.
        }

        _created = true;
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    // Event ids 720-729: the PostgreSQL revocation backplane.
    private static partial class Log
    {
        [LoggerMessage(720, LogLevel.Warning, "A notification on the revocation channel was not a WsAuth revocation message; ignored.", EventName = "RevocationNotificationIgnored")]
        public static partial void IgnoredNotification(ILogger logger);

        [LoggerMessage(721, LogLevel.Error, "The revocation table {Table} does not exist. Create it with:\n{CreateSql}\nor set WsAuth:Postgres:Revocation:CreateTableIfMissing to true.", EventName = "RevocationTableMissing")]
        public static partial void TableMissing(ILogger logger, string table, string createSql);
    }
}
