using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

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
        if (section[nameof(RedisRevocationOptions.OperationTimeout)] is { } timeout)
        {
            options.OperationTimeout = TimeSpan.TryParse(timeout, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new OptionsValidationException(nameof(RedisRevocationOptions), typeof(RedisRevocationOptions), [$"{SectionName}:OperationTimeout must be a duration such as 00:00:05."]);
        }
    }
}
