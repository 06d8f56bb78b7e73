using Microsoft.Extensions.Configuration;
using WsAuth.Internal;

namespace WsAuth.Postgres;

/// <summary>Binds <see cref="PostgresTicketStoreOptions"/> from the <c>WsAuth:Postgres</c> configuration section, when there is a configuration.</summary>
internal sealed class PostgresTicketStoreConfigureOptions(IServiceProvider services) : SectionConfigureOptions<PostgresTicketStoreOptions>(services, SectionName)
{
    public const string SectionName = WebSocketAuthDefaults.ConfigurationSection + ":Postgres";

    protected override void Bind(IConfigurationSection section, PostgresTicketStoreOptions options)
    {
        ConfigurationValues.String(section, nameof(PostgresTicketStoreOptions.ConnectionString), v => options.ConnectionString = v.Length > 0 ? v : options.ConnectionString);
        ConfigurationValues.String(section, nameof(PostgresTicketStoreOptions.Schema), v => options.Schema = v);
        ConfigurationValues.String(section, nameof(PostgresTicketStoreOptions.TableName), v => options.TableName = v);
        ConfigurationValues.Bind<PostgresTicketStoreOptions>(section, nameof(PostgresTicketStoreOptions.CreateTableIfMissing), v => options.CreateTableIfMissing = v);
        ConfigurationValues.Bind<PostgresTicketStoreOptions>(section, nameof(PostgresTicketStoreOptions.UnloggedTable), v => options.UnloggedTable = v);
        ConfigurationValues.Bind<PostgresTicketStoreOptions>(section, nameof(PostgresTicketStoreOptions.OperationTimeout), v => options.OperationTimeout = v);
        ConfigurationValues.Bind<PostgresTicketStoreOptions>(section, nameof(PostgresTicketStoreOptions.CleanupInterval), v => options.CleanupInterval = v);
    }
}
