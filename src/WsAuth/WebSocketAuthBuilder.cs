using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WsAuth.Internal;

namespace WsAuth;

/// <summary>
/// Adds authenticators to WsAuth, returned by <c>services.AddWebSocketAuth()</c>. Authenticators run in the order they
/// are added.
/// </summary>
public sealed class WebSocketAuthBuilder
{
    internal WebSocketAuthBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection WsAuth is registered in.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Adds an authenticator of your own.</summary>
    /// <typeparam name="TAuthenticator">The implementation; registered as a singleton unless already registered.</typeparam>
    /// <param name="method">
    /// The method name shown in logs, metrics and <see cref="IWebSocketAuthFeature.Method"/>: 1 to 64 characters of
    /// <c>a-z</c>, <c>0-9</c>, <c>_</c>, <c>.</c> and <c>-</c>, unique among the authenticators.
    /// </param>
    /// <param name="usesAmbientCredentials">
    /// <see langword="true"/> when the browser attaches the credential by itself, as it does cookies: WsAuth then accepts
    /// it only from an allowed, present <c>Origin</c>, and <see cref="WebSocketAuthOptions.AllowAnyOrigin"/> becomes a
    /// startup error.
    /// </param>
    /// <param name="needsTokenValidator">
    /// <see langword="true"/> when the authenticator hands tokens to the registered <see cref="IWebSocketTokenValidator"/>:
    /// the app then fails at startup, with a message naming <c>AddJwtValidation</c> and <c>AddTokenValidationScheme</c>,
    /// when none is registered, as it does for WsAuth's own token methods.
    /// </param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="method"/> is not a valid name.</exception>
    public WebSocketAuthBuilder AddAuthenticator<TAuthenticator>(string method, bool usesAmbientCredentials = false, bool needsTokenValidator = false)
        where TAuthenticator : class, IWebSocketAuthenticator
    {
        ArgumentNullException.ThrowIfNull(method);
        if (!ReasonCode.IsValid(method))
        {
            throw new ArgumentException("A method name must be 1 to 64 characters of a-z, 0-9, '_', '.' and '-'.", nameof(method));
        }

        if (needsTokenValidator)
        {
            // Built by a factory, as WsAuth's own token authenticators are: ValidateOnBuild would otherwise fail first, with
            // DI's generic "unable to resolve IWebSocketTokenValidator", before the startup check can name the fix.
            Services.TryAddSingleton(static sp => ActivatorUtilities.CreateInstance<TAuthenticator>(sp));
            Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebSocketAuthOptions>, TokenAuthenticatorsValidator>());
        }

        return Add<TAuthenticator>(new AuthenticatorRegistration(method, typeof(TAuthenticator), usesAmbientCredentials, NeedsTokenValidator: needsTokenValidator));
    }

    /// <summary>Adds a registration that says what the authenticator needs and carries (WsAuth's own methods).</summary>
    internal WebSocketAuthBuilder Add<TAuthenticator>(AuthenticatorRegistration registration)
        where TAuthenticator : class, IWebSocketAuthenticator
    {
        Services.TryAddSingleton<TAuthenticator>();
        Services.Configure<WebSocketAuthOptions>(options => options.Authenticators.Add(registration));
        return this;
    }
}
