namespace WsAuth.Sample;

/// <summary>
/// The WsAuth methods this sample registers in Program.cs, in order. The page reads them from GET /auth/methods so
/// it can tell "not enabled on this server" apart from a refused credential, which a browser cannot see (a refused
/// handshake is close code 1006 whatever the status). Keep it in step with the AddWebSocketAuth() chain: a browser test
/// compares it with the authenticators WsAuth logs at startup.
/// </summary>
internal static class SampleMethods
{
    public static readonly IReadOnlyList<string> Enabled =
    [
        WebSocketAuthDefaults.TicketMethod,
        WebSocketAuthDefaults.BearerMethod,
        WebSocketAuthDefaults.SubprotocolMethod,
        WebSocketAuthDefaults.QueryMethod,
        WebSocketAuthDefaults.CookieMethod,
        WebSocketAuthDefaults.FirstMessageMethod,
    ];
}
