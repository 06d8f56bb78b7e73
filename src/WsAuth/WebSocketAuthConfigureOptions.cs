using Microsoft.Extensions.Configuration;

namespace WsAuth.Internal;

/// <summary>Binds <see cref="WebSocketAuthOptions"/> from the <c>WsAuth</c> configuration section, when there is a configuration.</summary>
internal sealed class WebSocketAuthConfigureOptions(IServiceProvider services) : SectionConfigureOptions<WebSocketAuthOptions>(services, WebSocketAuthDefaults.ConfigurationSection)
{
    protected override void Bind(IConfigurationSection section, WebSocketAuthOptions options)
    {
        ConfigurationValues.List(section, nameof(WebSocketAuthOptions.AllowedOrigins), options.AllowedOrigins);

        ConfigurationValues.Bind<WebSocketAuthOptions>(section, nameof(WebSocketAuthOptions.AllowAnyOrigin), (bool v) => options.AllowAnyOrigin = v);
        ConfigurationValues.Bind<WebSocketAuthOptions>(section, nameof(WebSocketAuthOptions.AllowNullOrigin), (bool v) => options.AllowNullOrigin = v);
        ConfigurationValues.Bind<WebSocketAuthOptions>(section, nameof(WebSocketAuthOptions.RequireSecureTransport), (bool v) => options.RequireSecureTransport = v);
        ConfigurationValues.BindEnum<WebSocketAuthOptions, MissingOriginPolicy>(section, nameof(WebSocketAuthOptions.MissingOrigin), v => options.MissingOrigin = v);
        ConfigurationValues.BindEnum<WebSocketAuthOptions, WebSocketRejectionMode>(section, nameof(WebSocketAuthOptions.RejectionMode), v => options.RejectionMode = v);
        ConfigurationValues.Bind<WebSocketAuthOptions>(section, nameof(WebSocketAuthOptions.CloseWithPolicyViolation), (bool v) => options.CloseWithPolicyViolation = v);

        var sessions = section.GetSection(nameof(WebSocketAuthOptions.Sessions));
        var s = options.Sessions;
        ConfigurationValues.Bind<WebSocketAuthOptions>(sessions, nameof(s.CloseOnExpiry), (bool v) => s.CloseOnExpiry = v);
        ConfigurationValues.Bind<WebSocketAuthOptions>(sessions, nameof(s.MaxSessionLength), (TimeSpan v) => s.MaxSessionLength = v);
        ConfigurationValues.Bind<WebSocketAuthOptions>(sessions, nameof(s.AllowRefresh), (bool v) => s.AllowRefresh = v);
        ConfigurationValues.Bind<WebSocketAuthOptions>(sessions, nameof(s.ExpiryWarning), (TimeSpan v) => s.ExpiryWarning = v);
        ConfigurationValues.Bind<WebSocketAuthOptions>(sessions, nameof(s.MaxRefreshMessageSize), (int v) => s.MaxRefreshMessageSize = v);
        ConfigurationValues.Bind<WebSocketAuthOptions>(sessions, nameof(s.MaxRefreshesPerMinute), (int v) => s.MaxRefreshesPerMinute = v);

        var limits = section.GetSection(nameof(WebSocketAuthOptions.RateLimiting));
        var r = options.RateLimiting;
        ConfigurationValues.Bind<WebSocketAuthOptions>(limits, nameof(r.Enabled), (bool v) => r.Enabled = v);
        ConfigurationValues.Bind<WebSocketAuthOptions>(limits, nameof(r.PermitsPerClient), (int v) => r.PermitsPerClient = v);
        ConfigurationValues.Bind<WebSocketAuthOptions>(limits, nameof(r.PermitsPerUser), (int v) => r.PermitsPerUser = v);
        ConfigurationValues.Bind<WebSocketAuthOptions>(limits, nameof(r.Window), (TimeSpan v) => r.Window = v);
        ConfigurationValues.Bind<WebSocketAuthOptions>(limits, nameof(r.LockoutThreshold), (int v) => r.LockoutThreshold = v);
        ConfigurationValues.Bind<WebSocketAuthOptions>(limits, nameof(r.LockoutWindow), (TimeSpan v) => r.LockoutWindow = v);
        ConfigurationValues.Bind<WebSocketAuthOptions>(limits, nameof(r.LockoutDuration), (TimeSpan v) => r.LockoutDuration = v);
        ConfigurationValues.Bind<WebSocketAuthOptions>(limits, nameof(r.ClientIPv6PrefixLength), (int v) => r.ClientIPv6PrefixLength = v);
    }
}
