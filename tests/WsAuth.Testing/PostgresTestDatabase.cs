using System.Diagnostics;
using System.Security.Cryptography;
using Npgsql;

namespace WsAuth.Testing;

/// <summary>
/// The PostgreSQL server the tests run against: <c>WSAUTH_POSTGRES</c> (a connection string). Without it every test here
/// fails with a message saying how to start one, unless <c>WSAUTH_SKIP_POSTGRES=1</c> (then they are skipped).
/// </summary>
public static class PostgresTestDatabase
{
    public const string ConnectionStringVariable = "WSAUTH_POSTGRES";
    public const string SkipVariable = "WSAUTH_SKIP_POSTGRES";
    public const string ClusterVariable = "WSAUTH_POSTGRES_CLUSTER";

    public const string HowToStart =
        "The PostgreSQL tests need a server: set WSAUTH_POSTGRES to a connection string (for example "
        + "\"Host=127.0.0.1;Port=55432;Username=postgres;Database=wsauth_test\"). ./test.sh starts a throwaway cluster and sets it; "
        + "to keep one running for plain `dotnet test`, run `WSAUTH_KEEP_POSTGRES=1 ./test.sh --filter FullyQualifiedName~NoSuchTest` once, then "
        + "`export WSAUTH_POSTGRES=\"Host=127.0.0.1;Port=55432;Username=postgres;Database=wsauth_test\"`. "
        + "To skip these tests instead, set WSAUTH_SKIP_POSTGRES=1 (CI never does).";

    public static bool Skipped => Environment.GetEnvironmentVariable(SkipVariable) == "1";

    /// <summary>The connection string; fails the test with <see cref="HowToStart"/> when there is none.</summary>
    public static string ConnectionString
        => Environment.GetEnvironmentVariable(ConnectionStringVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(HowToStart);

    /// <summary>A table (or schema) name no other test uses.</summary>
    public static string NewTableName() => "t_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>Drops test tables (and the schemas named <c>s_&lt;name&gt;</c>), without waiting long for locks.</summary>
    public static async Task DropAsync(IEnumerable<string> names)
    {
        // Unpooled: a test may have terminated or restarted the server under the pool.
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        foreach (var name in names)
        {
            await using var command = new NpgsqlCommand(
                $"SET lock_timeout = '2s'; DROP TABLE IF EXISTS \"public\".\"{name}\"; DROP SCHEMA IF EXISTS \"s_{name}\" CASCADE;", connection);
            try
            {
                await command.ExecuteNonQueryAsync();
            }
            catch (PostgresException)
            {
                // Best effort: test.sh's cluster is thrown away anyway.
            }
        }
    }

    /// <summary>The connection string with another host and port (a proxy in front of the server).</summary>
    public static string Through(string host, int port)
        => new NpgsqlConnectionStringBuilder(ConnectionString) { Host = host, Port = port }.ConnectionString;

    public static (string Host, int Port) Server
    {
        get
        {
            var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
            return (builder.Host ?? "127.0.0.1", builder.Port);
        }
    }

    /// <summary>The application name of the tests' own helper connections (never an app under test).</summary>
    public const string HelperApplicationName = "wsauth-tests-helper";

    private static string HelperConnectionString
        => new NpgsqlConnectionStringBuilder(ConnectionString) { ApplicationName = HelperApplicationName }.ConnectionString;

    public static async Task<T?> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(HelperConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    public static async Task ExecuteAsync(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(HelperConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Whether test.sh told us which cluster it started, so a test may restart it.</summary>
    public static bool CanRestartCluster => Environment.GetEnvironmentVariable(ClusterVariable) is { Length: > 0 } cluster && cluster.Split('/').Length == 2;

    /// <summary>
    /// Waits (at most 60 seconds) until no other client is connected to the server: tests in other assemblies may be
    /// using it, and a restart must not fail them. The caller's app and the tests' helper connections do not count.
    /// </summary>
    /// <returns>Whether the server is now free.</returns>
    public static async Task<bool> WaitUntilAloneAsync(string ownApplicationName)
    {
        for (var attempt = 0; attempt < 240; attempt++)
        {
            var others = await ScalarAsync<long>(
                "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND application_name NOT IN ($1, $2)",
                ownApplicationName,
                HelperApplicationName);
            if (others == 0)
            {
                return true;
            }

            await Task.Delay(250);
        }

        return false;
    }

    /// <summary>Restarts test.sh's cluster the way an operator would: <c>pg_ctlcluster VERSION NAME restart</c>.</summary>
    public static async Task RestartClusterAsync()
    {
        var (version, name) = Environment.GetEnvironmentVariable(ClusterVariable)?.Split('/') is [var v, var n]
            ? (v, n)
            : throw new InvalidOperationException(ClusterVariable + " is not set: only test.sh's own cluster may be restarted.");
        var asRoot = Environment.UserName == "root";
        var start = new ProcessStartInfo(asRoot ? "pg_ctlcluster" : "sudo")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        if (!asRoot)
        {
            start.ArgumentList.Add("-n");
            start.ArgumentList.Add("pg_ctlcluster");
        }

        // pg_ctlcluster restarts in "fast" mode: a clean shutdown, which keeps the rows of unlogged tables.
        foreach (var argument in new[] { version, name, "restart" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Xunit.Assert.True(process.ExitCode == 0, $"pg_ctlcluster {version} {name} restart failed: {stderr}");

        // The restart killed every pooled connection of this process: the test helpers' next queries (and the next
        // restart test's, even when this test fails before its own clean-up) must not meet them.
        NpgsqlConnection.ClearAllPools();
    }
}

/// <summary>A test against the real PostgreSQL server; skipped only when <c>WSAUTH_SKIP_POSTGRES=1</c>.</summary>
public sealed class PostgresFactAttribute : Xunit.FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresTestDatabase.Skipped)
        {
            Skip = "WSAUTH_SKIP_POSTGRES=1";
        }
    }
}
