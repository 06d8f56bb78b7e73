namespace WsAuth;

/// <summary>
/// Reads the client's authentication messages: the first message (<c>{"type":"auth","token":"..."}</c> by default) and
/// the in-band refresh (<c>{"type":"refresh","token":"..."}</c>). Register your own implementation as a singleton to
/// accept another format.
/// </summary>
/// <remarks>
/// Implementations must not throw for any input and must never put the token in an exception or a log line.
/// </remarks>
public interface IWebSocketAuthMessageParser
{
    /// <summary>
    /// The bytes every refresh message starts with (UTF-8). While refresh is on, WsAuth consumes every text message that
    /// starts with exactly these bytes, and only those; all others reach endpoint code untouched. Keep it specific, so
    /// that no application message starts with it. The default is <c>{"type":"refresh","token":</c>.
    /// </summary>
    ReadOnlyMemory<byte> RefreshPrefix { get; }

    /// <summary>Reads the token from a first message.</summary>
    /// <param name="utf8Message">The whole text message, as UTF-8.</param>
    /// <param name="token">The token, when the message is a well-formed authentication message.</param>
    /// <returns>Whether the message is a well-formed authentication message with a non-empty token.</returns>
    bool TryReadAuthMessage(ReadOnlySpan<byte> utf8Message, out string? token);

    /// <summary>Reads the token from a refresh message (one that starts with <see cref="RefreshPrefix"/>).</summary>
    /// <param name="utf8Message">The whole text message, as UTF-8.</param>
    /// <param name="token">The token, when the message is well formed.</param>
    /// <returns>Whether the message is a well-formed refresh message with a non-empty token.</returns>
    bool TryReadRefreshMessage(ReadOnlySpan<byte> utf8Message, out string? token);
}
