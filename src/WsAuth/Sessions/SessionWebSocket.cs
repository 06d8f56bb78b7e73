using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace WsAuth.Internal;

/// <summary>
/// The socket endpoint code gets when a session applies. It closes the socket with 4401 <c>expired</c> when the session
/// ends, consumes in-band refresh messages, and sends WsAuth's control messages between the endpoint's own.
/// </summary>
/// <remarks>
/// <para>Receive: application messages pass through into the caller's buffer with no copy. Only a text message that
/// starts with the refresh prefix is consumed; a message whose first bytes arrive in pieces shorter than the prefix is
/// held back (at most the prefix length) until it can be told apart, then replayed.</para>
/// <para>Send: WebSocket allows one outstanding send, so the endpoint's sends and WsAuth's control messages take turns on
/// one lock. A control message never splits a fragmented application message: it waits for its end.</para>
/// <para>Once WsAuth closes the socket, the endpoint's pending and later receives return a Close result (with WsAuth's
/// code), its sends throw, and its own close calls do nothing.</para>
/// </remarks>
internal sealed partial class SessionWebSocket : WebSocket, IRevocableSession
{
    private static readonly TimeSpan RefreshGrace = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan CloseSendTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan MinimumDue = TimeSpan.FromMilliseconds(1);

    // Timers take at most about 49 days; a credential may live for years (a long cookie). Wake at least daily: each
    // wake re-evaluates against the clock and re-arms.
    private static readonly TimeSpan MaximumDue = TimeSpan.FromDays(1);

    private readonly WebSocket _inner;
    private readonly SessionSettings _settings;
    private readonly HttpContext _http;
    private readonly WebSocketAuthFeature _feature;
    private readonly Func<ClaimsPrincipal, Task<bool>>? _authorize;
    private readonly string? _subject;

    // Revocation's key (the subject across issuers), fixed at the start: the registry adds and removes by it.
    private readonly string? _revocationSubject;
    private readonly DateTimeOffset? _maxEnd;
    private readonly byte[]? _prefix;

    // False on SignalR hubs: no refresh is read, no warning sent, no message screened; the session only closes.
    private readonly bool _controlMessages;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly ITimer? _timer;
    private readonly CancellationTokenRegistration _abortedRegistration;
    private CancellationTokenSource? _grace;

    // Session state, under _gate.
    private DateTimeOffset? _credentialExpiresAt;
    private bool _warned;
    private bool _refreshing;
    private DateTimeOffset? _refreshGraceUntil;
    private DateTimeOffset _refreshWindowStart;
    private int _refreshesInWindow;
    private bool _ended;
    private volatile CloseInfo? _closedBy;

    // Who closed first, for wsauth.session.end_reason: 0 nobody yet, then InitiatorClient or InitiatorServer, set once.
    private const int InitiatorClient = 1;
    private const int InitiatorServer = 2;
    private int _initiator;

    // Receive state: only the single outstanding receive touches it.
    private bool _inMessage;
    private byte[]? _stash;
    private int _stashLength;
    private int _stashOffset;
    private bool _stashEndOfMessage;

    // Send state: only touched under _sendLock.
    private bool _sendingMessage;
    private Queue<byte[]>? _pendingControl;

