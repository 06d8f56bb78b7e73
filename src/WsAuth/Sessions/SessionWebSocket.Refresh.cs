using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace WsAuth.Internal;

/// <summary>
/// In-band refresh: reads a refresh message to its end (bounded), validates its token, checks the subject, revocation
/// and the endpoint's policies, and moves the session's end, or closes the session (<see cref="RejectRefreshAsync"/>).
/// </summary>
internal sealed partial class SessionWebSocket
{
    /// <summary>Reads the rest of a refresh message and acts on it. Returns a Close result if the peer closed meanwhile.</summary>
    private async ValueTask<ValueWebSocketReceiveResult?> ConsumeRefreshAsync(Memory<byte> start, bool endOfMessage, CancellationToken cancellationToken)
    {
        var max = _settings.MaxRefreshMessageSize;
        string? token;
        bool parsed;
        if (endOfMessage)
        {
            if (start.Length > max)
            {
                start.Span.Clear();
                await RejectRefreshAsync(null, WebSocketAuthCloseCodes.Malformed, WebSocketAuthFailureReasons.MessageTooLarge);
                return null;
            }

            parsed = _settings.Parser.TryReadRefreshMessage(start.Span, out token);
            start.Span.Clear(); // the token must not linger in the endpoint's buffer
        }
        else
        {
            if (start.Length >= max)
            {
                start.Span.Clear();
                await RejectRefreshAsync(null, WebSocketAuthCloseCodes.Malformed, WebSocketAuthFailureReasons.MessageTooLarge);
                return null;
            }

            var message = ArrayPool<byte>.Shared.Rent(max);
            try
            {
                start.Span.CopyTo(message);
                start.Span.Clear();
                var length = start.Length;
                while (!endOfMessage)
                {
                    if (length == max)
                    {
                        await RejectRefreshAsync(null, WebSocketAuthCloseCodes.Malformed, WebSocketAuthFailureReasons.MessageTooLarge);
                        return null;
                    }

                    var more = await ReceiveInnerAsync(message.AsMemory(length, max - length), cancellationToken);
                    if (_closedBy is not null)
                    {
                        return null;
                    }

                    if (more.MessageType == WebSocketMessageType.Close)
                    {
                        return more;
                    }

                    length += more.Count;
                    endOfMessage = more.EndOfMessage;
                }

                parsed = _settings.Parser.TryReadRefreshMessage(message.AsSpan(0, length), out token);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(message, clearArray: true);
            }
        }

        if (!parsed || string.IsNullOrEmpty(token))
        {
            _settings.RecordFailure(_http);
            await RejectRefreshAsync(null, WebSocketAuthCloseCodes.Malformed, WebSocketAuthFailureReasons.MessageMalformed);
            return null;
        }

        await RefreshAsync(token, cancellationToken);
        return null;
    }

    private async Task RefreshAsync(string token, CancellationToken cancellationToken)
    {
        var tooMany = false;
        lock (_gate)
        {
            if (_closedBy is not null || _ended)
            {
                return;
            }

            // Refreshes per socket are limited: each one costs a validation (AV9).
            var now = _settings.Time.GetUtcNow();
            var extras = More;
            if (now.UtcTicks - extras.RefreshWindowStartTicks >= TimeSpan.TicksPerMinute)
            {
                extras.RefreshWindowStartTicks = now.UtcTicks;
                extras.RefreshesInWindow = 0;
            }

            if (++extras.RefreshesInWindow > _settings.MaxRefreshesPerMinute)
            {
                tooMany = true;
            }
            else
            {
                _refreshing = true;
            }
        }

        if (tooMany)
        {
            await RejectRefreshAsync(null, WebSocketAuthCloseCodes.TooMany, WebSocketAuthFailureReasons.RateLimited);
            return;
        }

        var activity = WebSocketAuthTelemetry.StartRefresh(_feature.Method);
        try
        {
            await RefreshAsync(token, activity, cancellationToken);
        }
        finally
        {
            activity?.Dispose(); // ended with its outcome already, unless the refresh was cancelled
        }
    }

