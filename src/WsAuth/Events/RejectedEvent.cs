using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace WsAuth.Internal;

/// <summary>
/// Raises <see cref="WebSocketAuthEvents.OnRejected"/> for a rejection after the upgrade (first message, refresh): the
/// socket is already open, so a handler that throws is logged (by exception type only) and the socket still closes with
/// the intended code. The handler never receives the credential: only the reason, the method and the codes.
/// </summary>
internal static partial class RejectedEvent
{
    public static async Task RaiseAfterUpgradeAsync(
        WebSocketAuthEvents events, HttpContext context, string? method, string reason, int closeCode, bool policyViolation, ILogger logger)
    {
        var rejected = new WebSocketRejectedContext(context, method, reason, StatusOf(closeCode), SentCode(closeCode, policyViolation));
        try
        {
            await events.Rejected(rejected);
        }
        catch (Exception ex)
        {
            // Only the type: the handler is the app's code, and the socket must close whatever it did.
            Log.HandlerThrew(logger, ex.GetType().FullName, closeCode, reason, context.TraceIdentifier);
        }
    }

    /// <summary>The close code on the wire: 1008 when the app hides codes (<c>CloseWithPolicyViolation</c>).</summary>
    public static int SentCode(int closeCode, bool policyViolation) => (int)CloseCodes.Resolve(closeCode, string.Empty, policyViolation).Status;

    /// <summary>The HTTP status a close code stands for: <c>code - 4000</c> for 4400–4499, 500 otherwise.</summary>
    public static int StatusOf(int closeCode) => closeCode is >= 4400 and <= 4499 ? closeCode - 4000 : StatusCodes.Status500InternalServerError;

    private static partial class Log
    {
        [LoggerMessage(11, LogLevel.Error, "An OnRejected handler threw {ExceptionType} after the upgrade; the socket was closed with {CloseCode} {Reason} anyway (request {RequestId}).", EventName = "RejectedHandlerThrew")]
        public static partial void HandlerThrew(ILogger logger, string? exceptionType, int closeCode, string reason, string requestId);
    }
}
