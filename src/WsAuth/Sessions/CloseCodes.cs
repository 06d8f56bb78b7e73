using System.Net.WebSockets;

namespace WsAuth.Internal;

/// <summary>
/// How a rejection becomes a close frame. The codes themselves are public: <see cref="WebSocketAuthCloseCodes"/>. A
/// rejection with HTTP status <c>4xx</c> maps to close code <c>4000 + status</c> (401 → 4401); a server-side failure
/// (5xx) maps to <see cref="WebSocketAuthCloseCodes.ServerError"/>.
/// </summary>
internal static class CloseCodes
{
    /// <summary>RFC 6455 §5.5: a control frame payload is at most 125 bytes, 2 of them for the code.</summary>
    public const int MaxReasonBytes = 123;

    public static int FromStatus(int statusCode) => statusCode is >= 400 and <= 499 ? 4000 + statusCode : WebSocketAuthCloseCodes.ServerError;

    /// <summary>The status and description actually sent: the code and reason, or 1008 without a reason when the app hides them.</summary>
    public static (WebSocketCloseStatus Status, string? Description) Resolve(int code, string reason, bool policyViolation)
    {
        if (policyViolation)
        {
            return (WebSocketCloseStatus.PolicyViolation, null);
        }

        // Reasons are reason codes (at most 64 ASCII characters); the guard keeps the frame valid whatever comes in.
        return ((WebSocketCloseStatus)code, reason.Length <= ReasonCode.MaxLength ? reason : reason[..ReasonCode.MaxLength]);
    }
}
