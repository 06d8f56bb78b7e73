using Microsoft.AspNetCore.Http;

namespace WsAuth;

/// <summary>The context of <see cref="WebSocketAuthEvents.OnRejected"/>.</summary>
public sealed class WebSocketRejectedContext
{
    internal WebSocketRejectedContext(HttpContext httpContext, string? method, string reason, int statusCode)
    {
        HttpContext = httpContext;
        Method = method;
        Reason = reason;
        StatusCode = statusCode;
    }

    /// <summary>The handshake request.</summary>
    public HttpContext HttpContext { get; }

    /// <summary>The authenticator that rejected the handshake, or <see langword="null"/> when the Origin or transport check did.</summary>
    public string? Method { get; }

    /// <summary>The machine-readable reason (see <see cref="WebSocketAuthFailureReasons"/>).</summary>
    public string Reason { get; }

    /// <summary>The HTTP status that will be sent. May be changed to another 4xx or 5xx status.</summary>
    public int StatusCode { get; set; }

    /// <summary>Whether the callback wrote the response itself; WsAuth then writes nothing.</summary>
    public bool IsResponseHandled { get; private set; }

    /// <summary>Tells WsAuth that the callback wrote the response. The endpoint still never runs.</summary>
    public void HandleResponse() => IsResponseHandled = true;
}
