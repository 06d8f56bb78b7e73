using System.Globalization;
using System.Text.Json;

namespace WsAuth.Client;

/// <summary>Requests tickets from WsAuth's ticket endpoint.</summary>
public static class WebSocketTicketHttpClientExtensions
{
    private const int MaxResponseBytes = 16 * 1024;

    /// <summary>
    /// <c>POST</c>s to the ticket endpoint and reads <c>{"ticket":"...","expiresIn":N}</c>. The <paramref name="client"/>
    /// must carry whatever authenticates the caller to that endpoint (a cookie container, a default
    /// <c>Authorization</c> header).
    /// </summary>
    /// <param name="client">The HTTP client.</param>
    /// <param name="ticketEndpoint">The endpoint, e.g. <see cref="WebSocketAuthUri.DefaultTicketEndpoint(Uri)"/>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The ticket.</returns>
    /// <exception cref="HttpRequestException">The endpoint answered with an error status (see <see cref="HttpRequestException.StatusCode"/>).</exception>
    /// <exception cref="InvalidOperationException">The answer is not a ticket.</exception>
    public static Task<WebSocketTicket> RequestWebSocketTicketAsync(this HttpClient client, Uri ticketEndpoint, CancellationToken cancellationToken = default)
        => RequestAsync(client, ticketEndpoint, cancellationToken);

    /// <summary>
    /// Makes an access token provider that fetches a fresh ticket from the ticket endpoint each time it is called, for
    /// SignalR's <c>HttpConnectionOptions.AccessTokenProvider</c> on a hub mapped with
    /// <c>WithWebSocketTicketsAsAccessToken()</c>: <c>o.AccessTokenProvider = http.WebSocketTicketAccessTokenProvider(ticketUri)</c>.
    /// SignalR calls it for negotiate and again for the WebSocket, and on every automatic reconnect, so every connection
    /// gets its own single-use ticket. Plain <see cref="Func{TResult}"/>: no SignalR dependency.
    /// </summary>
    /// <param name="client">The HTTP client that authenticates to the ticket endpoint (a cookie container, a default header).</param>
    /// <param name="ticketEndpoint">The ticket endpoint.</param>
    /// <returns>The provider; it throws as <see cref="RequestWebSocketTicketAsync"/> does.</returns>
    public static Func<Task<string?>> WebSocketTicketAccessTokenProvider(this HttpClient client, Uri ticketEndpoint)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(ticketEndpoint);
        return async () => (await RequestAsync(client, ticketEndpoint, CancellationToken.None).ConfigureAwait(false)).Value;
    }

    private static async Task<WebSocketTicket> RequestAsync(HttpClient client, Uri ticketEndpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(ticketEndpoint);

        using var request = new HttpRequestMessage(HttpMethod.Post, ticketEndpoint);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException(
                string.Create(CultureInfo.InvariantCulture, $"The ticket endpoint answered {(int)response.StatusCode} {response.ReasonPhrase}."),
                null,
                response.StatusCode);
        }

        if (response.Content.Headers.ContentLength > MaxResponseBytes)
        {
            throw new InvalidOperationException("The ticket endpoint's answer is too large to be a ticket.");
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var body = new byte[MaxResponseBytes + 1];
            var length = 0;
            int read;
            while (length < body.Length && (read = await stream.ReadAsync(body.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
            {
                length += read;
            }

            if (length > MaxResponseBytes)
            {
                throw new InvalidOperationException("The ticket endpoint's answer is too large to be a ticket.");
            }

            return Parse(body.AsSpan(0, length));
        }
    }

    private static WebSocketTicket Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("ticket", out var ticket) && ticket.ValueKind == JsonValueKind.String && ticket.GetString() is { Length: > 0 } value)
            {
                var expiresIn = root.TryGetProperty("expiresIn", out var seconds) && seconds.ValueKind == JsonValueKind.Number && seconds.TryGetDouble(out var s) && s > 0
                    ? TimeSpan.FromSeconds(s)
                    : TimeSpan.Zero;
                return new WebSocketTicket(value, expiresIn);
            }
        }
        catch (JsonException)
        {
            // The body is not JSON: reported below, without quoting it (it might hold a credential).
        }

        throw new InvalidOperationException("""The ticket endpoint did not answer {"ticket":"...","expiresIn":N}.""");
    }
}
