// Compiled into WsAuth (namespace WsAuth) and WsAuth.Client (namespace WsAuth.Client, WSAUTH_CLIENT defined) from this
// one file, so the server and the .NET client cannot disagree. clients/js/test/codes.test.js checks that the browser
// client's CloseCodes and reconnect table match it.
#if WSAUTH_CLIENT
namespace WsAuth.Client;
#else
namespace WsAuth;
#endif

/// <summary>
/// The close codes a WsAuth server sends after the WebSocket upgrade (a first message, an in-band refresh, a session
/// that reached its end, or any rejection when <c>RejectionMode</c> is <c>CloseAfterUpgrade</c>), with what a client
/// should do on each. Close reasons are WsAuth's reason codes (such as <c>expired</c>), never a credential.
/// </summary>
/// <remarks>
/// <para>
/// A rejection that would have been HTTP status <c>4xx</c> before the upgrade closes with <c>4000 + status</c>, so an
/// authenticator's or event's own 4xx status (for example 404) arrives as 4404; a server-side failure closes with
/// <see cref="ServerError"/>. When the app sets <c>CloseWithPolicyViolation</c>, every rejection closes with
/// <see cref="PolicyViolation"/> and no reason.
/// </para>
/// <para>
/// The reconnect rules (<see cref="ShouldReconnect"/> and <see cref="NeedsFreshCredential"/>) are the ones the browser
/// client <c>@wsauth/client</c> follows; centrifuge's <c>disconnect.go</c> carries the same flag per code.
/// </para>
/// </remarks>
public static class WebSocketAuthCloseCodes
{
    /// <summary>
    /// 1008: policy violation. Sent instead of every other code when the server hides why it closed
    /// (<c>CloseWithPolicyViolation</c>). Reconnect with a fresh credential: the client cannot tell which rule failed.
    /// </summary>
    public const int PolicyViolation = 1008;

    /// <summary>
    /// 1011: a server-side failure while authenticating (a token validator threw or returned no result; reason
    /// <c>authenticator_error</c>). Reconnect after a backoff; the credential was not judged.
    /// </summary>
    public const int ServerError = 1011;

    /// <summary>
    /// 4400: the server could not understand a control message the client sent (a first message or refresh message not
    /// well formed or too large; reasons <c>message_malformed</c>, <c>message_too_large</c>). Do not reconnect: the same
    /// client would send the same message again.
    /// </summary>
    public const int Malformed = 4400;

    /// <summary>
    /// 4401: the credential is missing, invalid or expired (reason <c>expired</c> when the session reached its end).
    /// Reconnect with a fresh credential (a new ticket, a new token); stop when fresh credentials keep being refused.
    /// </summary>
    public const int Unauthorized = 4401;

    /// <summary>
    /// 4403: the credential is valid but not allowed here (an endpoint policy or <c>OnAuthenticated</c> rejected it,
    /// reason <c>forbidden</c>), or a refresh named another subject (<c>subject_mismatch</c>). Do not reconnect: the app
    /// must decide (sign out, reload).
    /// </summary>
    public const int Forbidden = 4403;

    /// <summary>
    /// 4408: no valid first message arrived before the deadline (reason <c>auth_timeout</c>). Reconnect; a fresh
    /// credential is not needed.
    /// </summary>
    public const int AuthTimeout = 4408;

    /// <summary>
    /// 4429: too many connections or attempts for this user (reason <c>user_rate_limited</c>). Reconnect only after a
    /// long backoff.
    /// </summary>
    public const int TooMany = 4429;

    /// <summary>Whether a client should open a new connection after the server closed with <paramref name="code"/>.</summary>
    /// <param name="code">The close status the client received.</param>
    /// <returns>
    /// <see langword="false"/> for <see cref="Malformed"/> and <see cref="Forbidden"/>, where trying again cannot
    /// succeed without the app's decision; <see langword="true"/> for every other code (with a backoff, and with a fresh
    /// credential where <see cref="NeedsFreshCredential"/> says so).
    /// </returns>
    public static bool ShouldReconnect(int code) => code is not (Malformed or Forbidden);

    /// <summary>
    /// Whether the credential used on the closed connection must not be offered again: the next connection needs a new
    /// ticket or token (bypass any token cache).
    /// </summary>
    /// <param name="code">The close status the client received.</param>
    /// <returns><see langword="true"/> for <see cref="Unauthorized"/> and <see cref="PolicyViolation"/>.</returns>
    public static bool NeedsFreshCredential(int code) => code is Unauthorized or PolicyViolation;
}
