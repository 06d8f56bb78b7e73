using Microsoft.Extensions.Options;
using Npgsql;

namespace WsAuth.Postgres;

/// <summary>Validates <see cref="PostgresRevocationOptions"/>, reporting every error at once; the connection string is never echoed.</summary>
internal sealed class PostgresRevocationOptionsValidator : IValidateOptions<PostgresRevocationOptions>
{
    public ValidateOptionsResult Validate(string? name, PostgresRevocationOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            errors.Add("The PostgreSQL revocation backplane needs a connection string: pass it to AddPostgresRevocation(...) or set WsAuth:Postgres:Revocation:ConnectionString.");
        }
        else
        {
            try
            {
                _ = new NpgsqlConnectionStringBuilder(options.ConnectionString);
            }
            catch (ArgumentException)
            {
                errors.Add("The connection string of the PostgreSQL revocation backplane does not parse (its value is not shown: it may hold a password).");
            }
        }

        if (!PostgresTicketTable.IsValidIdentifier(options.Schema, 63))
        {
            errors.Add("WsAuth:Postgres:Revocation:Schema must be lowercase letters, digits and '_', starting with a letter or '_'.");
        }

        if (!PostgresTicketTable.IsValidIdentifier(options.TableName, PostgresTicketTable.MaxTableNameLength))
        {
            errors.Add("WsAuth:Postgres:Revocation:TableName must be lowercase letters, digits and '_', starting with a letter or '_', at most 48 characters.");
        }

        if (!PostgresTicketTable.IsValidIdentifier(options.Channel, 63))
        {
            errors.Add("WsAuth:Postgres:Revocation:Channel must be lowercase letters, digits and '_', starting with a letter or '_', at most 63 characters.");
        }

        if (options.OperationTimeout < TimeSpan.FromMilliseconds(100) || options.OperationTimeout > TimeSpan.FromSeconds(60))
        {
            errors.Add("WsAuth:Postgres:Revocation:OperationTimeout must be between 100 milliseconds and 60 seconds.");
        }

        if (options.KeepAliveInterval < TimeSpan.FromMilliseconds(100) || options.KeepAliveInterval > TimeSpan.FromMinutes(5))
        {
            errors.Add("WsAuth:Postgres:Revocation:KeepAliveInterval must be between 100 milliseconds and 5 minutes.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
