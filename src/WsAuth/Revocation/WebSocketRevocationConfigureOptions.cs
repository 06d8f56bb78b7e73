using Microsoft.Extensions.Configuration;

namespace WsAuth.Internal;

/// <summary>Binds <see cref="WebSocketRevocationOptions"/> from the <c>WsAuth:Revocation</c> section, strictly.</summary>
internal sealed class WebSocketRevocationConfigureOptions(IServiceProvider services) : SectionConfigureOptions<WebSocketRevocationOptions>(services, SectionName)
{
    public const string SectionName = WebSocketAuthDefaults.ConfigurationSection + ":Revocation";

    protected override void Bind(IConfigurationSection section, WebSocketRevocationOptions options)
    {
        ConfigurationValues.Bind<WebSocketRevocationOptions>(section, nameof(WebSocketRevocationOptions.MaxCredentialLifetime), v => options.MaxCredentialLifetime = v);
        ConfigurationValues.Bind<WebSocketRevocationOptions>(section, nameof(WebSocketRevocationOptions.MaxStaleness), v => options.MaxStaleness = v);
        ConfigurationValues.Bind<WebSocketRevocationOptions>(section, nameof(WebSocketRevocationOptions.ReconnectDelay), v => options.ReconnectDelay = v);
        ConfigurationValues.Bind<WebSocketRevocationOptions>(section, nameof(WebSocketRevocationOptions.StartupWait), v => options.StartupWait = v);
        ConfigurationValues.BindEnum<WebSocketRevocationOptions, WebSocketRevocationUnavailableBehavior>(section, nameof(WebSocketRevocationOptions.WhenUnavailable), v => options.WhenUnavailable = v);
    }
}
