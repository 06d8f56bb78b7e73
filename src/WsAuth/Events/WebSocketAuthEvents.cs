namespace WsAuth;

/// <summary>
/// Callbacks raised by WsAuth during a handshake, in the shape of <c>JwtBearerEvents</c>: set the <c>On…</c> delegates,
/// or derive from this class and register the type with <see cref="WebSocketAuthOptions.EventsType"/>.
/// </summary>
public class WebSocketAuthEvents
{
    /// <summary>Invoked after an authenticator accepted the handshake and the endpoint's policies passed; may still reject it.</summary>
    public Func<WebSocketAuthenticatedContext, Task> OnAuthenticated { get; set; } = static _ => Task.CompletedTask;

    /// <summary>Invoked when a handshake is rejected before the upgrade; may change the status or write its own response.</summary>
    public Func<WebSocketRejectedContext, Task> OnRejected { get; set; } = static _ => Task.CompletedTask;

    /// <summary>Invokes <see cref="OnAuthenticated"/>.</summary>
    /// <param name="context">The authenticated handshake.</param>
    /// <returns>A task that completes when the callback has run.</returns>
    public virtual Task Authenticated(WebSocketAuthenticatedContext context) => OnAuthenticated(context);

    /// <summary>Invokes <see cref="OnRejected"/>.</summary>
    /// <param name="context">The rejected handshake.</param>
    /// <returns>A task that completes when the callback has run.</returns>
    public virtual Task Rejected(WebSocketRejectedContext context) => OnRejected(context);
}
