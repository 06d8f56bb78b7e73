using Microsoft.Extensions.Configuration;

namespace WsAuth.Internal;

/// <summary>Binds <see cref="WebSocketJwtOptions"/> from <c>WsAuth:Jwt</c> (keys are given in code, never in configuration).</summary>
internal sealed class WebSocketJwtConfigureOptions(IServiceProvider services) : SectionConfigureOptions<WebSocketJwtOptions>(services, SectionName)
{
    public const string SectionName = WebSocketAuthDefaults.ConfigurationSection + ":Jwt";

    protected override void Bind(IConfigurationSection section, WebSocketJwtOptions options)
    {
        ConfigurationValues.List(section, nameof(WebSocketJwtOptions.ValidIssuers), options.ValidIssuers);
        ConfigurationValues.List(section, nameof(WebSocketJwtOptions.ValidAudiences), options.ValidAudiences);
        ConfigurationValues.List(section, nameof(WebSocketJwtOptions.AllowedAlgorithms), options.AllowedAlgorithms);
        ConfigurationValues.List(section, nameof(WebSocketJwtOptions.ValidTypes), options.ValidTypes);
        ConfigurationValues.Bind<WebSocketJwtOptions>(section, nameof(WebSocketJwtOptions.ValidateIssuer), v => options.ValidateIssuer = v);
        ConfigurationValues.Bind<WebSocketJwtOptions>(section, nameof(WebSocketJwtOptions.ValidateAudience), v => options.ValidateAudience = v);
        ConfigurationValues.Bind<WebSocketJwtOptions>(section, nameof(WebSocketJwtOptions.ClockSkew), v => options.ClockSkew = v);
        ConfigurationValues.Bind<WebSocketJwtOptions>(section, nameof(WebSocketJwtOptions.MaxTokenSize), v => options.MaxTokenSize = v);
        ConfigurationValues.String(section, nameof(WebSocketJwtOptions.NameClaimType), v => options.NameClaimType = v);
        ConfigurationValues.String(section, nameof(WebSocketJwtOptions.RoleClaimType), v => options.RoleClaimType = v);
    }
}
