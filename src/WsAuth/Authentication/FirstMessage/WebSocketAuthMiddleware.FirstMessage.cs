using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace WsAuth.Internal;

internal sealed partial class WebSocketAuthMiddleware
{
    /// <summary>
    /// The first-message method, reached when no handshake authenticator found a credential: take a waiting slot (or
    /// 429 before the upgrade), accept the socket, read and validate one message within the deadline, run the same
    /// per-user limit, endpoint policies and event as a handshake, acknowledge, and only then call the endpoint, whose
    /// <c>AcceptWebSocketAsync()</c> returns the socket already accepted. Every failure closes the socket without waiting
    /// for the client's close frame; the endpoint never runs. Returns the admission when the endpoint should run (the
    /// caller runs it, as for a handshake: this method's state is not kept for the connection's life), else null.
    /// </summary>
    private async Task<Admission?> FirstMessageAsync(
        HttpContext context,
        Endpoint? endpoint,
        WebSocketAuthenticateContext handshake,
        IPAddress client,
        long start,
        DateTimeOffset startTime)
    {
        var firstMessage = _firstMessage!;
        const string method = WebSocketAuthDefaults.FirstMessageMethod;
        if (context.Features.Get<IHttpWebSocketFeature>() is not { IsWebSocketRequest: true } webSockets || !IsWebSocketEndpoint(endpoint))
        {
            // Only a WebSocket endpoint may be upgraded: an upgrade to a plain HTTP route or a path nothing maps would
            // run HTTP code on an upgraded connection (AV10). Without a socket to read from, there is no credential.
            // ASP.NET Core would not upgrade this request (no Sec-WebSocket-Key, say): there is no socket to read from.
            await RejectAsync(context, start, null, WebSocketAuthFailureReasons.NoCredentials, StatusCodes.Status401Unauthorized);
            return null;
        }

        var pending = firstMessage.TryAcquirePending(client);
        if (!pending.IsAcquired)
        {
            pending.Dispose();
            await RejectAsync(context, start, method, WebSocketAuthFailureReasons.TooManyPending, StatusCodes.Status429TooManyRequests, retryAfter: firstMessage.Deadline);
            return null;
        }

        WebSocket socket;
        string? protocol;
        FirstMessageOutcome outcome;
        long acceptedAt;
        _metrics.PendingChanged(1);
        try
        {
            ApplyHiddenProtocols(context, handshake);
            protocol = ChooseProtocol(endpoint, handshake);
            if (protocol is null && handshake.RequestedProtocols.Count > 0)
            {
                Log.NoDeclaredProtocol(_logger, endpoint?.DisplayName);
            }

            try
            {
                socket = await webSockets.AcceptAsync(new WebSocketAcceptContext { SubProtocol = protocol });
            }
            catch (InvalidOperationException ex) when (!context.Response.HasStarted)
            {
                // Refused before anything was sent (Kestrel's upgraded-connection limit): say so, never an empty 200.
                Log.UpgradeRefused(_logger, ex.GetType().FullName, context.TraceIdentifier);
                await RejectAsync(context, start, method, WebSocketAuthFailureReasons.UpgradeRefused, StatusCodes.Status503ServiceUnavailable, retryAfter: UpgradeRetryAfter);
                return null;
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException or WebSocketException)
            {
                Log.UpgradeFailed(_logger, ex.GetType().FullName, context.TraceIdentifier);
                return null;
            }

            acceptedAt = _time.GetTimestamp();
            var activity = WebSocketAuthTelemetry.StartFirstMessage();
            outcome = await firstMessage.ReceiveAsync(socket, context, _time, _closeWithPolicyViolation);
            WebSocketAuthTelemetry.FirstMessageCompleted(activity, outcome);
        }
        finally
        {
            pending.Dispose();
            _metrics.PendingChanged(-1);
        }

        _metrics.FirstMessageCompleted(
            acceptedAt,
            _time,
            outcome.Kind switch
            {
                FirstMessageOutcomeKind.Authenticated => WebSocketAuthTelemetry.Authenticated,
                FirstMessageOutcomeKind.ClientGone => WebSocketAuthTelemetry.Aborted,
                _ => WebSocketAuthTelemetry.Rejected,
            },
            outcome.Kind == FirstMessageOutcomeKind.Rejected || outcome.Kind == FirstMessageOutcomeKind.TimedOut ? outcome.Reason : null);
        switch (outcome.Kind)
        {
            case FirstMessageOutcomeKind.ClientGone:
                // Silence that ends in the client's close counts like a missed deadline: otherwise closing just before
                // the deadline and reopening holds waiting slots for ever without a lockout (AV2).
                socket.Dispose();
                _rateLimiter.RecordFailure(client);
                Log.FirstMessageClientGone(_logger, context.TraceIdentifier);
                return null;
            case FirstMessageOutcomeKind.TimedOut:
                socket.Dispose();
                _rateLimiter.RecordFailure(client);
                RecordClosed(context, start, outcome.CloseCode, outcome.Reason);
                await RaiseRejectedAfterUpgradeAsync(context, outcome.CloseCode, outcome.Reason); // already closed with 4408
                return null;
            case FirstMessageOutcomeKind.Rejected:
                if (outcome.CountsAsFailure)
                {
                    _rateLimiter.RecordFailure(client);
                }

                await CloseFirstMessageAsync(context, socket, start, outcome.CloseCode, outcome.Reason);
                return null;
        }

        // The same admission stage as a handshake; only the way a refusal is sent differs (its close code).
        var verdict = await CompleteAdmissionAsync(context, endpoint, method, outcome.Principal!, outcome.ExpiresAt, outcome.IssuedAt, handshake.Origin);
        if (verdict.Refusal is { } refusal)
        {
            await CloseFirstMessageAsync(context, socket, start, CloseCodes.FromStatus(refusal.StatusCode), refusal.Reason);
            return null;
        }

        var feature = verdict.Feature!;
        var requirements = verdict.Requirements;

        if (firstMessage.SendAcknowledgement)
        {
            // Sent before a session exists and before endpoint code has the socket: nothing else can be sending.
            var ack = ControlMessages.Authenticated(_sessions.EndOf(feature.ExpiresAt, startTime));
            try
            {
                await socket.SendAsync(ack, WebSocketMessageType.Text, WebSocketMessageFlags.EndOfMessage, context.RequestAborted);
            }
            catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException)
            {
                socket.Dispose();
                Log.FirstMessageClientGone(_logger, context.TraceIdentifier);
                return null;
            }
        }

