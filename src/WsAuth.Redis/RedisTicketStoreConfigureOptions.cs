using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace WsAuth.Redis;

/// <summary>Binds <see cref="RedisTicketStoreOptions"/> from the <c>WsAuth:Redis</c> configuration section, when there is a configuration.</summary>
internal sealed class RedisTicketStoreConfigureOptions(IServiceProvider services) : IConfigureOptions<RedisTicketStoreOptions>
{
    public const string SectionName = WebSocketAuthDefaults.ConfigurationSection + ":Redis";

    public void Configure(RedisTicketStoreOptions options)
    {
        var section = services.GetService<IConfiguration>()?.GetSection(SectionName);
        if (section is null || !section.Exists())
        {
            return;
        }

        if (section[nameof(RedisTicketStoreOptions.Configuration)] is { Length: > 0 } configuration)
        {
            options.Configuration = configuration;
        }

        if (section[nameof(RedisTicketStoreOptions.KeyPrefix)] is { } prefix)
        {
            options.KeyPrefix = prefix;
        }

        if (section[nameof(RedisTicketStoreOptions.OperationTimeout)] is { } timeout)
        {
            options.OperationTimeout = TimeSpan.TryParse(timeout, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new OptionsValidationException(
                    nameof(RedisTicketStoreOptions),
                    typeof(RedisTicketStoreOptions),
                    [$"{SectionName}:{nameof(RedisTicketStoreOptions.OperationTimeout)} must be a duration such as 00:00:02."]);
        }
    }
}
