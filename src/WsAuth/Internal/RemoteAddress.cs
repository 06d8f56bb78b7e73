using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace WsAuth.Internal;

/// <summary>The client's address, as <c>HttpContext.Connection.RemoteIpAddress</c> gives it (forwarded headers included).</summary>
internal static class RemoteAddress
{
    /// <summary>
    /// Reads <see cref="IHttpConnectionFeature"/> directly: <c>HttpContext.Connection</c> would create a
    /// <c>ConnectionInfo</c> that the context keeps for the rest of the request, which for a WebSocket is its whole life.
    /// </summary>
    public static IPAddress? Of(HttpContext context) => context.Features.Get<IHttpConnectionFeature>()?.RemoteIpAddress;
}
