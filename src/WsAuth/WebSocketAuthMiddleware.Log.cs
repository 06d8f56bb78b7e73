using Microsoft.Extensions.Logging;

namespace WsAuth.Internal;

internal sealed partial class WebSocketAuthMiddleware
{
    // Event ids are stable: never renumber or reuse one. Nothing logged here is a credential.
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "WebSocket handshake authenticated by {Method} (request {RequestId}).", EventName = "HandshakeAuthenticated")]
        public static partial void Authenticated(ILogger logger, string method, string requestId);

        [LoggerMessage(2, LogLevel.Information, "WebSocket handshake rejected with {StatusCode} {Reason} (authenticator {Method}, origin {Origin}, client {RemoteIp}, request {RequestId}); {Suppressed} more from this client for this reason since the last such line were logged at Debug (at most one such line per client and reason a minute).", EventName = "HandshakeRejected")]
        public static partial void Rejected(ILogger logger, int statusCode, string reason, string method, string? origin, string? remoteIp, string requestId, int suppressed);

        [LoggerMessage(10, LogLevel.Debug, "WebSocket handshake rejected with {StatusCode} {Reason} (authenticator {Method}, origin {Origin}, client {RemoteIp}, request {RequestId}).", EventName = "HandshakeRejectedRepeated")]
        public static partial void RejectedRepeated(ILogger logger, int statusCode, string reason, string method, string? origin, string? remoteIp, string requestId);

        [LoggerMessage(3, LogLevel.Warning, "WebSocket handshake over plain {Scheme} refused: WsAuth requires wss:// outside Development. Serve the app over HTTPS; if TLS ends at a proxy, call app.UseForwardedHeaders() (with ForwardedHeaders.XForwardedProto) before app.UseWebSocketAuth(); or set WsAuth:RequireSecureTransport=false.", EventName = "InsecureTransport")]
        public static partial void InsecureTransport(ILogger logger, string scheme);

        [LoggerMessage(4, LogLevel.Error, "The WebSocket authenticator {Method} threw {ExceptionType}; the handshake was rejected with 500. The exception message is not logged because it may contain the credential.", EventName = "AuthenticatorThrew")]
        public static partial void AuthenticatorThrew(ILogger logger, string method, string? exceptionType);

        [LoggerMessage(5, LogLevel.Error, "The WebSocket authenticator {Method} returned null; the handshake was rejected with 500.", EventName = "AuthenticatorReturnedNull")]
        public static partial void AuthenticatorReturnedNull(ILogger logger, string method);

        [LoggerMessage(6, LogLevel.Debug, "The client went away while {Method} was authenticating the WebSocket handshake.", EventName = "RequestAborted")]
        public static partial void RequestAborted(ILogger logger, string method);

        [LoggerMessage(7, LogLevel.Debug, "WebSocket handshake to {Endpoint} not guarded: the endpoint opted out with DisableWebSocketAuth.", EventName = "GuardDisabled")]
        public static partial void Disabled(ILogger logger, string? endpoint);

        [LoggerMessage(9, LogLevel.Warning, "The server refused to upgrade an authenticated WebSocket handshake ({ExceptionType}); answered 503. Kestrel's MaxConcurrentUpgradedConnections is the usual cause (request {RequestId}).", EventName = "UpgradeRefused")]
        public static partial void UpgradeRefused(ILogger logger, string? exceptionType, string requestId);

        [LoggerMessage(8, LogLevel.Information, "WsAuth guards WebSocket handshakes with authenticators [{Methods}], allowed origins [{Origins}], secure transport required: {RequireSecureTransport}.", EventName = "Configured")]
        public static partial void Configured(ILogger logger, string methods, string origins, bool requireSecureTransport);

        [LoggerMessage(400, LogLevel.Information, "WebSocket closed after the upgrade with {CloseCode} {Reason} before endpoint code ran (first-message, origin {Origin}, client {RemoteIp}, request {RequestId}); {Suppressed} more from this client for this reason since the last such line were logged at Debug.", EventName = "FirstMessageRejected")]
        public static partial void FirstMessageRejected(ILogger logger, int closeCode, string reason, string? origin, string? remoteIp, string requestId, int suppressed);

        [LoggerMessage(407, LogLevel.Debug, "WebSocket closed after the upgrade with {CloseCode} {Reason} before endpoint code ran (first-message, origin {Origin}, client {RemoteIp}, request {RequestId}).", EventName = "FirstMessageRejectedRepeated")]
        public static partial void FirstMessageRejectedRepeated(ILogger logger, int closeCode, string reason, string? origin, string? remoteIp, string requestId);

        [LoggerMessage(403, LogLevel.Debug, "The client closed or went away before its first message was accepted (request {RequestId}).", EventName = "FirstMessageClientGone")]
        public static partial void FirstMessageClientGone(ILogger logger, string requestId);

        [LoggerMessage(404, LogLevel.Debug, "WsAuth could not accept the WebSocket ({ExceptionType}); the client is probably gone (request {RequestId}).", EventName = "UpgradeFailed")]
        public static partial void UpgradeFailed(ILogger logger, string? exceptionType, string requestId);

        [LoggerMessage(405, LogLevel.Debug, "Rejection sent after the upgrade as close code {CloseCode} {Reason} (request {RequestId}).", EventName = "ClosedAfterUpgrade")]
        public static partial void ClosedAfterUpgrade(ILogger logger, int closeCode, string reason, string requestId);

        [LoggerMessage(406, LogLevel.Debug, "The client offered subprotocols but {Endpoint} declares none that it offered, so WsAuth answers none (browsers then fail the handshake). Declare the endpoint's protocols with .WithWebSocketSubprotocols(...).", EventName = "NoDeclaredSubprotocol")]
        public static partial void NoDeclaredProtocol(ILogger logger, string? endpoint);
    }
}
