using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace WsAuth.Internal;

/// <summary>
/// Keeps sliding expiration from renewing a revoked cookie: a renewed cookie gets a new issue time, which would escape
/// its revocation. Wraps <see cref="CookieAuthenticationEvents.OnCheckSlidingExpiration"/> of every cookie scheme when
/// revocation is on (an app that sets <c>EventsType</c> must do the same in its own events: see docs/revocation.md).
/// </summary>
internal sealed class RevokedCookieRenewalGuard : IPostConfigureOptions<CookieAuthenticationOptions>
{
    public void PostConfigure(string? name, CookieAuthenticationOptions options)
    {
        var inner = options.Events.OnCheckSlidingExpiration;
        options.Events.OnCheckSlidingExpiration = async context =>
        {
            await inner(context);
            if (context.ShouldRenew
                && context.Principal is { } user
                && context.HttpContext.RequestServices.GetService<WebSocketRevocationService>() is { } revocation
                && revocation.IsRevoked(user, context.Properties.IssuedUtc))
            {
                context.ShouldRenew = false;
            }
        };
    }
}
