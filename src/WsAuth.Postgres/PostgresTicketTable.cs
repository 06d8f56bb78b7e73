using System.Diagnostics.CodeAnalysis;

namespace WsAuth.Postgres;

/// <summary>
/// The SQL of the ticket table, built once from validated identifiers (lowercase letters, digits and <c>_</c>, quoted
/// anyway), so no configuration value can inject SQL. Every statement touches one row or one bounded batch.
/// </summary>
internal sealed class PostgresTicketTable
{
    public const int CleanupBatchSize = 1000;
    public const int MaxTableNameLength = 48;

    public PostgresTicketTable(string schema, string tableName, bool unlogged)
    {
        if (!IsValidIdentifier(schema, 63) || !IsValidIdentifier(tableName, MaxTableNameLength))
        {
            throw new ArgumentException("The schema or table name is not a valid identifier.");
        }

        Schema = schema;
        TableName = tableName;
        QualifiedName = $"\"{schema}\".\"{tableName}\"";
        var index = $"\"{tableName}_expires_at_idx\"";
        var statements = new List<string>();
        if (schema != "public")
        {
            statements.Add($"CREATE SCHEMA IF NOT EXISTS \"{schema}\"");
        }

        statements.Add($"CREATE {(unlogged ? "UNLOGGED " : string.Empty)}TABLE IF NOT EXISTS {QualifiedName} (\n"
            + "    id text COLLATE \"C\" PRIMARY KEY,\n"
            + "    data bytea NOT NULL,\n"
            + "    expires_at timestamptz NOT NULL\n"
            + ")");
        statements.Add($"CREATE INDEX IF NOT EXISTS {index} ON {QualifiedName} (expires_at)");
        CreateStatements = [.. statements];
        CreateSql = string.Join(";\n", statements) + ";";
        InsertSql = $"INSERT INTO {QualifiedName} (id, data, expires_at) VALUES ($1, $2, $3)";

        // One statement, so one atomic step: of any number of concurrent redemptions on any instance, exactly one gets the
        // row. The expiry is checked on the returned row by the authenticator (so an expired ticket is reported as
        // ticket_expired); the row is gone either way.
        ConsumeSql = $"DELETE FROM {QualifiedName} WHERE id = $1 RETURNING data";
        CleanupSql = $"DELETE FROM {QualifiedName} WHERE ctid = ANY (ARRAY (SELECT ctid FROM {QualifiedName} WHERE expires_at < $1 LIMIT {CleanupBatchSize}))";
        ExistsSql = "SELECT to_regclass($1) IS NOT NULL";
    }

    public string Schema { get; }

    public string TableName { get; }

    /// <summary>The quoted <c>"schema"."table"</c>.</summary>
    public string QualifiedName { get; }

    /// <summary>Creates what is missing; idempotent. For people: the statements joined into one script.</summary>
    public string CreateSql { get; }

    /// <summary>The statements of <see cref="CreateSql"/>, one by one.</summary>
    public IReadOnlyList<string> CreateStatements { get; }

    public string InsertSql { get; }

    public string ConsumeSql { get; }

    public string CleanupSql { get; }

    /// <summary>Takes <see cref="QualifiedName"/> as its parameter.</summary>
    public string ExistsSql { get; }

    /// <summary>A key for <c>pg_advisory_xact_lock</c>, so instances starting together do not race on <c>CREATE TABLE</c>.</summary>
    public long LockKey
    {
        get
        {
            // FNV-1a over the qualified name: stable across processes (string.GetHashCode is not).
            var hash = 14695981039346656037UL;
            foreach (var c in "wsauth:" + QualifiedName)
            {
                hash = (hash ^ c) * 1099511628211UL;
            }

            return unchecked((long)hash);
        }
    }

    public static bool IsValidIdentifier([NotNullWhen(true)] string? value, int maxLength)
    {
        if (string.IsNullOrEmpty(value) || value.Length > maxLength || !(char.IsAsciiLetterLower(value[0]) || value[0] == '_'))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }
}
