using WsAuth;

namespace Microsoft.AspNetCore.Http;

/// <summary>Reads WsAuth's result from an <see cref="HttpContext"/>.</summary>
public static class WebSocketAuthHttpContextExtensions
{
    /// <summary>Gets how the WebSocket handshake was authenticated, or <see langword="null"/> when WsAuth did not authenticate it.</summary>
    /// <param name="context">The handshake request.</param>
    /// <returns>The feature, or <see langword="null"/>.</returns>
    public static IWebSocketAuthFeature? GetWebSocketAuth(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<IWebSocketAuthFeature>();
    }
}
