using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;

namespace WsAuth.Internal;

/// <summary>
/// How an authenticated socket ended: the <c>wsauth.session.end_reason</c> tag of <c>wsauth.session.duration</c>. A fixed
/// set of values, documented in docs/observability.md.
/// </summary>
internal static class SessionEndReasons
{
    /// <summary>WsAuth closed it (4401 <c>expired</c>): the credential expired, or <c>MaxSessionLength</c> was reached.</summary>
    public const string Expired = "expired";

    /// <summary>WsAuth closed it because a refresh failed (invalid token, other subject, policy, malformed refresh message).</summary>
    public const string AuthenticationFailed = "authentication_failed";

    /// <summary>
    /// WsAuth closed it because its credential was revoked (close reason <c>revoked</c>). Reserved: revocation lands in a
    /// later release; until then nothing closes a session with that reason.
    /// </summary>
    public const string Revoked = "revoked";

    /// <summary>The client sent the first close frame, or its connection went away.</summary>
    public const string ClientClosed = "client_closed";

    /// <summary>Endpoint code closed it first, or returned (or aborted) without a close from the client.</summary>
    public const string ServerClosed = "server_closed";

    /// <summary>Both close frames were exchanged but who sent the first is unknown: a socket without a WsAuth session wrapper.</summary>
    public const string Closed = "closed";

    /// <summary>The end reason of a session WsAuth closed with <paramref name="closeReason"/> (a reason code).</summary>
    public static string OfClose(string closeReason) => closeReason switch
    {
        WebSocketAuthFailureReasons.Expired => Expired,
        Revoked => Revoked, // the reason code of a revoked credential is the same word
        _ => AuthenticationFailed,
    };

    /// <summary>Why the socket ended, once endpoint code has returned.</summary>
    public static string Of(SessionWebSocket? session, WebSocket socket, HttpContext context)
    {
        if (session?.EndReason is { } observed)
        {
            return observed;
        }

        return socket.State switch
        {
            WebSocketState.CloseReceived => ClientClosed,
            WebSocketState.Closed => Closed,
            WebSocketState.Aborted when context.RequestAborted.IsCancellationRequested => ClientClosed,
            _ => ServerClosed,
        };
    }
}
