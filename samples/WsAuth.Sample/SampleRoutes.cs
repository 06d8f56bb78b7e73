namespace WsAuth.Sample;

/// <summary>The sample's WebSocket routes (README's route table).</summary>
internal static class SampleRoutes
{
    /// <summary>The guarded WebSocket.</summary>
    public const string Socket = "/ws";

    /// <summary>
    /// The same endpoint with only the first-message method (<c>WithWebSocketAuthMethods</c>): the login cookie still
    /// arrives with the handshake but is not asked, so the page's first-message card authenticates by its first message
    /// whether or not the page is logged in.
    /// </summary>
    public const string FirstMessageSocket = "/first-message/ws";
}
