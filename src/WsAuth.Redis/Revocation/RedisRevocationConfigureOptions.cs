using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WsAuth.Internal;

namespace WsAuth.Redis;

/// <summary>Binds <see cref="RedisRevocationOptions"/>: <c>WsAuth:Redis:Configuration</c>, then the <c>WsAuth:Redis:Revocation</c> section.</summary>
internal sealed class RedisRevocationConfigureOptions(IServiceProvider services) : IConfigureOptions<RedisRevocationOptions>
{
    public const string SectionName = "WsAuth:Redis:Revocation";

    public void Configure(RedisRevocationOptions options)
    {
        var configuration = services.GetService<IConfiguration>();
        if (configuration is null)
        {
            return;
        }

        if (configuration["WsAuth:Redis:Configuration"] is { Length: > 0 } shared)
        {
            options.Configuration = shared;
        }

        var section = configuration.GetSection(SectionName);
        if (section[nameof(RedisRevocationOptions.Configuration)] is { Length: > 0 } own)
        {
            options.Configuration = own;
        }

        options.KeyPrefix = section[nameof(RedisRevocationOptions.KeyPrefix)] ?? options.KeyPrefix;
        options.Channel = section[nameof(RedisRevocationOptions.Channel)] ?? options.Channel;
        ConfigurationValues.Bind<RedisRevocationOptions>(section, nameof(RedisRevocationOptions.OperationTimeout), v => options.OperationTimeout = v);
    }
}
