using Microsoft.Extensions.Configuration;

namespace WsAuth.Internal;

/// <summary>Binds <see cref="WebSocketFirstMessageOptions"/> from <c>WsAuth:FirstMessage</c>, when there is a configuration.</summary>
internal sealed class WebSocketFirstMessageConfigureOptions(IServiceProvider services) : SectionConfigureOptions<WebSocketFirstMessageOptions>(services, Section)
{
    public const string Section = WebSocketAuthDefaults.ConfigurationSection + ":FirstMessage";

    protected override void Bind(IConfigurationSection section, WebSocketFirstMessageOptions options)
    {
        ConfigurationValues.Bind<WebSocketFirstMessageOptions>(section, nameof(options.Deadline), v => options.Deadline = v);
        ConfigurationValues.Bind<WebSocketFirstMessageOptions>(section, nameof(options.MaxMessageSize), v => options.MaxMessageSize = v);
        ConfigurationValues.Bind<WebSocketFirstMessageOptions>(section, nameof(options.MaxPendingSockets), v => options.MaxPendingSockets = v);
        ConfigurationValues.Bind<WebSocketFirstMessageOptions>(section, nameof(options.MaxPendingSocketsPerClient), v => options.MaxPendingSocketsPerClient = v);
        ConfigurationValues.Bind<WebSocketFirstMessageOptions>(section, nameof(options.MaxPendingSocketsPerNetwork), v => options.MaxPendingSocketsPerNetwork = v);
        ConfigurationValues.Bind<WebSocketFirstMessageOptions>(section, nameof(options.SendAcknowledgement), v => options.SendAcknowledgement = v);
    }
}
