using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace WsAuth.Internal;

/// <summary>Binds <see cref="WebSocketFirstMessageOptions"/> from <c>WsAuth:FirstMessage</c>, when there is a configuration.</summary>
internal sealed class WebSocketFirstMessageConfigureOptions(IServiceProvider services) : IConfigureOptions<WebSocketFirstMessageOptions>
{
    public const string Section = WebSocketAuthDefaults.ConfigurationSection + ":FirstMessage";

    public void Configure(WebSocketFirstMessageOptions options)
    {
        var section = services.GetService<IConfiguration>()?.GetSection(Section);
        if (section is null || !section.Exists())
        {
            return;
        }

        ConfigurationValues.Bind<WebSocketFirstMessageOptions>(section, nameof(options.Deadline), v => options.Deadline = v);
        ConfigurationValues.Bind<WebSocketFirstMessageOptions>(section, nameof(options.MaxMessageSize), v => options.MaxMessageSize = v);
        ConfigurationValues.Bind<WebSocketFirstMessageOptions>(section, nameof(options.MaxPendingSockets), v => options.MaxPendingSockets = v);
        ConfigurationValues.Bind<WebSocketFirstMessageOptions>(section, nameof(options.MaxPendingSocketsPerClient), v => options.MaxPendingSocketsPerClient = v);
        ConfigurationValues.Bind<WebSocketFirstMessageOptions>(section, nameof(options.MaxPendingSocketsPerNetwork), v => options.MaxPendingSocketsPerNetwork = v);
        ConfigurationValues.Bind<WebSocketFirstMessageOptions>(section, nameof(options.SendAcknowledgement), v => options.SendAcknowledgement = v);
    }
}
