namespace WsAuth;

/// <summary>What WsAuth does with a handshake that has no <c>Origin</c> header.</summary>
/// <remarks>
/// Browsers always send <c>Origin</c> on a WebSocket handshake, so a request without one comes from a non-browser
/// client (a service, a CLI, a mobile app) and cannot be a cross-site request riding on a victim's cookies.
/// </remarks>
public enum MissingOriginPolicy
{
    /// <summary>
    /// The default: accept the handshake for authenticators whose credential the client must present on purpose (a
    /// bearer header, a token, a ticket); reject it with 403 for ambient credentials such as cookies.
    /// </summary>
    AllowWithoutAmbientCredentials = 0,

    /// <summary>Reject every handshake without an <c>Origin</c> header with 403.</summary>
    Reject = 1,
}
