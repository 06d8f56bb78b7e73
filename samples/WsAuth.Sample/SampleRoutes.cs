namespace WsAuth.Sample;

/// <summary>The sample's WebSocket routes (README's route table).</summary>
internal static class SampleRoutes
{
    /// <summary>The guarded WebSocket, and the path of the login cookie (which therefore reaches /ws/ticket too).</summary>
    public const string Socket = "/ws";

    /// <summary>
    /// The same endpoint where the login cookie does not reach (a cookie path matches whole segments: /ws covers
    /// /ws/ticket, not /first-message/ws). The page's first-message card connects here, so that its first message, not
    /// the cookie, authenticates it whether or not the page is logged in.
    /// </summary>
    public const string FirstMessageSocket = "/first-message/ws";
}
