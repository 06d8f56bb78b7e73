using System.Net.WebSockets;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;

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

    // False on SignalR hubs: no refresh is read, no warning sent, no message screened; the session only closes.
    private readonly bool _controlMessages;
    private readonly Lock _gate = new();
    private readonly ITimer? _timer;
    private readonly CancellationTokenRegistration _abortedRegistration;

    // Session state, under _gate.
    private SessionExpiry _expiry;
    private bool _refreshing;
    private bool _ended;
    private volatile CloseInfo? _closedBy;

    // Who closed first, for wsauth.session.end_reason: 0 nobody yet, then InitiatorClient or InitiatorServer, set once.
    private const int InitiatorClient = 1;
    private const int InitiatorServer = 2;
    private int _initiator;

    // Receive state: only the single outstanding receive touches it.
    private bool _inMessage;

    // Send state: only touched while holding the send turn.
    private bool _sendingMessage;

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
        var maxEnd = settings.MaxSessionLength is { } max ? start + max : (DateTimeOffset?)null;
        _expiry = new SessionExpiry(feature.ExpiresAt, maxEnd);

        if (settings.CloseOnExpiry || maxEnd is not null)
        {
            _timer = settings.Time.CreateTimer(static s => ((SessionWebSocket)s!).EvaluateFromTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
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

    /// <summary>The refresh message's prefix when this session reads refreshes; null on hubs and with refresh off.</summary>
    private byte[]? Prefix => _controlMessages ? _settings.RefreshPrefix : null;

    /// <summary>The socket this session wraps (for <see cref="SessionEndReasons"/>, which reads its final state).</summary>
    internal WebSocket Inner => _inner;

    private static ValueWebSocketReceiveResult ClosedResult => new(0, WebSocketMessageType.Close, endOfMessage: true);

    // ---- Close, abort, dispose ----------------------------------------------------------------------------------

    public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
        => CloseFromEndpointAsync(static (inner, status, description, token) => inner.CloseOutputAsync(status, description, token), closeStatus, statusDescription, cancellationToken);

    public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
        => CloseFromEndpointAsync(static (inner, status, description, token) => inner.CloseAsync(status, description, token), closeStatus, statusDescription, cancellationToken);

    /// <summary>The endpoint closes: the session's timer stops, and after a close by WsAuth the call does nothing.</summary>
    private async Task CloseFromEndpointAsync(
        Func<WebSocket, WebSocketCloseStatus, string?, CancellationToken, Task> close,
        WebSocketCloseStatus closeStatus,
        string? statusDescription,
        CancellationToken cancellationToken)
    {
        StopTimer();
        if (_closedBy is not null)
        {
            return;
        }

        Interlocked.CompareExchange(ref _initiator, InitiatorServer, 0);

        await EnterSendAsync(cancellationToken);
        try
        {
            if (_closedBy is null)
            {
                await close(_inner, closeStatus, statusDescription, cancellationToken);
            }
        }
        finally
        {
            ExitSend();
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
                await WebSocketCloser.DrainAsync(_inner, StopToken);
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

        if (_extras is { } extras)
        {
            Interlocked.Exchange(ref extras.Grace, null)?.Dispose();
        }

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

    // ---- Expiry -------------------------------------------------------------------------------------------------

    private ExpiryRules ExpiryRules => new(_settings.CloseOnExpiry, _controlMessages ? _settings.ExpiryWarning : null);

    /// <summary>The timer's callback, and the re-check after a refresh: warns, closes or reschedules. Spurious calls are harmless.</summary>
    private void Evaluate()
    {
        ExpiryDecision decision;
        lock (_gate)
        {
            if (_ended || _closedBy is not null)
            {
                return;
            }

            var now = _settings.Time.GetUtcNow();
            decision = _expiry.Decide(now, _refreshing, ExpiryRules);
            if (decision.Action != ExpiryAction.Expire && _timer is not null)
            {
                var due = decision.WakeAt is { } next ? next - now : Timeout.InfiniteTimeSpan;
                _timer.Change(decision.WakeAt is null ? Timeout.InfiniteTimeSpan : (due < MinimumDue ? MinimumDue : due > MaximumDue ? MaximumDue : due), Timeout.InfiniteTimeSpan);
            }
        }

        if (decision.Action == ExpiryAction.Expire)
        {
            _ = CloseAsync(WebSocketAuthCloseCodes.Unauthorized, WebSocketAuthFailureReasons.Expired);
        }
        else if (decision.Action == ExpiryAction.Warn)
        {
            Log.ExpiryWarningSent(_settings.Logger, _http.TraceIdentifier);
            _ = SendControlAsync(ControlMessages.Expiring(decision.WakeAt!.Value));
        }
    }

    /// <summary>
    /// The timer's callback. It can run while the request is finishing (its context being reset): nothing it throws may
    /// reach the timer thread, where it would take the process down.
    /// </summary>
    private void EvaluateFromTimer()
    {
        try
        {
            Evaluate();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.TimerCallbackFailed(_settings.Logger, ex.GetType().FullName);
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


}
