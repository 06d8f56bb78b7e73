namespace WsAuth;

/// <summary>
/// Endpoint metadata for SignalR hubs (or any endpoint whose client sends its credential the way SignalR clients do):
/// the ticket method also reads a WsAuth ticket from the <c>access_token</c> query parameter (exact name, as the
/// browser client sends it) and from an <c>Authorization: Bearer</c> header (as the .NET and Node clients send it),
/// besides <see cref="WebSocketTicketOptions.QueryParameter"/>. Only a value shaped like a ticket (43 base64url
/// characters) is taken there; anything else in those places (a JWT) is left to the other methods, so a long-lived token
/// in the URL is accepted only if the app added the query method itself. Tickets stay single-use. Set it with
/// <c>WithWebSocketTicketsAsAccessToken()</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class WebSocketTicketsAsAccessTokenAttribute : Attribute
{
    internal static readonly WebSocketTicketsAsAccessTokenAttribute Instance = new();
}
