using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WsAuth.Internal;

/// <summary>
/// Revocation on one instance: the public API, the per-instance copy of the revocation state that handshakes are
/// checked against (no network round trip), and the loop that keeps that copy fresh through the backplane.
/// </summary>
/// <remarks>
/// Ordering makes a revocation and a concurrent handshake meet: a revocation updates the state, then closes the
/// registered sessions; a new session registers, then checks the state. Whichever runs second sees the other.
/// </remarks>
internal sealed partial class WebSocketRevocationService : IWebSocketRevocation, IHostedService, IDisposable
{
    private readonly IWebSocketRevocationBackplane _backplane;
    private readonly SessionRegistry _registry;
    private readonly WebSocketRevocationOptions _options;
    private readonly TimeProvider _time;
    private readonly WebSocketAuthMetrics _metrics;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Revoked> _revoked = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _firstLoad = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _instanceId = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(12));
    private readonly bool _refuseWhenStale;
    private Task? _loop;
    private volatile bool _current;
    private volatile bool _everLoaded;
    private int _loading;
    private int _disposed;
    private long _lostAtUnixMs;

    public WebSocketRevocationService(
        IWebSocketRevocationBackplane backplane,
        SessionRegistry registry,
        IOptions<WebSocketRevocationOptions> options,
        TimeProvider time,
        WebSocketAuthMetrics metrics,
        ILogger<WebSocketRevocationService> logger)
    {
        _backplane = backplane;
        _registry = registry;
        _options = options.Value;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _refuseWhenStale = _options.WhenUnavailable == WebSocketRevocationUnavailableBehavior.RefuseAfterStaleness;
        _lostAtUnixMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        metrics.ObserveRevocation(this);
    }

    public SessionRegistry Registry => _registry;

    /// <summary>Whether the state is known current: subscribed and loaded.</summary>
    public bool IsCurrent => _current;

    /// <summary>Whether the state was ever loaded since the start.</summary>
    public bool EverLoaded => _everLoaded;

    /// <summary>How long the state has not been known current, or zero.</summary>
    public TimeSpan Staleness => _current ? TimeSpan.Zero : _time.GetUtcNow() - DateTimeOffset.FromUnixTimeMilliseconds(Interlocked.Read(ref _lostAtUnixMs));

    /// <summary>Whether handshakes are refused right now because the state is not known.</summary>
    public bool IsRefusing => !_current && _refuseWhenStale && (!_everLoaded || Staleness > _options.MaxStaleness);

    /// <summary>How many subjects have a live revocation on this instance.</summary>
    public int RevokedSubjects => _revoked.Count;

    // ---- The check (hot path: no I/O) ---------------------------------------------------------------------------

    public RevocationVerdict Check(string? subject, DateTimeOffset? issuedAt)
    {
        if (!_current && IsRefusing)
        {
            return RevocationVerdict.Unavailable;
        }

        return IsRevoked(subject, issuedAt) ? RevocationVerdict.Revoked : RevocationVerdict.Allowed;
    }

    /// <summary>
    /// Whether a credential of <paramref name="subject"/> issued at <paramref name="issuedAt"/> is revoked. A credential
    /// whose issue time is unknown is revoked whenever its subject has a live revocation: it might be older.
    /// </summary>
    public bool IsRevoked(string? subject, DateTimeOffset? issuedAt)
    {
        // TryGetValue takes no lock (IsEmpty would take every lock when the dictionary is empty, the common case).
        if (subject is null || !_revoked.TryGetValue(subject, out var revoked))
        {
            return false;
        }

        if (revoked.ExpiresAt <= _time.GetUtcNow())
        {
            _revoked.TryRemove(new KeyValuePair<string, Revoked>(subject, revoked));
            return false;
        }

        return issuedAt is not { } issued || issued < revoked.IssuedBefore;
    }

    public bool IsRevoked(ClaimsPrincipal user, DateTimeOffset? issuedAt)
    {
        ArgumentNullException.ThrowIfNull(user);
        return IsRevoked(RevocationIdentity.SubjectOf(user), RevocationIdentity.IssuedAt(issuedAt, user));
    }

    /// <summary>Called by a session once registered: closes it at once if a revocation overtook its handshake.</summary>
    public void OnRegistered(IRevocableSession session)
    {
        if (IsRevoked(session.Subject, session.IssuedAt))
        {
            session.Revoke();
        }
    }

    // ---- The public API -----------------------------------------------------------------------------------------

    public Task RevokeAsync(ClaimsPrincipal user, DateTimeOffset? issuedBefore = null, string? reason = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var subject = RevocationIdentity.SubjectOf(user)
            ?? throw new ArgumentException("The user has no subject (no 'sub' or name identifier claim), so WsAuth cannot tell its sessions and credentials apart from others'.", nameof(user));
        return RevokeAsync(subject, issuedBefore, reason, cancellationToken);
    }

    public Task RevokeAsync(string subject, DateTimeOffset? issuedBefore = null, string? reason = null, CancellationToken cancellationToken = default)
    {
        var before = issuedBefore ?? _time.GetUtcNow();
        var message = new WebSocketRevocationMessage(
            WebSocketRevocationKind.Revoke, subject, before, before + _options.MaxCredentialLifetime, reason, _instanceId);
        return PublishAsync(message, cancellationToken);
    }

    public Task DisconnectUserAsync(string subject, string? reason = null, CancellationToken cancellationToken = default)
        => PublishAsync(new WebSocketRevocationMessage(WebSocketRevocationKind.DisconnectUser, subject, reason: reason, sender: _instanceId), cancellationToken);

    public Task DisconnectSessionAsync(string sessionId, string? reason = null, CancellationToken cancellationToken = default)
        => PublishAsync(new WebSocketRevocationMessage(WebSocketRevocationKind.DisconnectSession, sessionId, reason: reason, sender: _instanceId), cancellationToken);

    private async Task PublishAsync(WebSocketRevocationMessage message, CancellationToken cancellationToken)
    {
        var closed = Apply(message);
        _metrics.RevocationRequested(message.Kind);
        Log.Requested(_logger, KindName(message.Kind), message.Reason ?? "none", closed);
        try
        {
            await _backplane.PublishAsync(message, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _metrics.BackplaneFailed("publish");
            Log.PublishFailed(_logger, KindName(message.Kind), ex.GetType().FullName);
            throw;
        }
    }

    // ---- Applying messages ------------------------------------------------------------------------------------

    /// <summary>Applies a message on this instance; returns how many sessions it closed here.</summary>
    private int Apply(WebSocketRevocationMessage message)
    {
        var closed = 0;
        switch (message.Kind)
        {
            case WebSocketRevocationKind.Revoke:
                var before = message.IssuedBefore!.Value;
                Record(message.Target, before, message.ExpiresAt!.Value);
                foreach (var session in _registry.OfSubject(message.Target))
                {
                    if ((session.IssuedAt is not { } issued || issued < before) && session.Revoke())
                    {
                        closed++;
                    }
                }

                break;
            case WebSocketRevocationKind.DisconnectUser:
                foreach (var session in _registry.OfSubject(message.Target))
                {
                    closed += session.Revoke() ? 1 : 0;
                }

                break;
            case WebSocketRevocationKind.DisconnectSession:
                closed += _registry.Find(message.Target)?.Revoke() == true ? 1 : 0;
                break;
        }

        return closed;
    }

    private void Record(string subject, DateTimeOffset issuedBefore, DateTimeOffset expiresAt)
    {
        if (expiresAt <= _time.GetUtcNow())
        {
            return;
        }

        _revoked.AddOrUpdate(
            subject,
            static (_, added) => added,
            static (_, old, added) => new Revoked(
                old.IssuedBefore > added.IssuedBefore ? old.IssuedBefore : added.IssuedBefore,
                old.ExpiresAt > added.ExpiresAt ? old.ExpiresAt : added.ExpiresAt),
            new Revoked(issuedBefore, expiresAt));
    }

    private void OnMessage(WebSocketRevocationMessage message)
    {
        if (message.Sender is not null && string.Equals(message.Sender, _instanceId, StringComparison.Ordinal))
        {
            return; // applied when this instance published it
        }

        var closed = Apply(message);
        Log.Received(_logger, KindName(message.Kind), closed);
    }

    // ---- The backplane loop -----------------------------------------------------------------------------------

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(RunAsync, CancellationToken.None);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(_options.StartupWait);
        try
        {
            await _firstLoad.Task.WaitAsync(wait.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Log.StartWithoutState(_logger, _options.WhenUnavailable.ToString());
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return; // some hosts (WebApplicationFactory) dispose the services before stopping them
        }

        try
        {
            await _stopping.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        if (_loop is { } loop)
        {
            await loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task RunAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await _backplane.SubscribeAsync(OnMessage, OnSubscribed, token);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Only the type: a driver's message can carry a connection string.
                Log.SubscriptionLost(_logger, ex.GetType().FullName);
            }

            MarkLost();
            try
            {
                await Task.Delay(_options.ReconnectDelay, _time, token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void OnSubscribed()
    {
        if (_current || Interlocked.CompareExchange(ref _loading, 1, 0) != 0)
        {
            return;
        }

        _ = LoadAsync();
    }

    private async Task LoadAsync()
    {
        try
        {
            var now = _time.GetUtcNow();
            var revocations = await _backplane.LoadAsync(now, _stopping.Token);
            var closed = 0;
            foreach (var revocation in revocations)
            {
                if (revocation.Kind == WebSocketRevocationKind.Revoke)
                {
                    closed += Apply(revocation);
                }
            }

            // The state is known from here: handshakes are decided on it at once. (Marked before the write-back below,
            // which is I/O: sockets closed by the load above must not be followed by handshakes refused as stale.)
            var wasLost = _everLoaded;
            _everLoaded = true;
            _current = true;
            _firstLoad.TrySetResult();
            if (wasLost)
            {
                Log.BackplaneRestored(_logger, revocations.Count, closed);
            }
            else
            {
                Log.StateLoaded(_logger, revocations.Count, closed);
            }

            await RepairAsync(revocations, now);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            _metrics.BackplaneFailed("load");
            Log.LoadFailed(_logger, ex.GetType().FullName);
        }
        finally
        {
            Volatile.Write(ref _loading, 0);
        }
    }

    /// <summary>
    /// The store may have lost what this instance knows (a Redis restart without persistence, a restored backup): write
    /// it back, so that an instance started later knows it too. A failure leaves this instance's state as it is (it is
    /// current); the write-back is tried again at the next reconnection.
    /// </summary>
    private async Task RepairAsync(IReadOnlyCollection<WebSocketRevocationMessage> loaded, DateTimeOffset now)
    {
        var stored = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var revocation in loaded)
        {
            stored[revocation.Target] = revocation.IssuedBefore!.Value;
        }

        var missing = _revoked
            .Where(known => known.Value.ExpiresAt > now && (!stored.TryGetValue(known.Key, out var at) || at < known.Value.IssuedBefore))
            .ToList();
        if (missing.Count == 0)
        {
            return;
        }

        try
        {
            foreach (var (subject, known) in missing)
            {
                await _backplane.PublishAsync(new WebSocketRevocationMessage(WebSocketRevocationKind.Revoke, subject, known.IssuedBefore, known.ExpiresAt, sender: _instanceId), _stopping.Token);
            }

            Log.Repaired(_logger, missing.Count);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            _metrics.BackplaneFailed("repair");
            Log.RepairFailed(_logger, missing.Count, ex.GetType().FullName);
        }
    }

    private void MarkLost()
    {
        if (!_current)
        {
            return;
        }

        _current = false;
        Interlocked.Exchange(ref _lostAtUnixMs, _time.GetUtcNow().ToUnixTimeMilliseconds());
        _metrics.BackplaneFailed("subscription");
        Log.BackplaneLost(_logger, _options.WhenUnavailable.ToString(), _options.MaxStaleness);
    }

    public void Dispose()
    {
        // Resolved under three service types: disposed up to three times.
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _stopping.Cancel();
            _stopping.Dispose();
        }
    }

    internal static string KindName(WebSocketRevocationKind kind) => kind switch
    {
        WebSocketRevocationKind.Revoke => "revoke",
        WebSocketRevocationKind.DisconnectUser => "disconnect_user",
        _ => "disconnect_session",
    };

    private sealed record Revoked(DateTimeOffset IssuedBefore, DateTimeOffset ExpiresAt);
}
