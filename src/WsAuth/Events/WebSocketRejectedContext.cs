using Microsoft.AspNetCore.Http;

namespace WsAuth;

/// <summary>The context of <see cref="WebSocketAuthEvents.OnRejected"/>.</summary>
public sealed class WebSocketRejectedContext
{
    internal WebSocketRejectedContext(HttpContext httpContext, string? method, string reason, int statusCode, int? closeCode = null)
    {
        CloseCode = closeCode;
        HttpContext = httpContext;
        Method = method;
        Reason = reason;
        StatusCode = statusCode;
    }

    /// <summary>The handshake request (of the socket, for a rejection after the upgrade).</summary>
    public HttpContext HttpContext { get; }

    /// <summary>
    /// The authenticator that rejected the handshake (<c>first-message</c> for a first message; for a refresh, the method
    /// that admitted the session), or <see langword="null"/> when the Origin or transport check did.
    /// </summary>
    public string? Method { get; }

    /// <summary>The machine-readable reason (see <see cref="WebSocketAuthFailureReasons"/>).</summary>
    public string Reason { get; }

    /// <summary>
    /// The HTTP status that will be sent. May be changed to another 4xx or 5xx status. When <see cref="CloseCode"/> is
    /// set, no status is sent: this is the status the close code stands for (<c>close code - 4000</c>, or 500 for 1011).
    /// </summary>
    public int StatusCode { get; set; }

    /// <summary>
    /// The WebSocket close code the socket is closed with when the rejection happens after the upgrade (a first message,
    /// a refresh, or <see cref="WebSocketRejectionMode.CloseAfterUpgrade"/>), as sent on the wire (1008 with
    /// <c>CloseWithPolicyViolation</c>); <see langword="null"/> when an HTTP status is sent instead.
    /// </summary>
    /// <remarks>
    /// After a first message or a refresh the socket is already open: changing <see cref="StatusCode"/> or calling
    /// <see cref="HandleResponse"/> changes nothing, and an exception thrown by the handler is logged and the socket still
    /// closes with this code. Under <see cref="WebSocketRejectionMode.CloseAfterUpgrade"/> the event runs before the upgrade:
    /// a changed <see cref="StatusCode"/> changes the close code, and <see cref="HandleResponse"/> means no upgrade.
    /// </remarks>
    public int? CloseCode { get; }

    /// <summary>Whether the callback wrote the response itself; WsAuth then writes nothing.</summary>
    public bool IsResponseHandled { get; private set; }

    /// <summary>Tells WsAuth that the callback wrote the response. The endpoint still never runs.</summary>
    public void HandleResponse() => IsResponseHandled = true;
}
