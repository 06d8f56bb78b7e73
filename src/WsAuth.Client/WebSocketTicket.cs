namespace WsAuth.Client;

/// <summary>
/// A single-use ticket from WsAuth's ticket endpoint (<c>{"ticket":"...","expiresIn":30}</c>). Redeem it once, soon,
/// with <see cref="WebSocketAuthUri.WithTicket(Uri, WebSocketTicket)"/>. <see cref="ToString"/> never shows the ticket.
/// </summary>
public sealed class WebSocketTicket
{
    /// <summary>Creates a ticket.</summary>
    /// <param name="value">The ticket.</param>
    /// <param name="expiresIn">How long the server will accept it, from when it was issued.</param>
    /// <exception cref="ArgumentException"><paramref name="value"/> is empty.</exception>
    public WebSocketTicket(string value, TimeSpan expiresIn)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        Value = value;
        ExpiresIn = expiresIn;
    }

    /// <summary>The ticket itself: a credential, never log it.</summary>
    public string Value { get; }

    /// <summary>How long the server accepts it, from when it was issued.</summary>
    public TimeSpan ExpiresIn { get; }

    /// <summary>Describes the ticket without its value.</summary>
    /// <returns><c>WebSocketTicket (expires in 30 s)</c>.</returns>
    public override string ToString() => $"WebSocketTicket (expires in {ExpiresIn.TotalSeconds:0.###} s)";
}
