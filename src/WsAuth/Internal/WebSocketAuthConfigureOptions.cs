using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace WsAuth.Internal;

/// <summary>Binds <see cref="WebSocketAuthOptions"/> from the <c>WsAuth</c> configuration section, when there is a configuration.</summary>
internal sealed class WebSocketAuthConfigureOptions(IServiceProvider services) : IConfigureOptions<WebSocketAuthOptions>
{
    public void Configure(WebSocketAuthOptions options)
    {
        var section = services.GetService<IConfiguration>()?.GetSection(WebSocketAuthDefaults.ConfigurationSection);
        if (section is null || !section.Exists())
        {
            return;
        }

        foreach (var origin in section.GetSection(nameof(WebSocketAuthOptions.AllowedOrigins)).GetChildren())
        {
            if (origin.Value is { } value)
            {
                options.AllowedOrigins.Add(value);
            }
        }

        BindBoolean(section, nameof(WebSocketAuthOptions.AllowAnyOrigin), v => options.AllowAnyOrigin = v);
        BindBoolean(section, nameof(WebSocketAuthOptions.AllowNullOrigin), v => options.AllowNullOrigin = v);
        BindBoolean(section, nameof(WebSocketAuthOptions.RequireSecureTransport), v => options.RequireSecureTransport = v);
        if (section[nameof(WebSocketAuthOptions.MissingOrigin)] is { } missing)
        {
            options.MissingOrigin = Enum.TryParse<MissingOriginPolicy>(missing, ignoreCase: true, out var policy) && Enum.IsDefined(policy)
                ? policy
                : throw new OptionsValidationException(
                    nameof(WebSocketAuthOptions),
                    typeof(WebSocketAuthOptions),
                    [$"WsAuth:MissingOrigin must be one of {string.Join(", ", Enum.GetNames<MissingOriginPolicy>())}."]);
        }
    }

    private static void BindBoolean(IConfigurationSection section, string key, Action<bool> set)
    {
        if (section[key] is not { } raw)
        {
            return;
        }

        if (!bool.TryParse(raw, out var value))
        {
            throw new OptionsValidationException(
                nameof(WebSocketAuthOptions),
                typeof(WebSocketAuthOptions),
                [$"WsAuth:{key} must be true or false."]);
        }

        set(value);
    }
}
