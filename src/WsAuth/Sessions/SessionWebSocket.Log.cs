using Microsoft.Extensions.Logging;

namespace WsAuth.Internal;

/// <summary>The session's log events (ids 420-425). Never a token, a subject or a session id.</summary>
internal sealed partial class SessionWebSocket
{
    private static partial class Log
    {
        [LoggerMessage(420, LogLevel.Information, "WsAuth closed a WebSocket session with {CloseCode} {Reason} (method {Method}, request {RequestId}).", EventName = "SessionClosed")]
        public static partial void SessionClosed(ILogger logger, int closeCode, string reason, string method, string requestId);

        [LoggerMessage(421, LogLevel.Debug, "WebSocket session refreshed in-band (method {Method}, request {RequestId}).", EventName = "SessionRefreshed")]
        public static partial void Refreshed(ILogger logger, string method, string requestId);

        [LoggerMessage(422, LogLevel.Debug, "Sent the expiry warning to the client (request {RequestId}).", EventName = "ExpiryWarningSent")]
        public static partial void ExpiryWarningSent(ILogger logger, string requestId);

        [LoggerMessage(423, LogLevel.Debug, "A WsAuth control frame could not be sent ({ExceptionType}); the client is probably gone (request {RequestId}).", EventName = "ControlSendFailed")]
        public static partial void ControlSendFailed(ILogger logger, string? exceptionType, string requestId);

        [LoggerMessage(424, LogLevel.Error, "The token validator threw {ExceptionType} on a refresh message; the session was closed. The exception message is not logged because it may contain the token (request {RequestId}).", EventName = "RefreshValidatorThrew")]
        public static partial void RefreshValidatorThrew(ILogger logger, string? exceptionType, string requestId);

        [LoggerMessage(425, LogLevel.Debug, "A WebSocket session's timer (expiry, or the end of its close linger) threw {ExceptionType} while its request was ending; nothing was left to do.", EventName = "SessionTimerFailed")]
        public static partial void TimerCallbackFailed(ILogger logger, string? exceptionType);
    }
}
