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
/// <para>Files: this one holds the state, the <see cref="WebSocket"/> members and the end of the session;
/// <c>.Receive</c> the receive path and refresh sniffing; <c>.Refresh</c> the refresh's validation; <c>.Send</c> the
/// send lock, the control queue and WsAuth's own close; <c>.Log</c> the log messages; <see cref="SessionExpiry"/> when
/// to warn and close.</para>
/// </remarks>
internal sealed partial class SessionWebSocket : WebSocket, IRevocableSession
{
    private readonly WebSocket _inner;
    private readonly SessionSettings _settings;
    private readonly HttpContext _http;
    private readonly WebSocketAuthFeature _feature;
    private readonly Func<ClaimsPrincipal, Task<bool>>? _authorize;
    private readonly string? _subject;

    // Revocation's key (the subject across issuers), fixed at the start: the registry adds and removes by it.
    private readonly string? _revocationSubject;
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
    private SessionExpiry _expiry;
    private bool _refreshing;
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
        _prefix = controlMessages ? settings.RefreshPrefix : null;
        _expiry = new SessionExpiry(start, settings.MaxSessionLength, settings.CloseOnExpiry, feature.ExpiresAt);

        if (_expiry.CanEnd)
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

    // ---- Close, abort, dispose ----------------------------------------------------------------------------------

    public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
        => CloseByEndpointAsync(closeStatus, statusDescription, outputOnly: true, cancellationToken);

    public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
        => CloseByEndpointAsync(closeStatus, statusDescription, outputOnly: false, cancellationToken);

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

    private void CancelStop() => WebSocketCloser.Cancel(_stop);

    // ---- Expiry -------------------------------------------------------------------------------------------------

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

            decision = _expiry.Decide(_settings.Time, _controlMessages ? _settings.ExpiryWarning : null, _refreshing);
            if (decision.Action != ExpiryAction.Close)
            {
                _timer?.Change(decision.Due, Timeout.InfiniteTimeSpan);
            }
        }

        if (decision.Action == ExpiryAction.Close)
        {
            _ = CloseAsync(WebSocketAuthCloseCodes.Unauthorized, WebSocketAuthFailureReasons.Expired);
        }
        else if (decision is { Action: ExpiryAction.Warn, End: { } end })
        {
            Log.ExpiryWarningSent(_settings.Logger, _http.TraceIdentifier);
            _ = SendControlAsync(ControlMessages.Expiring(end));
        }
    }
}
