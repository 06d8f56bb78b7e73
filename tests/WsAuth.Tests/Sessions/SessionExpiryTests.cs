using Microsoft.Extensions.Time.Testing;
using WsAuth.Internal;

namespace WsAuth.Tests.Sessions;

/// <summary>
/// The expiry decision on its own, with no socket: when a session ends, when it warns, the grace a refresh in flight
/// gets, and when a refresh makes it warn again. The clock is a FakeTimeProvider moved by hand.
/// </summary>
public sealed class SessionExpiryTests
{
    private static readonly ExpiryRules CloseOnExpiryWarn30s = new(CloseOnExpiry: true, WarningLead: TimeSpan.FromSeconds(30));

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    private DateTimeOffset Now => _clock.GetUtcNow();

    [Fact]
    public void NoExpiryAndNoCap_NeverWakes()
    {
        var expiry = new SessionExpiry(credentialExpiresAt: null, maxEnd: null);

        Assert.Null(expiry.End(CloseOnExpiryWarn30s));
        Assert.Equal(new ExpiryDecision(ExpiryAction.Wait, null), expiry.Decide(Now, refreshing: false, CloseOnExpiryWarn30s));
    }

    [Fact]
    public void BeforeTheWarning_WakesForIt_ThenWarnsOnce_ThenExpiresAtTheEnd()
    {
        var end = Now.AddMinutes(5);
        var expiry = new SessionExpiry(end, maxEnd: null);

        var first = expiry.Decide(Now, refreshing: false, CloseOnExpiryWarn30s);
        _clock.Advance(TimeSpan.FromSeconds(270));
        var atWarning = expiry.Decide(Now, refreshing: false, CloseOnExpiryWarn30s);
        var again = expiry.Decide(Now, refreshing: false, CloseOnExpiryWarn30s);
        _clock.Advance(TimeSpan.FromSeconds(30));
        var atEnd = expiry.Decide(Now, refreshing: false, CloseOnExpiryWarn30s);

        Assert.Equal(new ExpiryDecision(ExpiryAction.Wait, end.AddSeconds(-30)), first);
        Assert.Equal(new ExpiryDecision(ExpiryAction.Warn, end), atWarning);
        Assert.Equal(new ExpiryDecision(ExpiryAction.Wait, end), again);
        Assert.Equal(ExpiryAction.Expire, atEnd.Action);
    }

    [Fact]
    public void WithoutAWarningLead_ItNeverWarns_AndWakesAtTheEnd()
    {
        var rules = CloseOnExpiryWarn30s with { WarningLead = null };
        var end = Now.AddMinutes(1);
        var expiry = new SessionExpiry(end, maxEnd: null);

        _clock.Advance(TimeSpan.FromSeconds(59));

        Assert.Equal(new ExpiryDecision(ExpiryAction.Wait, end), expiry.Decide(Now, refreshing: false, rules));
    }

    [Fact]
    public void TheSessionCap_EndsItBeforeALongerCredential_AndAloneWhenExpiryIsNotEnforced()
    {
        var cap = Now.AddMinutes(10);
        var expiry = new SessionExpiry(Now.AddHours(1), cap);

        Assert.Equal(cap, expiry.End(CloseOnExpiryWarn30s));
        Assert.Equal(cap, expiry.End(CloseOnExpiryWarn30s with { CloseOnExpiry = false }));
        Assert.Null(new SessionExpiry(Now.AddHours(1), maxEnd: null).End(CloseOnExpiryWarn30s with { CloseOnExpiry = false }));
    }

