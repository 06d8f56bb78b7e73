using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace WsAuth.Postgres;

/// <summary>Binds <see cref="PostgresRevocationOptions"/> from <c>WsAuth:Postgres:Revocation</c>.</summary>
internal sealed class PostgresRevocationConfigureOptions(IServiceProvider services) : IConfigureOptions<PostgresRevocationOptions>
{
    public const string SectionName = "WsAuth:Postgres:Revocation";

    public void Configure(PostgresRevocationOptions options)
    {
        var section = services.GetService<IConfiguration>()?.GetSection(SectionName);
        if (section is null || !section.Exists())
        {
            return;
        }

        options.ConnectionString = section[nameof(PostgresRevocationOptions.ConnectionString)] ?? options.ConnectionString;
        options.Schema = section[nameof(PostgresRevocationOptions.Schema)] ?? options.Schema;
        options.TableName = section[nameof(PostgresRevocationOptions.TableName)] ?? options.TableName;
        options.Channel = section[nameof(PostgresRevocationOptions.Channel)] ?? options.Channel;
        if (bool.TryParse(section[nameof(PostgresRevocationOptions.CreateTableIfMissing)], out var create))
        {
            options.CreateTableIfMissing = create;
        }
    }
}