        var session = _sessions.Start(socket, context, feature, startTime, Authorizer(context, requirements));
        var accepted = new PreAcceptedWebSocketFeature((WebSocket?)session ?? socket, protocol);
        context.Features.Set<IHttpWebSocketFeature>(accepted);
        _metrics.Authenticated(method, start, _time);
        WebSocketAuthTelemetry.HandshakeAuthenticated(method);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            Log.Authenticated(_logger, method, context.TraceIdentifier); // guarded: see the handshake's
        }

        return new FirstMessageAdmission(method, start, socket, session, accepted, _metrics.SessionStarted(method, _time));
    }

    /// <summary>
    /// Whether an endpoint takes WebSocket requests, for the first-message method, which upgrades before endpoint code
    /// runs: one that declares it (<c>RequireWebSocketAuth</c>, <c>WithWebSocketSubprotocols</c>), or one mapped for
    /// every HTTP method (<c>app.Map(...)</c>, as WebSocket endpoints are). Routes limited to methods
    /// (<c>MapGet</c>, <c>MapPost</c>...), routing's own 405 endpoint, and requests no endpoint matched are not.
    /// </summary>
    internal static bool IsWebSocketEndpoint(Endpoint? endpoint)
        => endpoint is not null
            && (endpoint.Metadata.GetMetadata<RequireWebSocketAuthAttribute>() is not null
                || endpoint.Metadata.GetMetadata<WebSocketSubprotocolsAttribute>() is not null
                || (endpoint is RouteEndpoint && endpoint.Metadata.GetMetadata<IHttpMethodMetadata>() is null));

    private async Task CloseFirstMessageAsync(HttpContext context, WebSocket socket, long start, int code, string reason)
    {
        RecordClosed(context, start, code, reason);
        await RaiseRejectedAfterUpgradeAsync(context, code, reason);
        using (socket)
        {
            await WebSocketCloser.CloseAsync(socket, code, reason, _closeWithPolicyViolation, _time, context);
        }
    }

    /// <summary>OnRejected for a first message: the socket is open, so a throwing handler cannot keep it open or crash the host.</summary>
    private Task RaiseRejectedAfterUpgradeAsync(HttpContext context, int code, string reason)
        => RejectedEvent.RaiseAfterUpgradeAsync(GetEvents(context), context, WebSocketAuthDefaults.FirstMessageMethod, reason, code, _closeWithPolicyViolation, _logger);

    private void RecordClosed(HttpContext context, long start, int code, string reason)
    {
        _metrics.Rejected(WebSocketAuthDefaults.FirstMessageMethod, reason, start, _time);
        WebSocketAuthTelemetry.HandshakeRejected(context, WebSocketAuthDefaults.FirstMessageMethod, reason, null, code);
        var remote = RemoteAddress.Of(context);
        if (_rejectionLog.TryTake(remote, reason, out var suppressed))
        {
            Log.FirstMessageRejected(_logger, code, reason, LogSafe.Origin(context.Request.Headers.Origin), remote?.ToString(), context.TraceIdentifier, suppressed);
        }
        else
        {
            Log.FirstMessageRejectedRepeated(_logger, code, reason, LogSafe.Origin(context.Request.Headers.Origin), remote?.ToString(), context.TraceIdentifier);
        }
    }
}
