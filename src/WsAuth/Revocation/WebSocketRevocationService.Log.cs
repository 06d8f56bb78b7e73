using Microsoft.Extensions.Logging;

namespace WsAuth.Internal;

internal sealed partial class WebSocketRevocationService
{
    // Event ids 700-719: revocation. Subjects, session ids and credentials are never logged.
    private static partial class Log
    {
        [LoggerMessage(700, LogLevel.Information, "WebSocket revocation requested: {Kind} (reason {Reason}); {Closed} session(s) closed on this instance.", EventName = "RevocationRequested")]
        public static partial void Requested(ILogger logger, string kind, string reason, int closed);

        [LoggerMessage(701, LogLevel.Debug, "WebSocket revocation received from another instance: {Kind}; {Closed} session(s) closed here.", EventName = "RevocationReceived")]
        public static partial void Received(ILogger logger, string kind, int closed);

        [LoggerMessage(702, LogLevel.Error, "A WebSocket revocation ({Kind}) was applied on this instance but could not be published to the others ({ExceptionType}); the caller got the exception and should retry.", EventName = "RevocationPublishFailed")]
        public static partial void PublishFailed(ILogger logger, string kind, string? exceptionType);

        [LoggerMessage(703, LogLevel.Warning, "The revocation backplane is lost ({ExceptionType}); WsAuth keeps trying to reach it.", EventName = "RevocationSubscriptionLost")]
        public static partial void SubscriptionLost(ILogger logger, string? exceptionType);

        [LoggerMessage(704, LogLevel.Warning, "The revocation state of this instance is no longer known current. Handshakes: {Behavior} (max staleness {MaxStaleness}).", EventName = "RevocationStateStale")]
        public static partial void BackplaneLost(ILogger logger, string behavior, TimeSpan maxStaleness);

        [LoggerMessage(705, LogLevel.Information, "The revocation backplane is back: {Count} live revocation(s) reloaded, {Closed} session(s) closed that were revoked meanwhile.", EventName = "RevocationBackplaneRestored")]
        public static partial void BackplaneRestored(ILogger logger, int count, int closed);

        [LoggerMessage(706, LogLevel.Information, "Revocation state loaded: {Count} live revocation(s); {Closed} open session(s) closed.", EventName = "RevocationStateLoaded")]
        public static partial void StateLoaded(ILogger logger, int count, int closed);

        [LoggerMessage(707, LogLevel.Error, "The revocation state could not be loaded ({ExceptionType}); retrying.", EventName = "RevocationLoadFailed")]
        public static partial void LoadFailed(ILogger logger, string? exceptionType);

        [LoggerMessage(709, LogLevel.Warning, "The revocation store had lost {Count} revocation(s) this instance knows (a restart without persistence?); written back.", EventName = "RevocationRepaired")]
        public static partial void Repaired(ILogger logger, int count);

        [LoggerMessage(710, LogLevel.Warning, "The revocation store had lost {Count} revocation(s) this instance knows, and writing them back failed ({ExceptionType}); this instance decides on what it knows, and the write-back is tried again at the next reconnection.", EventName = "RevocationRepairFailed")]
        public static partial void RepairFailed(ILogger logger, int count, string? exceptionType);

        [LoggerMessage(708, LogLevel.Warning, "The app started before the revocation state could be loaded. Handshakes: {Behavior} until it is.", EventName = "RevocationStartWithoutState")]
        public static partial void StartWithoutState(ILogger logger, string behavior);
    }
}
