using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WsAuth;
using WsAuth.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses how the token authenticators (bearer, query, subprotocol) validate tokens.</summary>
public static class WebSocketAuthBuilderTokenValidationExtensions
{
    /// <summary>
    /// Validates tokens as signed JWTs with WsAuth's default validator: keys you give (never fetched or looked up from the
    /// token), an algorithm allow-list, a required <c>exp</c>, issuer and audience checks, a 30 second clock skew, an 8 KiB
    /// size cap, and no encrypted tokens. Options bind from <c>WsAuth:Jwt</c>, then <paramref name="configure"/> runs;
    /// they are validated at startup.
    /// </summary>
    /// <param name="builder">The WsAuth builder.</param>
    /// <param name="configure">Adds signing keys, issuers and audiences. Keys from dependency injection can be added with
    /// <c>services.AddOptions&lt;WebSocketJwtOptions&gt;().Configure&lt;TDep&gt;(...)</c>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">Another token validator is already registered.</exception>
    public static WebSocketAuthBuilder AddJwtValidation(this WebSocketAuthBuilder builder, Action<WebSocketJwtOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        EnsureNoOtherValidator(services, typeof(JwtWebSocketTokenValidator));
        var options = services.AddOptions<WebSocketJwtOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<WebSocketJwtOptions>, WebSocketJwtConfigureOptions>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebSocketJwtOptions>, WebSocketJwtOptionsValidator>());
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton<IWebSocketTokenValidator, JwtWebSocketTokenValidator>();
        return builder;
    }

    /// <summary>
    /// Validates tokens with an ASP.NET Core authentication scheme the app already has, such as JwtBearer, so its
    /// validation parameters and events are reused. Each token is given to a fresh handler of the scheme as
    /// <c>Authorization: Bearer &lt;token&gt;</c>. The scheme must be registered (checked at startup).
    /// </summary>
    /// <param name="builder">The WsAuth builder.</param>
    /// <param name="scheme">The authentication scheme's name, for example <c>"Bearer"</c>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">Another token validator is already registered.</exception>
    public static WebSocketAuthBuilder AddTokenValidationScheme(this WebSocketAuthBuilder builder, string scheme)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(scheme);
        var services = builder.Services;
        EnsureNoOtherValidator(services, typeof(AuthenticationSchemeTokenValidator));
        services.AddAuthenticationCore();
        services.AddOptions<AuthenticationSchemeTokenValidatorOptions>().Configure(o => o.Scheme = scheme).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuthenticationSchemeTokenValidatorOptions>, AuthenticationSchemeTokenValidatorOptionsValidator>());
        services.TryAddSingleton<IWebSocketTokenValidator, AuthenticationSchemeTokenValidator>();
        return builder;
    }

    private static void EnsureNoOtherValidator(IServiceCollection services, Type implementation)
    {
        var existing = services.FirstOrDefault(d => d.ServiceType == typeof(IWebSocketTokenValidator));
        if (existing is not null && existing.ImplementationType != implementation)
        {
            throw new InvalidOperationException(
                "WsAuth: a token validator is already registered (" + (existing.ImplementationType?.Name ?? "a factory or instance") + "). "
                + "Choose one: AddJwtValidation(...), AddTokenValidationScheme(...) or your own IWebSocketTokenValidator.");
        }
    }
}
