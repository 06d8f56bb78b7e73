using Microsoft.Extensions.Configuration;
using WsAuth.Internal;

namespace WsAuth.Postgres;

/// <summary>Binds <see cref="PostgresRevocationOptions"/> from <c>WsAuth:Postgres:Revocation</c>, strictly.</summary>
internal sealed class PostgresRevocationConfigureOptions(IServiceProvider services) : SectionConfigureOptions<PostgresRevocationOptions>(services, SectionName)
{
    public const string SectionName = "WsAuth:Postgres:Revocation";

    protected override void Bind(IConfigurationSection section, PostgresRevocationOptions options)
    {
        ConfigurationValues.String(section, nameof(PostgresRevocationOptions.ConnectionString), v => options.ConnectionString = v);
        ConfigurationValues.String(section, nameof(PostgresRevocationOptions.Schema), v => options.Schema = v);
        ConfigurationValues.String(section, nameof(PostgresRevocationOptions.TableName), v => options.TableName = v);
        ConfigurationValues.String(section, nameof(PostgresRevocationOptions.Channel), v => options.Channel = v);

        // Strict like every other key: "yes" or a typo fails at startup naming the key instead of being ignored.
        ConfigurationValues.Bind<PostgresRevocationOptions>(section, nameof(PostgresRevocationOptions.CreateTableIfMissing), v => options.CreateTableIfMissing = v);
    }
}
