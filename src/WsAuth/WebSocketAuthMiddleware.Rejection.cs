using System.Globalization;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace WsAuth.Internal;

internal sealed partial class WebSocketAuthMiddleware
{
    /// <summary>
    /// Rejects a handshake before endpoint code runs: an HTTP status with the reason as body, or, for an authentication
    /// failure under <see cref="WebSocketRejectionMode.CloseAfterUpgrade"/>, an accepted socket closed at once with
    /// 4000 + status and the reason.
    /// </summary>
    private async Task RejectAsync(
        HttpContext context,
        long start,
        string? method,
        string reason,
        int statusCode,
        Closable? closable = null,
        TimeSpan? retryAfter = null)
    {
        _metrics.Rejected(method, reason, start, _time);
        LogRejected(context, statusCode, reason, method);

        // The connection ends with the rejection: a request pipelined behind a refused upgrade is never served, so a
        // proxy that forwards the bytes after an upgrade attempt without checking for 101 cannot smuggle one (AV5).
        if (!context.Response.HasStarted && !HttpProtocol.IsHttp2(context.Request.Protocol) && !HttpProtocol.IsHttp3(context.Request.Protocol))
        {
            context.Response.Headers.Connection = "close";
        }

        var webSockets = closable is not null && _closeAfterUpgrade && context.Features.Get<IHttpWebSocketFeature>() is { IsWebSocketRequest: true } feature
            ? feature
            : null;
        int? closeCode = webSockets is null ? null : RejectedEvent.SentCode(CloseCodes.FromStatus(statusCode), _closeWithPolicyViolation);
        var rejected = new WebSocketRejectedContext(context, method, reason, statusCode, closeCode);
        await GetEvents(context).Rejected(rejected);
        if (rejected.IsResponseHandled || context.Response.HasStarted)
        {
            WebSocketAuthTelemetry.HandshakeRejected(context, method, reason, context.Response.StatusCode, null);
            return;
        }

        var status = rejected.StatusCode is >= 400 and <= 599 ? rejected.StatusCode : statusCode;
        if (webSockets is not null)
        {
            WebSocketAuthTelemetry.HandshakeRejected(context, method, reason, null, CloseCodes.FromStatus(status));
            await CloseAfterUpgradeAsync(context, webSockets, closable!, CloseCodes.FromStatus(status), reason);
            return;
        }

        WebSocketAuthTelemetry.HandshakeRejected(context, method, reason, status, null);

        context.Response.StatusCode = status;
        context.Response.Headers.CacheControl = "no-store";
        if (retryAfter is { } wait)
        {
            context.Response.Headers[HeaderNames.RetryAfter] = RetryAfterSeconds(wait);
        }

        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.ContentLength = reason.Length; // reason codes are ASCII
        await context.Response.WriteAsync(reason);
    }

    private async Task CloseAfterUpgradeAsync(HttpContext context, IHttpWebSocketFeature webSockets, Closable closable, int code, string reason)
    {
        ApplyHiddenProtocols(context, closable.Handshake);
        WebSocket socket;
        try
        {
            socket = await webSockets.AcceptAsync(new WebSocketAcceptContext { SubProtocol = ChooseProtocol(closable.Endpoint, closable.Handshake) });
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException or WebSocketException)
        {
            Log.UpgradeFailed(_logger, ex.GetType().FullName, context.TraceIdentifier);
            return;
        }

        using (socket)
        {
            await WebSocketCloser.CloseAsync(socket, code, reason, _closeWithPolicyViolation, _time, context);
        }

        Log.ClosedAfterUpgrade(_logger, code, reason, context.TraceIdentifier);
    }

    /// <summary>One Information line per client and reason a minute, the rest at Debug (AV6); nothing formatted when off.</summary>
    private void LogRejected(HttpContext context, int statusCode, string reason, string? method)
    {
        var remote = RemoteAddress.Of(context);
        if (_rejectionLog.TryTake(remote, reason, out var suppressed))
        {
            if (_logger.IsEnabled(LogLevel.Information))
            {
                Log.Rejected(_logger, statusCode, reason, method ?? WebSocketAuthMetrics.NoMethod, LogSafe.Origin(context.Request.Headers.Origin), remote?.ToString(), context.TraceIdentifier, suppressed);
            }
        }
        else if (_logger.IsEnabled(LogLevel.Debug))
        {
            Log.RejectedRepeated(_logger, statusCode, reason, method ?? WebSocketAuthMetrics.NoMethod, LogSafe.Origin(context.Request.Headers.Origin), remote?.ToString(), context.TraceIdentifier);
        }
    }

    /// <summary>Whole seconds, rounded up, at least 1: <c>Retry-After: 0</c> would invite an immediate retry.</summary>
    internal static string RetryAfterSeconds(TimeSpan wait)
        => Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