    [Fact]
    public void ARefreshInFlightAtTheEnd_GetsFiveSecondsOnce_ThenTheSessionExpires()
    {
        var end = Now.AddSeconds(10);
        var expiry = new SessionExpiry(end, maxEnd: null);
        _clock.Advance(TimeSpan.FromSeconds(10));

        var atEnd = expiry.Decide(Now, refreshing: true, CloseOnExpiryWarn30s);
        _clock.Advance(TimeSpan.FromSeconds(4));
        var stillInGrace = expiry.Decide(Now, refreshing: true, CloseOnExpiryWarn30s);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var graceOver = expiry.Decide(Now, refreshing: true, CloseOnExpiryWarn30s);

        Assert.Equal(new ExpiryDecision(ExpiryAction.Wait, end.Add(SessionExpiry.RefreshGrace)), atEnd);
        Assert.Equal(new ExpiryDecision(ExpiryAction.Wait, end.Add(SessionExpiry.RefreshGrace)), stillInGrace);
        Assert.Equal(ExpiryAction.Expire, graceOver.Action);
    }

    [Fact]
    public void ARefreshThatMovesTheEndLater_WarnsAgainBeforeTheNewEnd()
    {
        var expiry = new SessionExpiry(Now.AddMinutes(1), maxEnd: null);
        _clock.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal(ExpiryAction.Warn, expiry.Decide(Now, refreshing: false, CloseOnExpiryWarn30s).Action);

        var newEnd = expiry.Refreshed(Now.AddMinutes(5), CloseOnExpiryWarn30s);
        _clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(30));

        Assert.Equal(Now.AddSeconds(30), newEnd);
        Assert.Equal(new ExpiryDecision(ExpiryAction.Warn, newEnd), expiry.Decide(Now, refreshing: false, CloseOnExpiryWarn30s));
    }

    [Fact]
    public void ARefreshTheCapKeepsFromMovingTheEnd_DoesNotWarnAgain()
    {
        // Otherwise the client would be told to refresh at once, again and again (a refresh loop).
        var cap = Now.AddMinutes(1);
        var expiry = new SessionExpiry(Now.AddMinutes(1), cap);
        _clock.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal(ExpiryAction.Warn, expiry.Decide(Now, refreshing: false, CloseOnExpiryWarn30s).Action);

        var newEnd = expiry.Refreshed(Now.AddHours(1), CloseOnExpiryWarn30s);

        Assert.Equal(cap, newEnd);
        Assert.Equal(new ExpiryDecision(ExpiryAction.Wait, cap), expiry.Decide(Now, refreshing: false, CloseOnExpiryWarn30s));
    }

    [Fact]
    public void ARefreshClearsTheGrace_SoALaterEndIsNotCutShortByIt()
    {
        var expiry = new SessionExpiry(Now.AddSeconds(10), maxEnd: null);
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(ExpiryAction.Wait, expiry.Decide(Now, refreshing: true, CloseOnExpiryWarn30s).Action);

        var newEnd = expiry.Refreshed(Now.AddMinutes(10), CloseOnExpiryWarn30s);
        _clock.Advance(TimeSpan.FromMinutes(10));

        // At the new end, with another refresh in flight, the grace starts afresh from the new end.
        Assert.Equal(new ExpiryDecision(ExpiryAction.Wait, newEnd!.Value.Add(SessionExpiry.RefreshGrace)), expiry.Decide(Now, refreshing: true, CloseOnExpiryWarn30s));
    }

    [Fact]
    public void ACredentialExpiryInAnotherOffset_EndsAtTheSameInstant_ToTheTick()
    {
        var end = Now.AddMinutes(5).AddTicks(1).ToOffset(TimeSpan.FromHours(-7));
        var expiry = new SessionExpiry(end, maxEnd: Now.AddMinutes(10));

        Assert.Equal(end.UtcTicks, expiry.End(CloseOnExpiryWarn30s)!.Value.UtcTicks);
        _clock.SetUtcNow(end);
        Assert.Equal(ExpiryAction.Expire, expiry.Decide(Now, refreshing: false, CloseOnExpiryWarn30s).Action);
        Assert.Equal(Now.AddMinutes(5).AddTicks(-1), expiry.End(new ExpiryRules(CloseOnExpiry: false, WarningLead: null)));
    }
}
