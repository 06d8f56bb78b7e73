using Microsoft.Extensions.Configuration;

namespace WsAuth.Internal;

/// <summary>Binds <see cref="WebSocketTicketOptions"/> from the <c>WsAuth:Tickets</c> configuration section, when there is a configuration.</summary>
internal sealed class WebSocketTicketConfigureOptions(IServiceProvider services) : SectionConfigureOptions<WebSocketTicketOptions>(services, SectionName)
{
    public const string SectionName = WebSocketAuthDefaults.ConfigurationSection + ":Tickets";

    protected override void Bind(IConfigurationSection section, WebSocketTicketOptions options)
    {
        ConfigurationValues.Bind<WebSocketTicketOptions>(section, nameof(WebSocketTicketOptions.Lifetime), v => options.Lifetime = v);
        ConfigurationValues.String(section, nameof(WebSocketTicketOptions.QueryParameter), v => options.QueryParameter = v);
        ConfigurationValues.String(section, nameof(WebSocketTicketOptions.SubprotocolPrefix), v => options.SubprotocolPrefix = v.Length == 0 ? null : v);
        ConfigurationValues.Bind<WebSocketTicketOptions>(section, nameof(WebSocketTicketOptions.BindToOrigin), v => options.BindToOrigin = v);
        ConfigurationValues.Bind<WebSocketTicketOptions>(section, nameof(WebSocketTicketOptions.BindToClientIp), v => options.BindToClientIp = v);
        ConfigurationValues.Bind<WebSocketTicketOptions>(section, nameof(WebSocketTicketOptions.MemoryStoreCapacity), v => options.MemoryStoreCapacity = v);
        ConfigurationValues.Bind<WebSocketTicketOptions>(section, nameof(WebSocketTicketOptions.IssuePermitsPerUser), v => options.IssuePermitsPerUser = v);
        ConfigurationValues.Bind<WebSocketTicketOptions>(section, nameof(WebSocketTicketOptions.IssuePermitsPerClient), v => options.IssuePermitsPerClient = v);
        ConfigurationValues.Bind<WebSocketTicketOptions>(section, nameof(WebSocketTicketOptions.IssueWindow), v => options.IssueWindow = v);
    }
}
