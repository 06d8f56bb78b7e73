namespace WsAuth.Internal;

/// <summary>What a session's expiry check says to do now.</summary>
internal enum ExpiryAction
{
    /// <summary>Nothing yet: wake at <see cref="ExpiryDecision.WakeAt"/> (never, when null).</summary>
    Wait,

    /// <summary>Send the expiry warning; <see cref="ExpiryDecision.WakeAt"/> is the end it announces (and the next wake).</summary>
    Warn,

    /// <summary>Close the session with 4401 <c>expired</c>.</summary>
    Expire,
}

/// <summary>The outcome of <see cref="SessionExpiry.Decide"/>.</summary>
internal readonly record struct ExpiryDecision(ExpiryAction Action, DateTimeOffset? WakeAt);

/// <summary>
/// The app's expiry rules, the same for every session: whether a session closes when its credential expires, and how
/// long before the end the warning goes out (null: no warning, as on SignalR hubs).
/// </summary>
internal readonly record struct ExpiryRules(bool CloseOnExpiry, TimeSpan? WarningLead);

/// <summary>
/// A session's expiry decision, with no socket and no timer: when the session ends (the credential's expiry when
/// <c>CloseOnExpiry</c> is on, capped by <c>MaxSessionLength</c>), when to warn, and whether a refresh being validated
/// at the end gets a short grace. <see cref="SessionWebSocket"/> keeps one in a field (no allocation per socket) and
/// calls it under its lock from its timer; it owns what to do with the answer. The app-wide rules are passed in, not
/// kept per session. Times are kept as UTC ticks (<see cref="None"/>: not set): 32 bytes in the session instead of 80.
/// </summary>
internal struct SessionExpiry(DateTimeOffset? credentialExpiresAt, DateTimeOffset? maxEnd)
{
    /// <summary>How long a refresh that arrived before the end may take to validate after it.</summary>
    public static readonly TimeSpan RefreshGrace = TimeSpan.FromSeconds(5);

    private const long None = long.MaxValue;

    private readonly long _maxEnd = Ticks(maxEnd);
    private long _credentialExpiresAt = Ticks(credentialExpiresAt);
    private long _refreshGraceUntil = None;
    private bool _warned;

    /// <summary>When the session ends: the credential's expiry (if the session closes on it) or the session cap, whichever is first.</summary>
    public readonly DateTimeOffset? End(ExpiryRules rules)
    {
        var end = Math.Min(rules.CloseOnExpiry ? _credentialExpiresAt : None, _maxEnd);
        return end == None ? null : new DateTimeOffset(end, TimeSpan.Zero);
    }

    /// <summary>What to do at <paramref name="now"/>; <paramref name="refreshing"/> is whether a refresh is being validated.</summary>
    public ExpiryDecision Decide(DateTimeOffset now, bool refreshing, ExpiryRules rules)
    {
        if (End(rules) is not { } end)
        {
            return new(ExpiryAction.Wait, null);
        }

        if (now >= end)
        {
            // A refresh that arrived in time is being validated: give it a moment, once.
            if (refreshing && _refreshGraceUntil == None)
            {
                _refreshGraceUntil = (now + RefreshGrace).UtcTicks;
            }

            return refreshing && _refreshGraceUntil > now.UtcTicks
                ? new(ExpiryAction.Wait, new DateTimeOffset(_refreshGraceUntil, TimeSpan.Zero))
                : new(ExpiryAction.Expire, null);
        }

        var warnAt = rules.WarningLead is { } lead ? end - lead : (DateTimeOffset?)null;
        if (warnAt is { } at && !_warned && now >= at)
        {
            _warned = true;
            return new(ExpiryAction.Warn, end);
        }

        return new(ExpiryAction.Wait, !_warned && warnAt is { } pending ? pending : end);
    }

    /// <summary>
    /// A refresh succeeded with a credential that expires at <paramref name="credentialExpiresAt"/>; returns the new end.
    /// The warning is sent again only for a later end: a refresh that the session cap (or a shorter token) kept from
    /// moving the end must not be answered by another warning at once, which would invite a refresh loop.
    /// </summary>
    public DateTimeOffset? Refreshed(DateTimeOffset? credentialExpiresAt, ExpiryRules rules)
    {
        var previousEnd = End(rules);
        _refreshGraceUntil = None;
        _credentialExpiresAt = Ticks(credentialExpiresAt);
        var end = End(rules);
        if (end is { } newEnd && (previousEnd is not { } oldEnd || newEnd > oldEnd))
        {
            _warned = false;
        }

        return end;
    }

    private static long Ticks(DateTimeOffset? value) => value is { } v ? v.UtcTicks : None;
}