    public SessionWebSocket(
        WebSocket inner,
        SessionSettings settings,
        HttpContext http,
        WebSocketAuthFeature feature,
        DateTimeOffset start,
        Func<ClaimsPrincipal, Task<bool>>? authorize,
        bool controlMessages = true)
    {
        _inner = inner;
        _controlMessages = controlMessages;
        _settings = settings;
        _http = http;
        _feature = feature;
        _authorize = authorize;
        _subject = SessionSubject.Of(feature.User);
        _revocationSubject = settings.Revocation is null ? null : RevocationIdentity.SubjectOf(feature.User);
        _maxEnd = settings.MaxSessionLength is { } max ? start + max : null;
        _prefix = controlMessages ? settings.RefreshPrefix : null;
        _credentialExpiresAt = feature.ExpiresAt;

        if (settings.CloseOnExpiry || _maxEnd is not null)
        {
            _timer = settings.Time.CreateTimer(static s => ((SessionWebSocket)s!).Evaluate(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            Evaluate();
        }

        // Registered before the abort callback, which may run at once and must find the session to remove.
        settings.Revocation?.Registry.Add(this);
        _abortedRegistration = http.RequestAborted.UnsafeRegister(static s => ((SessionWebSocket)s!).ClientWentAway(), this);
        settings.Revocation?.OnRegistered(this);
    }

    string IRevocableSession.SessionId => _feature.SessionId ?? string.Empty;

    string? IRevocableSession.Subject => _revocationSubject;

    DateTimeOffset? IRevocableSession.IssuedAt => _feature.IssuedAt;

    bool IRevocableSession.Revoke()
    {
        if (_closedBy is not null || _ended)
        {
            return false;
        }

        _ = CloseAsync(WebSocketAuthCloseCodes.Unauthorized, WebSocketAuthFailureReasons.Revoked);
        return true;
    }

    /// <summary>
    /// How the session ended (a <see cref="SessionEndReasons"/> value) as far as this wrapper saw it: WsAuth's own close,
    /// else who sent the first close frame or went away; null if none of that happened.
    /// </summary>
    public string? EndReason
        => _closedBy is { } closed
            ? SessionEndReasons.OfClose(closed.Reason)
            : Volatile.Read(ref _initiator) switch
            {
                InitiatorClient => SessionEndReasons.ClientClosed,
                InitiatorServer => SessionEndReasons.ServerClosed,
                _ => null,
            };

    public override WebSocketCloseStatus? CloseStatus => _closedBy is { } closed ? closed.Status : _inner.CloseStatus;

    public override string? CloseStatusDescription => _closedBy is { } closed ? closed.Description : _inner.CloseStatusDescription;

    public override WebSocketState State => _closedBy is not null ? WebSocketState.Closed : _inner.State;

    public override string? SubProtocol => _inner.SubProtocol;

    /// <summary>The socket this session wraps (for <see cref="SessionEndReasons"/>, which reads its final state).</summary>
    internal WebSocket Inner => _inner;

    private static ValueWebSocketReceiveResult ClosedResult => new(0, WebSocketMessageType.Close, endOfMessage: true);

    // ---- Receive ------------------------------------------------------------------------------------------------

    public override async Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken)
    {
        var result = await ReceiveAsync(buffer.AsMemory(), cancellationToken);
        return result.MessageType == WebSocketMessageType.Close
            ? new WebSocketReceiveResult(result.Count, result.MessageType, result.EndOfMessage, CloseStatus, CloseStatusDescription)
            : new WebSocketReceiveResult(result.Count, result.MessageType, result.EndOfMessage);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<ValueWebSocketReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_closedBy is { } closed)
            {
                await closed.Sent.Task; // the close frame is out before endpoint code can return and end the connection
                return ClosedResult;
            }

            if (_stashOffset < _stashLength)
            {
                return Replay(buffer.Span);
            }

            var result = await ReceiveInnerAsync(buffer, cancellationToken);
            if (_closedBy is not null)
            {
                continue; // nothing that arrives after WsAuth closed the session reaches endpoint code
            }

            if (_inMessage || result.MessageType != WebSocketMessageType.Text)
            {
                return Track(result);
            }

            if (_prefix is null)
            {
                if (!_controlMessages)
                {
                    return Track(result);
                }

                if (await ScreenAsync(buffer, result, cancellationToken) is { } passed)
                {
                    return Track(passed);
                }

                continue;
            }

            var prefix = _prefix;
            if (result.Count >= prefix.Length)
            {
                if (!buffer.Span[..result.Count].StartsWith(prefix))
                {
                    if (await ScreenAsync(buffer, result, cancellationToken) is { } passed)
                    {
                        return Track(passed);
                    }

                    continue;
                }

                if (await ConsumeRefreshAsync(buffer[..result.Count], result.EndOfMessage, cancellationToken) is { } peerClose)
                {
                    return Track(peerClose);
                }

                continue;
            }

            if (result.EndOfMessage || !prefix.AsSpan().StartsWith(buffer.Span[..result.Count]))
            {
                if (await ScreenAsync(buffer, result, cancellationToken) is { } passed)
                {
                    return Track(passed);
                }

                continue;
            }

            // A text message whose first bytes match the prefix but are fewer than it: read just enough to decide.
            var stash = _stash ??= new byte[prefix.Length];
            buffer.Span[..result.Count].CopyTo(stash);
            var length = result.Count;
            var endOfMessage = false;
            while (length < prefix.Length && !endOfMessage)
            {
                var more = await ReceiveInnerAsync(stash.AsMemory(length, prefix.Length - length), cancellationToken);
                if (more.MessageType == WebSocketMessageType.Close || _closedBy is not null)
                {
                    return _closedBy is null ? Track(more) : ClosedResult; // the unfinished message is dropped with the connection
                }

                length += more.Count;
                endOfMessage = more.EndOfMessage;
                if (!prefix.AsSpan().StartsWith(stash.AsSpan(0, length)))
                {
                    break;
                }
            }

            if (length == prefix.Length && stash.AsSpan().SequenceEqual(prefix))
            {
                if (await ConsumeRefreshAsync(stash.AsMemory(0, length), endOfMessage, cancellationToken) is { } peerClose)
                {
                    return Track(peerClose);
                }

                continue;
            }

            if (await ScreenStashAsync(length, endOfMessage, cancellationToken) is { } peerClosed)
            {
                return Track(peerClosed);
            }
        }
    }

    private ValueWebSocketReceiveResult Replay(Span<byte> destination)
    {
        var count = Math.Min(destination.Length, _stashLength - _stashOffset);
        _stash.AsSpan(_stashOffset, count).CopyTo(destination);
        _stashOffset += count;
        var endOfMessage = false;
        if (_stashOffset == _stashLength)
        {
            endOfMessage = _stashEndOfMessage;
            _stashOffset = _stashLength = 0;
        }

        _inMessage = !endOfMessage;
        return new ValueWebSocketReceiveResult(count, WebSocketMessageType.Text, endOfMessage);
    }

    private ValueWebSocketReceiveResult Track(ValueWebSocketReceiveResult result)
    {
        if (result.MessageType == WebSocketMessageType.Close)
        {
            Interlocked.CompareExchange(ref _initiator, InitiatorClient, 0);
        }

        _inMessage = result.MessageType != WebSocketMessageType.Close && !result.EndOfMessage;
        return result;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ValueWebSocketReceiveResult> ReceiveInnerAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        // One token reaches the inner socket: the session's. The caller's cancels it too (as the inner socket would abort).
        var registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static s => ((SessionWebSocket)s!).CancelStop(), this)
            : default;
        try
        {
            return await _inner.ReceiveAsync(buffer, _stop.Token);
        }
        catch (Exception) when (_closedBy is not null && !cancellationToken.IsCancellationRequested)
        {
            return ClosedResult;
        }
        catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(ex.Message, ex, cancellationToken);
        }
        finally
        {
            registration.Dispose();
        }
    }

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
            if (now - _refreshWindowStart >= TimeSpan.FromMinutes(1))
            {
                _refreshWindowStart = now;
                _refreshesInWindow = 0;
            }

            if (++_refreshesInWindow > _settings.MaxRefreshesPerMinute)
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
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
            result = await validator.ValidateAsync(token, _http, linked.Token);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested || _stop.IsCancellationRequested)
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
            var previousEnd = EndLocked();
            _refreshing = false;
            _refreshGraceUntil = null;
            _credentialExpiresAt = result.ExpiresAt;
            _feature.User = principal;
            _feature.ExpiresAt = result.ExpiresAt;
            _feature.IssuedAt = issuedAt;
            end = EndLocked();

            // Warn again only for a later end: a refresh that MaxSessionLength (or a shorter token) kept from moving the
            // end must not be answered by another warning at once, which would invite a refresh loop.
            if (end is { } newEnd && (previousEnd is not { } oldEnd || newEnd > oldEnd))
            {
                _warned = false;
            }
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

    // ---- Send ---------------------------------------------------------------------------------------------------

    public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
        => SendAsync(buffer.AsMemory(), messageType, endOfMessage ? WebSocketMessageFlags.EndOfMessage : WebSocketMessageFlags.None, cancellationToken).AsTask();

    public override ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
        => SendAsync(buffer, messageType, endOfMessage ? WebSocketMessageFlags.EndOfMessage : WebSocketMessageFlags.None, cancellationToken);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, WebSocketMessageFlags messageFlags, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            ThrowIfClosedByWsAuth();
            await _inner.SendAsync(buffer, messageType, messageFlags, cancellationToken);
            _sendingMessage = (messageFlags & WebSocketMessageFlags.EndOfMessage) == 0;
            if (!_sendingMessage && _pendingControl is { Count: > 0 })
            {
                await FlushPendingControlAsync();
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task SendControlAsync(byte[] message)
    {
        try
        {
            await _sendLock.WaitAsync(_stop.Token);
            try
            {
                if (_closedBy is not null || _inner.State != WebSocketState.Open)
                {
                    return;
                }

                if (_sendingMessage)
                {
                    (_pendingControl ??= new Queue<byte[]>(2)).Enqueue(message); // sent when the endpoint's message ends
                    return;
                }

                await _inner.SendAsync(message, WebSocketMessageType.Text, WebSocketMessageFlags.EndOfMessage, _stop.Token);
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (Exception ex) when (IsConnectionFailure(ex))
        {
            Log.ControlSendFailed(_settings.Logger, ex.GetType().FullName, _http.TraceIdentifier);
        }
    }

    private async Task FlushPendingControlAsync()
    {
        while (_pendingControl!.TryDequeue(out var message))
        {
            try
            {
                await _inner.SendAsync(message, WebSocketMessageType.Text, WebSocketMessageFlags.EndOfMessage, _stop.Token);
            }
            catch (Exception ex) when (IsConnectionFailure(ex))
            {
                Log.ControlSendFailed(_settings.Logger, ex.GetType().FullName, _http.TraceIdentifier);
                _pendingControl.Clear();
                return;
            }
        }
    }

    private void ThrowIfClosedByWsAuth()
    {
        if (_closedBy is { } closed)
        {
            throw new WebSocketException(WebSocketError.InvalidState, $"WsAuth closed the WebSocket session ({closed.Code} {closed.Reason}).");
        }
    }

    // ---- Close, abort, dispose ----------------------------------------------------------------------------------

    public override async Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
    {
        StopTimer();
        if (_closedBy is not null)
        {
            return;
        }

        Interlocked.CompareExchange(ref _initiator, InitiatorServer, 0);

        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            if (_closedBy is null)
            {
                await _inner.CloseOutputAsync(closeStatus, statusDescription, cancellationToken);
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public override async Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
    {
        StopTimer();
        if (_closedBy is not null)
        {
            return;
        }

        Interlocked.CompareExchange(ref _initiator, InitiatorServer, 0);

        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            if (_closedBy is null)
            {
                await _inner.CloseAsync(closeStatus, statusDescription, cancellationToken);
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public override void Abort()
    {
        EndSession();
        _inner.Abort();
    }

    public override void Dispose()
    {
        EndSession();
        _inner.Dispose();
    }

    /// <summary>Called when the endpoint returned: waits for a close WsAuth started, and stops the session's timer.</summary>
    public async Task EndAsync()
    {
        if (_closedBy is { } closed)
        {
            await closed.Sent.Task;
            if (_inner.State == WebSocketState.CloseSent)
            {
                // The endpoint returned before the client's close frame came: linger for it, at most the grace period.
                await WebSocketCloser.DrainAsync(_inner, _stop.Token);
            }
        }

        EndSession();
    }

    private void ClientWentAway()
    {
        Interlocked.CompareExchange(ref _initiator, InitiatorClient, 0);
        EndSession();
    }

    private void EndSession()
    {
        lock (_gate)
        {
            if (_ended)
            {
                return;
            }

            _ended = true;
            _timer?.Dispose();
        }

        _settings.Revocation?.Registry.Remove(this);

        Interlocked.Exchange(ref _grace, null)?.Dispose();

        _abortedRegistration.Unregister();
    }

    private void StopTimer()
    {
        lock (_gate)
        {
            if (!_ended)
            {
                _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private void CancelStop()
    {
        try
        {
            _stop.Cancel();
        }
        catch (AggregateException)
        {
            // A registration on the inner socket threw; the socket is aborted either way.
        }
    }

    // ---- Expiry -------------------------------------------------------------------------------------------------

    private DateTimeOffset? EndLocked()
    {
        var end = _settings.CloseOnExpiry ? _credentialExpiresAt : null;
        if (_maxEnd is { } max && (end is null || max < end))
        {
            end = max;
        }

        return end;
    }

    /// <summary>The timer's callback, and the re-check after a refresh: warns, closes or reschedules. Spurious calls are harmless.</summary>
    private void Evaluate()
    {
        byte[]? warning = null;
        var expire = false;
        lock (_gate)
        {
            if (_ended || _closedBy is not null)
            {
                return;
            }

            var now = _settings.Time.GetUtcNow();
            DateTimeOffset? next = null;
            if (EndLocked() is not { } end)
            {
                next = null;
            }
            else if (now >= end)
            {
                if (_refreshing && (_refreshGraceUntil ??= now + RefreshGrace) > now)
                {
                    next = _refreshGraceUntil; // a refresh that arrived in time is being validated: give it a moment
                }
                else
                {
                    expire = true;
                }
            }
            else
            {
                var warnAt = _controlMessages && _settings.ExpiryWarning is { } lead ? end - lead : (DateTimeOffset?)null;
                if (warnAt is { } at && !_warned && now >= at)
                {
                    _warned = true;
                    warning = ControlMessages.Expiring(end);
                }

                next = !_warned && warnAt is { } pending ? pending : end;
            }

            if (!expire && _timer is not null)
            {
                var due = next is { } n ? n - now : Timeout.InfiniteTimeSpan;
                _timer.Change(next is null ? Timeout.InfiniteTimeSpan : (due < MinimumDue ? MinimumDue : due > MaximumDue ? MaximumDue : due), Timeout.InfiniteTimeSpan);
            }
        }

        if (expire)
        {
            _ = CloseAsync(WebSocketAuthCloseCodes.Unauthorized, WebSocketAuthFailureReasons.Expired);
        }
        else if (warning is not null)
        {
            Log.ExpiryWarningSent(_settings.Logger, _http.TraceIdentifier);
            _ = SendControlAsync(warning);
        }
    }

    /// <summary>
    /// Closes the session from WsAuth's side: sends the close frame without waiting for the client's, then ends a pending
    /// receive so that endpoint code sees the close. If the frame cannot be sent in time, the connection is aborted.
    /// </summary>
    private async Task CloseAsync(int code, string reason)
    {
        var (status, description) = CloseCodes.Resolve(code, reason, _settings.CloseWithPolicyViolation);
        var closed = new CloseInfo(code, reason, status, description);
        lock (_gate)
        {
            if (_closedBy is not null || _ended)
            {
                return;
            }

            _closedBy = closed;
            _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        _settings.Metrics.SessionClosed(reason);
        Log.SessionClosed(_settings.Logger, code, reason, _feature.Method, _http.TraceIdentifier);
        var sent = false;
        try
        {
            using var timeout = new CancellationTokenSource(CloseSendTimeout, _settings.Time);
            await _sendLock.WaitAsync(timeout.Token);
            try
            {
                if (_inner.State is WebSocketState.Open or WebSocketState.CloseReceived)
                {
                    await _inner.CloseOutputAsync(status, description, timeout.Token);
                }

                sent = true;
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (Exception ex) when (IsConnectionFailure(ex))
        {
            Log.ControlSendFailed(_settings.Logger, ex.GetType().FullName, _http.TraceIdentifier);
        }
        finally
        {
            if (sent)
            {
                // Linger for the client's close frame (a pending receive sees it); stop waiting when the grace period ends.
                var grace = new CancellationTokenSource(WebSocketCloser.Grace, _settings.Time);
                grace.Token.UnsafeRegister(static s => ((SessionWebSocket)s!).CancelStop(), this);
                Interlocked.Exchange(ref _grace, grace)?.Dispose();
            }
            else
            {
                CancelStop();
                _inner.Abort();
                _http.Abort();
            }

            closed.Sent.TrySetResult();
        }
    }

    private static bool IsConnectionFailure(Exception ex) => WebSocketCloser.IsConnectionFailure(ex);

    private sealed class CloseInfo(int code, string reason, WebSocketCloseStatus status, string? description)
    {
        public int Code { get; } = code;

        public string Reason { get; } = reason;

        public WebSocketCloseStatus Status { get; } = status;

        public string? Description { get; } = description;

        public TaskCompletionSource Sent { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

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
    }
}
