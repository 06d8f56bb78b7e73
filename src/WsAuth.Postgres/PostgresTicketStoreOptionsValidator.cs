using System.Globalization;
using Microsoft.Extensions.Options;
using Npgsql;

namespace WsAuth.Postgres;

/// <summary>Validates <see cref="PostgresTicketStoreOptions"/> once, at startup, and reports every problem with its fix.</summary>
internal sealed class PostgresTicketStoreOptionsValidator(PostgresTicketDataSource.ExternalDataSource? external = null)
    : IValidateOptions<PostgresTicketStoreOptions>
{
    private static readonly TimeSpan MinOperationTimeout = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxOperationTimeout = TimeSpan.FromSeconds(30);

    public ValidateOptionsResult Validate(string? name, PostgresTicketStoreOptions options)
    {
        var errors = new List<string>();
        if (external is null)
        {
            if (string.IsNullOrWhiteSpace(options.ConnectionString))
            {
                errors.Add("WsAuth.Postgres: no connection string. Pass one to AddPostgresTicketStore(connectionString), set "
                    + "WsAuth:Postgres:ConnectionString in configuration, or pass an NpgsqlDataSource.");
            }
            else
            {
                try
                {
                    _ = new NpgsqlConnectionStringBuilder(options.ConnectionString);
                }
                catch (ArgumentException)
                {
                    // The message is not copied: it could quote part of the connection string, password included.
                    errors.Add("WsAuth.Postgres: the connection string is not a valid Npgsql connection string "
                        + "(Host=...;Database=...;Username=...;Password=...). Check WsAuth:Postgres:ConnectionString.");
                }
            }
        }

        if (!PostgresTicketTable.IsValidIdentifier(options.Schema, 63))
        {
            errors.Add($"WsAuth.Postgres: the schema name \"{Printable(options.Schema)}\" is not allowed. Use lowercase letters, digits and '_', "
                + "starting with a letter or '_' (WsAuth:Postgres:Schema; the default is \"public\").");
        }

        if (!PostgresTicketTable.IsValidIdentifier(options.TableName, PostgresTicketTable.MaxTableNameLength))
        {
            errors.Add($"WsAuth.Postgres: the table name \"{Printable(options.TableName)}\" is not allowed. Use at most "
                + $"{PostgresTicketTable.MaxTableNameLength} lowercase letters, digits and '_', starting with a letter or '_' "
                + "(WsAuth:Postgres:TableName; the default is \"wsauth_tickets\").");
        }

        if (options.OperationTimeout < MinOperationTimeout || options.OperationTimeout > MaxOperationTimeout)
        {
            errors.Add($"WsAuth.Postgres: the operation timeout {Format(options.OperationTimeout)} is outside 00:00:00.1 to 00:00:30. "
                + "Set WsAuth:Postgres:OperationTimeout; the default is 00:00:02.");
        }

        if (options.CleanupInterval < TimeSpan.FromSeconds(1) || options.CleanupInterval > TimeSpan.FromHours(1))
        {
            errors.Add($"WsAuth.Postgres: the cleanup interval {Format(options.CleanupInterval)} is outside 00:00:01 to 01:00:00. "
                + "Set WsAuth:Postgres:CleanupInterval; the default is 00:01:00.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static string Format(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);

    private static string Printable(string? value)
        => value is null ? "(null)" : new string([.. value.Take(64).Select(c => char.IsControl(c) ? '?' : c)]);
}
