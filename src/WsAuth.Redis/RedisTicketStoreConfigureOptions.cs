using Microsoft.Extensions.Configuration;
using WsAuth.Internal;

namespace WsAuth.Redis;

/// <summary>Binds <see cref="RedisTicketStoreOptions"/> from the <c>WsAuth:Redis</c> configuration section, when there is a configuration.</summary>
internal sealed class RedisTicketStoreConfigureOptions(IServiceProvider services) : SectionConfigureOptions<RedisTicketStoreOptions>(services, SectionName)
{
    public const string SectionName = WebSocketAuthDefaults.ConfigurationSection + ":Redis";

    protected override void Bind(IConfigurationSection section, RedisTicketStoreOptions options)
    {
        ConfigurationValues.String(section, nameof(RedisTicketStoreOptions.Configuration), v => options.Configuration = v.Length > 0 ? v : options.Configuration);
        ConfigurationValues.String(section, nameof(RedisTicketStoreOptions.KeyPrefix), v => options.KeyPrefix = v);
        ConfigurationValues.Bind<RedisTicketStoreOptions>(section, nameof(RedisTicketStoreOptions.OperationTimeout), v => options.OperationTimeout = v);
    }
}
