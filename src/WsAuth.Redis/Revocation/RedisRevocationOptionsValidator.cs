using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace WsAuth.Redis;

/// <summary>Validates <see cref="RedisRevocationOptions"/>, reporting every error; the configuration string is never echoed.</summary>
internal sealed class RedisRevocationOptionsValidator : IValidateOptions<RedisRevocationOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisRevocationOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Configuration))
        {
            errors.Add("The Redis revocation backplane needs a Redis: set WsAuth:Redis:Configuration (shared with the ticket store) or pass it to AddRedisRevocation(...).");
        }
        else
        {
            try
            {
                _ = ConfigurationOptions.Parse(options.Configuration);
            }
            catch (ArgumentException)
            {
                errors.Add("The Redis configuration of the revocation backplane does not parse (its value is not shown: it may hold a password).");
            }
        }

        if (string.IsNullOrEmpty(options.KeyPrefix) || options.KeyPrefix.Length > 128)
        {
            errors.Add("WsAuth:Redis:Revocation:KeyPrefix must be 1 to 128 characters.");
        }

        if (string.IsNullOrEmpty(options.Channel) || options.Channel.Length > 128)
        {
            errors.Add("WsAuth:Redis:Revocation:Channel must be 1 to 128 characters.");
        }

        if (options.OperationTimeout < TimeSpan.FromMilliseconds(100) || options.OperationTimeout > TimeSpan.FromSeconds(60))
        {
            errors.Add("WsAuth:Redis:Revocation:OperationTimeout must be between 100 milliseconds and 60 seconds.");
        }

        if (options.KeepAliveInterval < TimeSpan.FromMilliseconds(100) || options.KeepAliveInterval > TimeSpan.FromMinutes(5))
        {
            errors.Add("WsAuth:Redis:Revocation:KeepAliveInterval must be between 100 milliseconds and 5 minutes.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
