using System.Diagnostics;
using System.Security.Cryptography;
using Npgsql;

namespace WsAuth.Postgres.Tests;

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

    public static async Task<T?> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
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
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Restarts the server the way an operator would (<c>pg_ctlcluster VERSION NAME restart</c>) when test.sh told us which
    /// cluster it started; returns <see langword="false"/> when the server is someone else's and must not be restarted.
    /// </summary>
    public static async Task<bool> TryRestartClusterAsync()
    {
        if (Environment.GetEnvironmentVariable(ClusterVariable) is not { Length: > 0 } cluster || cluster.Split('/') is not [var version, var name])
        {
            return false;
        }

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
        Assert.True(process.ExitCode == 0, $"pg_ctlcluster {version} {name} restart failed: {stderr}");
        return true;
    }
}

/// <summary>A test against the real PostgreSQL server; skipped only when <c>WSAUTH_SKIP_POSTGRES=1</c>.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresTestDatabase.Skipped)
        {
            Skip = "WSAUTH_SKIP_POSTGRES=1";
        }
    }
}
