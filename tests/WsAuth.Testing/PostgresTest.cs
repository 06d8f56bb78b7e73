namespace WsAuth.Testing;

/// <summary>
/// A test class that uses the PostgreSQL server: every table it names with <see cref="NewTableName"/> is its own and is
/// dropped after the test, so a developer's own server is left as it was.
/// </summary>
public abstract class PostgresTest : Xunit.IAsyncLifetime
{
    private readonly List<string> _tables = [];

    /// <summary>A table (or schema, prefixed <c>s_</c>) name no other test uses; dropped after the test.</summary>
    protected string NewTableName()
    {
        var name = PostgresTestDatabase.NewTableName();
        _tables.Add(name);
        return name;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
        => _tables.Count == 0 || PostgresTestDatabase.Skipped || Environment.GetEnvironmentVariable(PostgresTestDatabase.ConnectionStringVariable) is not { Length: > 0 }
            ? Task.CompletedTask
            : PostgresTestDatabase.DropAsync(_tables);
}
