using System.Net.WebSockets;

namespace WsAuth.Client;

/// <summary>Puts a WsAuth credential on a <see cref="ClientWebSocket"/> before <see cref="ClientWebSocket.ConnectAsync(Uri, CancellationToken)"/>.</summary>
public static class WebSocketAuthClientOptionsExtensions
{
    /// <summary>
    /// Sends <c>Authorization: Bearer &lt;token&gt;</c> with the handshake (WsAuth's bearer method). Not possible from
    /// browsers; for services.
    /// </summary>
    /// <param name="options">The socket's options.</param>
    /// <param name="token">The bearer token: RFC 6750 <c>b64token</c> characters.</param>
    /// <returns>The options.</returns>
    /// <exception cref="ArgumentException">The token is empty or not a valid bearer token. The message never contains it.</exception>
    public static ClientWebSocketOptions SetBearerToken(this ClientWebSocketOptions options, string token)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(token);
        if (!IsBearerToken(token))
        {
            throw new ArgumentException("The bearer token is empty or has characters a bearer token cannot have (RFC 6750: letters, digits, '-', '.', '_', '~', '+', '/', then '=' padding).", nameof(token));
        }

        options.SetRequestHeader("Authorization", "Bearer " + token);
        return options;
    }

    /// <summary>
    /// Offers <paramref name="token"/> in <c>Sec-WebSocket-Protocol</c> (WsAuth's subprotocol method), after the
    /// subprotocols already added: call <see cref="ClientWebSocketOptions.AddSubProtocol(string)"/> for the app's own
    /// protocols first. The server answers an app protocol or the marker, never the token.
    /// </summary>
    /// <param name="options">The socket's options.</param>
    /// <param name="token">The token.</param>
    /// <param name="format">The form; <see cref="SubprotocolTokenFormat.Marker"/> by default.</param>
    /// <returns>The options.</returns>
    /// <exception cref="ArgumentException">The token cannot travel in this form. The message never contains it.</exception>
    public static ClientWebSocketOptions AddTokenSubprotocol(this ClientWebSocketOptions options, string token, SubprotocolTokenFormat? format = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var entry in (format ?? SubprotocolTokenFormat.Marker).CreateEntries(token))
        {
            // Validated above: AddSubProtocol's own error message would quote the entry, which is the token.
            options.AddSubProtocol(entry);
        }

        return options;
    }

    private static bool IsBearerToken(string token)
    {
        // b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
        var i = 0;
        while (i < token.Length && token[i] is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '-' or '.' or '_' or '~' or '+' or '/')
        {
            i++;
        }

        if (i == 0)
        {
            return false;
        }

        while (i < token.Length && token[i] == '=')
        {
            i++;
        }

        return i == token.Length;
    }
}
