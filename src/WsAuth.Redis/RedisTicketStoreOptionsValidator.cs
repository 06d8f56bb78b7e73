using System.Globalization;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace WsAuth.Redis;

/// <summary>Validates <see cref="RedisTicketStoreOptions"/> once, at startup, and reports every problem with its fix.</summary>
internal sealed class RedisTicketStoreOptionsValidator(IServiceProvider services) : IValidateOptions<RedisTicketStoreOptions>
{
    public const int MaxKeyPrefixLength = 64;
    private static readonly TimeSpan MinOperationTimeout = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxOperationTimeout = TimeSpan.FromSeconds(30);

    public ValidateOptionsResult Validate(string? name, RedisTicketStoreOptions options)
    {
        var errors = new List<string>();
        var source = RedisTicketConnectionSource.Resolve(
            options,
            services.GetService<IOptions<RedisCacheOptions>>()?.Value,
            services.GetService<RedisTicketConnection.GivenConnection>() is not null,
            services.GetService<IServiceProviderIsService>()?.IsService(typeof(IConnectionMultiplexer)) == true);
        switch (source.Kind)
        {
            case RedisTicketConnectionSource.SourceKind.None:
                errors.Add("WsAuth.Redis: no Redis to connect to. Set WsAuth:Redis:Configuration (for example \"redis:6379\"), pass a "
                    + "configuration string to AddRedisTicketStore(\"redis:6379\"), call AddStackExchangeRedisCache(...) before it, "
                    + "or register an IConnectionMultiplexer.");
                break;
            case RedisTicketConnectionSource.SourceKind.Configuration:
                ValidateConfiguration(options.Configuration!, "WsAuth:Redis:Configuration", errors);
                break;
            case RedisTicketConnectionSource.SourceKind.CacheConfiguration:
                ValidateConfiguration(services.GetRequiredService<IOptions<RedisCacheOptions>>().Value.Configuration!, "RedisCacheOptions.Configuration", errors);
                break;
        }

        if (!IsValidPrefix(options.KeyPrefix))
        {
            errors.Add($"WsAuth.Redis: the key prefix \"{Printable(options.KeyPrefix)}\" is not allowed. Use 1 to {MaxKeyPrefixLength} letters, digits "
                + "and ': _ - . { }' (WsAuth:Redis:KeyPrefix; the default is \"wsauth:ticket:\").");
        }

        if (options.OperationTimeout < MinOperationTimeout || options.OperationTimeout > MaxOperationTimeout)
        {
            errors.Add($"WsAuth.Redis: the operation timeout {options.OperationTimeout.ToString("c", CultureInfo.InvariantCulture)} is outside "
                + "00:00:00.1 to 00:00:30. Set WsAuth:Redis:OperationTimeout; the default is 00:00:02.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static bool IsValidPrefix(string? prefix)
    {
        if (string.IsNullOrEmpty(prefix) || prefix.Length > MaxKeyPrefixLength)
        {
            return false;
        }

        foreach (var c in prefix)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not (':' or '_' or '-' or '.' or '{' or '}'))
            {
                return false;
            }
        }

        return true;
    }

    private static void ValidateConfiguration(string configuration, string setting, List<string> errors)
    {
        ConfigurationOptions parsed;
        try
        {
            parsed = ConfigurationOptions.Parse(configuration);
        }
        catch (ArgumentException)
        {
            // The message is not copied: it could quote part of the configuration, password included.
            errors.Add($"WsAuth.Redis: {setting} is not a valid StackExchange.Redis configuration string (host:port[,password=...][,ssl=true]). Check {setting}.");
            return;
        }

        if (parsed.EndPoints.Count == 0)
        {
            errors.Add($"WsAuth.Redis: {setting} names no server. Give at least one host:port, for example \"redis:6379\".");
        }
    }

    private static string Printable(string? value)
        => value is null ? "(null)" : new string([.. value.Take(64).Select(c => char.IsControl(c) ? '?' : c)]);
}
