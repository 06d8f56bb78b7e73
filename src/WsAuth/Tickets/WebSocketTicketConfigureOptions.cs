using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace WsAuth.Tickets;

/// <summary>Binds <see cref="WebSocketTicketOptions"/> from the <c>WsAuth:Tickets</c> configuration section, when there is a configuration.</summary>
internal sealed class WebSocketTicketConfigureOptions(IServiceProvider services) : IConfigureOptions<WebSocketTicketOptions>
{
    public const string SectionName = WebSocketAuthDefaults.ConfigurationSection + ":Tickets";

    public void Configure(WebSocketTicketOptions options)
    {
        var section = services.GetService<IConfiguration>()?.GetSection(SectionName);
        if (section is null || !section.Exists())
        {
            return;
        }

        if (section[nameof(WebSocketTicketOptions.Lifetime)] is { } lifetime)
        {
            options.Lifetime = TimeSpan.TryParse(lifetime, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw Invalid(nameof(WebSocketTicketOptions.Lifetime), "a duration such as 00:00:30");
        }

        if (section[nameof(WebSocketTicketOptions.QueryParameter)] is { } queryParameter)
        {
            options.QueryParameter = queryParameter;
        }

        if (section[nameof(WebSocketTicketOptions.SubprotocolPrefix)] is { } prefix)
        {
            options.SubprotocolPrefix = prefix.Length == 0 ? null : prefix;
        }

        BindBoolean(section, nameof(WebSocketTicketOptions.BindToOrigin), v => options.BindToOrigin = v);
        BindBoolean(section, nameof(WebSocketTicketOptions.BindToClientIp), v => options.BindToClientIp = v);
        if (section[nameof(WebSocketTicketOptions.MemoryStoreCapacity)] is { } capacity)
        {
            options.MemoryStoreCapacity = int.TryParse(capacity, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw Invalid(nameof(WebSocketTicketOptions.MemoryStoreCapacity), "a whole number such as 100000");
        }
    }

    private static void BindBoolean(IConfigurationSection section, string key, Action<bool> set)
    {
        if (section[key] is { } raw)
        {
            set(bool.TryParse(raw, out var value) ? value : throw Invalid(key, "true or false"));
        }
    }

    private static OptionsValidationException Invalid(string key, string expected)
        => new(nameof(WebSocketTicketOptions), typeof(WebSocketTicketOptions), [$"{SectionName}:{key} must be {expected}."]);
}
