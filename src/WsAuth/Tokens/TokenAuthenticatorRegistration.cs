using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace WsAuth.Internal;

/// <summary>
/// Registers a token authenticator the way every token method is registered: its options bound from their
/// configuration section then from code and validated at startup, the startup check that a token validator exists, and
/// the authenticator built by a factory (so a missing validator is reported by that check, not by DI).
/// </summary>
internal static class TokenAuthenticatorRegistration
{
    public static WebSocketAuthBuilder Add<TOptions, TAuthenticator>(
        WebSocketAuthBuilder builder,
        string method,
        string sectionName,
        Action<IConfigurationSection, TOptions> bind,
        Action<TOptions>? configure,
        Func<IServiceProvider, IWebSocketTokenValidator, TAuthenticator> create)
        where TOptions : class
        where TAuthenticator : class, IWebSocketAuthenticator
    {
        var options = builder.Services.AddOptions<TOptions>()
            .Configure<IServiceProvider>((o, sp) =>
            {
                if (sp.GetService<IConfiguration>()?.GetSection(sectionName) is { } section && section.Exists())
                {
                    bind(section, o);
                }
            })
            .ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebSocketAuthOptions>, TokenAuthenticatorsValidator>());
        builder.Services.TryAddSingleton(sp => create(sp, TokenValidation.Required(sp)));
        return builder.Add<TAuthenticator>(new AuthenticatorRegistration(
            method,
            typeof(TAuthenticator),
            UsesAmbientCredentials: false,
            NeedsTokenValidator: true,
            MustRunBeforeAmbientCredentials: typeof(IProtocolCredentialCarrier).IsAssignableFrom(typeof(TAuthenticator))));
    }
}
