namespace WsAuth.Client;

/// <summary>Builds the URIs of WsAuth's ticket method.</summary>
public static class WebSocketAuthUri
{
    /// <summary>The query parameter a ticket travels in: <c>ticket</c>.</summary>
    public const string TicketParameter = "ticket";

    /// <summary>The ticket endpoint WsAuth maps by default, relative to the socket's origin: <c>/ws/ticket</c>.</summary>
    public const string DefaultTicketPath = "/ws/ticket";

    /// <summary>
    /// <paramref name="webSocketUri"/> with <c>ticket=&lt;ticket&gt;</c> in its query, percent-encoded; other
    /// parameters are kept and an existing <c>ticket</c> parameter is replaced. The fragment is dropped.
    /// </summary>
    /// <param name="webSocketUri">The absolute <c>ws://</c> or <c>wss://</c> endpoint.</param>
    /// <param name="ticket">The ticket.</param>
    /// <returns>The URI to connect to. It carries a credential: do not log it.</returns>
    /// <exception cref="ArgumentException">The URI is not absolute, or the ticket is empty.</exception>
    public static Uri WithTicket(Uri webSocketUri, string ticket)
    {
        ArgumentNullException.ThrowIfNull(webSocketUri);
        ArgumentException.ThrowIfNullOrEmpty(ticket);
        if (!webSocketUri.IsAbsoluteUri)
        {
            throw new ArgumentException("The WebSocket URI must be absolute (ws:// or wss://).", nameof(webSocketUri));
        }

        var kept = new List<string>();
        var query = webSocketUri.Query.TrimStart('?');
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = pair.Split('=', 2)[0];
            if (!string.Equals(Uri.UnescapeDataString(name.Replace('+', ' ')), TicketParameter, StringComparison.Ordinal))
            {
                kept.Add(pair);
            }
        }

        kept.Add(TicketParameter + "=" + Uri.EscapeDataString(ticket));
        var builder = new UriBuilder(webSocketUri) { Query = string.Join('&', kept), Fragment = string.Empty };
        return builder.Uri;
    }

    /// <inheritdoc cref="WithTicket(Uri, string)"/>
    public static Uri WithTicket(Uri webSocketUri, WebSocketTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        return WithTicket(webSocketUri, ticket.Value);
    }

    /// <summary>
    /// The default ticket endpoint for a socket: the same host and port over <c>http</c>/<c>https</c> (for
    /// <c>ws</c>/<c>wss</c>), path <c>/ws/ticket</c>.
    /// </summary>
    /// <param name="webSocketUri">The absolute <c>ws://</c> or <c>wss://</c> endpoint.</param>
    /// <returns>The ticket endpoint.</returns>
    /// <exception cref="ArgumentException">The URI is not an absolute ws, wss, http or https URI.</exception>
    public static Uri DefaultTicketEndpoint(Uri webSocketUri)
    {
        ArgumentNullException.ThrowIfNull(webSocketUri);
        if (!webSocketUri.IsAbsoluteUri)
        {
            throw new ArgumentException("The WebSocket URI must be absolute (ws:// or wss://).", nameof(webSocketUri));
        }

        var scheme = webSocketUri.Scheme switch
        {
            "ws" or "http" => Uri.UriSchemeHttp,
            "wss" or "https" => Uri.UriSchemeHttps,
            _ => throw new ArgumentException($"Not a WebSocket URI scheme: {webSocketUri.Scheme}.", nameof(webSocketUri)),
        };
        return new UriBuilder(scheme, webSocketUri.Host, webSocketUri.Port, DefaultTicketPath).Uri;
    }
}
