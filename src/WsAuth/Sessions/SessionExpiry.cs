namespace WsAuth.Internal;

/// <summary>
/// When a session warns and closes, with no socket: the end is the credential's expiry (when the session closes on
/// expiry) or the session's maximum length, whichever comes first. A warning goes out a lead time before the end; at the
/// end the session closes, unless a refresh that arrived in time is being validated (then it gets <see cref="RefreshGrace"/>).
/// </summary>
/// <remarks>
/// A mutable struct kept inside <see cref="SessionWebSocket"/> (no allocation of its own) and used under the session's
/// lock. Times are kept as UTC ticks (<see cref="None"/>: not set), 32 bytes in all. Spurious <see cref="Decide"/> calls
/// are harmless: each one re-evaluates against the clock.
/// </remarks>
internal struct SessionExpiry
{
    /// <summary>How long a refresh that is being validated keeps an ended session open.</summary>
    public static readonly TimeSpan RefreshGrace = TimeSpan.FromSeconds(5);

    /// <summary>The shortest timer due time (a due time of zero would not be a timer).</summary>
    public static readonly TimeSpan MinimumDue = TimeSpan.FromMilliseconds(1);

    /// <summary>
    /// Timers take at most about 49 days; a credential may live for years (a long cookie). Wake at least daily: each wake
    /// re-evaluates against the clock and re-arms.
    /// </summary>
    public static readonly TimeSpan MaximumDue = TimeSpan.FromDays(1);

    private const long None = long.MaxValue;

    private readonly long _maxEnd;
    private long _credentialExpiresAt;
    private long _refreshGraceUntil;
    private readonly bool _closeOnExpiry;
    private bool _warned;

    /// <summary>Starts the decision for a session admitted at <paramref name="start"/>.</summary>
    /// <param name="start">When the session started.</param>
    /// <param name="maxSessionLength">The session's maximum length, or null for none.</param>
    /// <param name="closeOnExpiry">Whether the session ends when the credential expires.</param>
    /// <param name="credentialExpiresAt">When the credential expires, or null if it does not say.</param>
    public SessionExpiry(DateTimeOffset start, TimeSpan? maxSessionLength, bool closeOnExpiry, DateTimeOffset? credentialExpiresAt)
    {
        _maxEnd = maxSessionLength is { } max ? (start + max).UtcTicks : None;
        _closeOnExpiry = closeOnExpiry;
        _credentialExpiresAt = Ticks(credentialExpiresAt);
        _refreshGraceUntil = None;
    }

    /// <summary>Whether the session can end at all (and so needs a timer).</summary>
    public readonly bool CanEnd => _closeOnExpiry || _maxEnd != None;

    /// <summary>When the session ends as things stand, or null if it does not.</summary>
    public readonly DateTimeOffset? End
    {
        get
        {
            var end = Math.Min(_closeOnExpiry ? _credentialExpiresAt : None, _maxEnd);
            return end == None ? null : new DateTimeOffset(end, TimeSpan.Zero);
        }
    }

    /// <summary>Decides what the session does now: close, warn, or wait until the returned due time.</summary>
    /// <param name="time">The clock.</param>
    /// <param name="warningLead">How long before the end to warn, or null to never warn.</param>
    /// <param name="refreshing">Whether a refresh that arrived is being validated.</param>
    public ExpiryDecision Decide(TimeProvider time, TimeSpan? warningLead, bool refreshing)
    {
        var now = time.GetUtcNow();
        DateTimeOffset? next;
        if (End is not { } end)
        {
            next = null;
        }
        else if (now >= end)
        {
            if (_refreshGraceUntil == None && refreshing)
            {
                _refreshGraceUntil = (now + RefreshGrace).UtcTicks;
            }

            if (refreshing && _refreshGraceUntil > now.UtcTicks)
            {
                next = new DateTimeOffset(_refreshGraceUntil, TimeSpan.Zero); // a refresh that arrived in time is being validated: give it a moment
            }
            else
            {
                return new ExpiryDecision(ExpiryAction.Close, end, Timeout.InfiniteTimeSpan);
            }
        }
        else
        {
            var warnAt = warningLead is { } lead ? end - lead : (DateTimeOffset?)null;
            var warn = false;
            if (warnAt is { } at && !_warned && now >= at)
            {
                _warned = true;
                warn = true;
            }

            next = !_warned && warnAt is { } pending ? pending : end;
            if (warn)
            {
                return new ExpiryDecision(ExpiryAction.Warn, end, DueTime(next, now));
            }
        }

        return new ExpiryDecision(ExpiryAction.Wait, End, DueTime(next, now));
    }

    /// <summary>
    /// A refresh succeeded with a credential that expires at <paramref name="credentialExpiresAt"/>. Clears the refresh
    /// grace and warns again only for a later end: a refresh that the maximum length (or a shorter token) kept from
    /// moving the end must not be answered by another warning at once, which would invite a refresh loop.
    /// </summary>
    /// <returns>The new end.</returns>
    public DateTimeOffset? Refreshed(DateTimeOffset? credentialExpiresAt)
    {
        var previousEnd = End;
        _refreshGraceUntil = None;
        _credentialExpiresAt = Ticks(credentialExpiresAt);
        var end = End;
        if (end is { } newEnd && (previousEnd is not { } oldEnd || newEnd > oldEnd))
        {
            _warned = false;
        }

        return end;
    }

    private static long Ticks(DateTimeOffset? value) => value is { } v ? v.UtcTicks : None;

    private static TimeSpan DueTime(DateTimeOffset? next, DateTimeOffset now)
    {
        if (next is not { } n)
        {
            return Timeout.InfiniteTimeSpan;
        }

        var due = n - now;
        return due < MinimumDue ? MinimumDue : due > MaximumDue ? MaximumDue : due;
    }
}

/// <summary>What a session does after <see cref="SessionExpiry.Decide"/>.</summary>
internal enum ExpiryAction
{
    /// <summary>Nothing now; re-evaluate at the due time.</summary>
    Wait,

    /// <summary>Send the expiry warning, then re-evaluate at the due time.</summary>
    Warn,

    /// <summary>Close the session: it has ended.</summary>
    Close,
}

/// <summary>The outcome of <see cref="SessionExpiry.Decide"/>.</summary>
/// <param name="Action">What to do now.</param>
/// <param name="End">The session's end (the warning names it), or null if it has none.</param>
/// <param name="Due">When to re-evaluate, from now (<see cref="Timeout.InfiniteTimeSpan"/>: never).</param>
internal readonly record struct ExpiryDecision(ExpiryAction Action, DateTimeOffset? End, TimeSpan Due);
