using Microsoft.Extensions.DependencyInjection;
using WsAuth;
using WsAuth.Internal;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds WsAuth to the request pipeline.</summary>
public static class WebSocketAuthApplicationBuilderExtensions
{
    /// <summary>
    /// Guards every WebSocket handshake that reaches this point: transport, Origin, then the authenticators, before any
    /// later middleware or endpoint sees it. Other requests pass untouched.
    /// </summary>
    /// <param name="app">The application.</param>
    /// <returns>The application.</returns>
    /// <remarks>
    /// <para>Includes ASP.NET Core's WebSocket middleware (<c>UseWebSockets</c>); calling <c>UseWebSockets</c> earlier, for
    /// example to set a keep-alive interval, is fine. Place it after <c>UseForwardedHeaders</c> (so TLS at a proxy is seen),
    /// after <c>UseRouting</c> if you call it (so endpoint metadata is seen) and after <c>UseAuthentication</c> (so the cookie
    /// authenticator can reuse its result), and before the endpoints.</para>
    /// </remarks>
    /// <exception cref="InvalidOperationException"><c>services.AddWebSocketAuth(...)</c> was not called.</exception>
    public static IApplicationBuilder UseWebSocketAuth(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.ApplicationServices.GetService<WebSocketAuthMarkerService>() is null)
        {
            throw new InvalidOperationException(
                "WsAuth's services are not registered. Call builder.Services.AddWebSocketAuth(o => o.AllowedOrigins.Add(\"https://app.example.com\")).AddCookie() "
                + "(or another authenticator) before app.UseWebSocketAuth().");
        }

        app.UseWebSockets();
        return app.UseMiddleware<WebSocketAuthMiddleware>();
    }
}