    private async Task RefreshAsync(string token, Activity? activity, CancellationToken cancellationToken)
    {
        WebSocketAuthenticateResult? result;
        try
        {
            var validator = _http.RequestServices.GetService<IWebSocketTokenValidator>()
                ?? throw new InvalidOperationException("No IWebSocketTokenValidator is registered.");
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, StopToken);
            result = await validator.ValidateAsync(token, _http, linked.Token);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested || IsStopped)
        {
            lock (_gate)
            {
                _refreshing = false;
            }

            if (_closedBy is not null)
            {
                return;
            }

            throw;
        }
        catch (Exception ex)
        {
            // Only the type: exception messages from token libraries can carry the token.
            Log.RefreshValidatorThrew(_settings.Logger, ex.GetType().FullName, _http.TraceIdentifier);
            activity?.SetTag(WebSocketAuthTelemetry.ErrorTypeTag, ex.GetType().FullName);
            result = CredentialOutcomes.Threw;
        }

        result = CredentialOutcomes.Of(result); // one mapping and one lockout rule for every path
        if (!result.Succeeded)
        {
            if (CredentialOutcomes.CountsTowardLockout(result))
            {
                _settings.RecordFailure(_http); // an invalid refresh is a rejected credential, as at the handshake (AV9)
            }

            await EndRefreshAndCloseAsync(activity, CredentialOutcomes.CloseCode(result), result.FailureReason!);
            return;
        }

        var principal = result.Principal;
        var subject = SessionSubject.Of(principal);
        if (_subject is null || subject is null || !string.Equals(_subject, subject, StringComparison.Ordinal))
        {
            await EndRefreshAndCloseAsync(activity, WebSocketAuthCloseCodes.Forbidden, WebSocketAuthFailureReasons.SubjectMismatch);
            return;
        }

        var issuedAt = RevocationIdentity.IssuedAt(result.IssuedAt, principal);
        switch (_settings.Revocation?.Check(RevocationIdentity.SubjectOf(principal), issuedAt))
        {
            case RevocationVerdict.Revoked:
                await EndRefreshAndCloseAsync(activity, WebSocketAuthCloseCodes.Unauthorized, WebSocketAuthFailureReasons.Revoked);
                return;
            case RevocationVerdict.Unavailable:
                await EndRefreshAndCloseAsync(activity, WebSocketAuthCloseCodes.ServerError, WebSocketAuthFailureReasons.RevocationUnavailable);
                return;
        }

        if (_authorize is not null && !await _authorize(principal))
        {
            await EndRefreshAndCloseAsync(activity, WebSocketAuthCloseCodes.Forbidden, WebSocketAuthFailureReasons.Forbidden);
            return;
        }

        DateTimeOffset? end;
        lock (_gate)
        {
            _refreshing = false;
            end = _expiry.Refreshed(result.ExpiresAt, ExpiryRules);
            _feature.User = principal;
            _feature.ExpiresAt = result.ExpiresAt;
            _feature.IssuedAt = issuedAt;
        }

        _http.User = principal;
        _settings.Metrics.RefreshSucceeded(_feature.Method);
        WebSocketAuthTelemetry.RefreshSucceeded(activity);
        Log.Refreshed(_settings.Logger, _feature.Method, _http.TraceIdentifier);
        await SendControlAsync(ControlMessages.Refreshed(end));
        Evaluate(); // reschedules, or closes if the new credential has already expired
    }

    private Task EndRefreshAndCloseAsync(Activity? activity, int code, string reason)
    {
        lock (_gate)
        {
            _refreshing = false;
        }

        return RejectRefreshAsync(activity, code, reason);
    }

    /// <summary>A refresh closes the session: counted, traced, then closed.</summary>
    private async Task RejectRefreshAsync(Activity? activity, int code, string reason)
    {
        _settings.Metrics.RefreshRejected(_feature.Method, reason);
        WebSocketAuthTelemetry.RefreshRejected(activity, _feature.Method, code, reason);
        if (_settings.Events is { } events)
        {
            // Never throws: the session closes with this code whatever the handler does.
            await RejectedEvent.RaiseAfterUpgradeAsync(events(_http), _http, _feature.Method, reason, code, _settings.CloseWithPolicyViolation, _settings.Logger);
        }

        await CloseAsync(code, reason);
    }
}
