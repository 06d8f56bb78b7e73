namespace WsAuth;

/// <summary>
/// Options of the PostgreSQL revocation backplane (<c>AddPostgresRevocation(...)</c>, package WsAuth.Postgres): a table
/// that keeps revocations (so a new or restarted instance loads them) and a LISTEN/NOTIFY channel that tells every
/// instance at once. Bound from the <c>WsAuth:Postgres:Revocation</c> configuration section, then from the arguments of
/// <c>AddPostgresRevocation</c>.
/// </summary>
public sealed class PostgresRevocationOptions
{
    /// <summary>The Npgsql connection string. Every instance of the app must use the same database.</summary>
    /// <value>Defaults to <see langword="null"/>; required.</value>
    public string? ConnectionString { get; set; }

    /// <summary>The schema of the revocation table: lowercase letters, digits and <c>_</c>, starting with a letter or <c>_</c>.</summary>
    /// <value>Defaults to <c>public</c>.</value>
    public string Schema { get; set; } = "public";

    /// <summary>
    /// The revocation table (an ordinary, logged table: a revocation survives a PostgreSQL crash or failover). Same
    /// alphabet as <see cref="Schema"/>, at most 48 characters.
    /// </summary>
    /// <value>Defaults to <c>wsauth_revocations</c>.</value>
    public string TableName { get; set; } = "wsauth_revocations";

    /// <summary>The LISTEN/NOTIFY channel: same alphabet as <see cref="Schema"/>, at most 63 characters.</summary>
    /// <value>Defaults to <c>wsauth_revocation</c>.</value>
    public string Channel { get; set; } = "wsauth_revocation";

    /// <summary>Create the schema and table when they are missing (needs the <c>CREATE</c> privilege). When off, a missing table is logged with the SQL to run, and handshakes are refused as while the backplane is unreachable.</summary>
    /// <value>Defaults to <see langword="false"/>.</value>
    public bool CreateTableIfMissing { get; set; }

    /// <summary>The most one publish or load may take, connecting included.</summary>
    /// <value>Defaults to 5 seconds.</value>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the listening connection is probed while no notification arrives: a dead connection is noticed within about this long.</summary>
    /// <value>Defaults to 5 seconds.</value>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(5);
}
