namespace WsAuth;

/// <summary>
/// Options of the PostgreSQL ticket store (<c>AddPostgresTicketStore(...)</c>, package WsAuth.Postgres). Bound from the
/// <c>WsAuth:Postgres</c> configuration section, then from the arguments and delegate given to
/// <c>AddPostgresTicketStore</c>; validated when the app starts.
/// </summary>
public sealed class PostgresTicketStoreOptions
{
    /// <summary>
    /// The Npgsql connection string (<c>Host=db;Database=app;Username=app;Password=...</c>). Not needed when an
    /// <c>NpgsqlDataSource</c> is given to <c>AddPostgresTicketStore</c>.
    /// </summary>
    /// <value>Defaults to <see langword="null"/>.</value>
    public string? ConnectionString { get; set; }

    /// <summary>The schema of the ticket table: lowercase letters, digits and <c>_</c>, starting with a letter or <c>_</c>.</summary>
    /// <value>Defaults to <c>public</c>.</value>
    public string Schema { get; set; } = "public";

    /// <summary>The name of the ticket table: lowercase letters, digits and <c>_</c>, starting with a letter or <c>_</c>, at most 48 characters.</summary>
    /// <value>Defaults to <c>wsauth_tickets</c>.</value>
    public string TableName { get; set; } = "wsauth_tickets";

    /// <summary>
    /// Create the schema, table and index at startup when they are missing (needs the <c>CREATE</c> privilege). When
    /// off, a missing table is a startup error that shows the SQL to run.
    /// </summary>
    /// <value>Defaults to <see langword="false"/>.</value>
    public bool CreateTableIfMissing { get; set; }

    /// <summary>
    /// Create the table <c>UNLOGGED</c>: no write-ahead log, so issuing and redeeming are cheaper. An unlogged table keeps
    /// its rows across a clean restart, but is emptied after a crash and is not replicated to standbys (after a failover,
    /// clients simply fetch new tickets). Only used when the store creates the table.
    /// </summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool UnloggedTable { get; set; } = true;

    /// <summary>
    /// The most one store operation (issuing or redeeming a ticket) may take, connecting included. When the database is
    /// slower or unreachable, the request gets 503 <c>store_unavailable</c>: never a 101.
    /// </summary>
    /// <value>Defaults to 2 seconds. Between 100 milliseconds and 30 seconds.</value>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often expired tickets are deleted, by a background task on each instance.</summary>
    /// <value>Defaults to 1 minute. Between 1 second and 1 hour.</value>
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromMinutes(1);
}
