using Microsoft.Extensions.Time.Testing;
using WsAuth.Internal;

namespace WsAuth.Tests.Sessions;

public class SessionExpiryTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lead = TimeSpan.FromSeconds(30);

    [Fact]
    public void NoEnd_WaitsForever()
    {
        var time = new FakeTimeProvider(Start);
        var expiry = new SessionExpiry(Start, maxSessionLength: null, closeOnExpiry: true, credentialExpiresAt: null);

        Assert.True(expiry.CanEnd);
        var decision = expiry.Decide(time, Lead, refreshing: false);
        Assert.Equal(new ExpiryDecision(ExpiryAction.Wait, null, Timeout.InfiniteTimeSpan), decision);
    }

    [Fact]
    public void NeitherExpiryNorMaxLength_CannotEnd_AndIgnoresTheCredentialExpiry()
    {
        var expiry = new SessionExpiry(Start, maxSessionLength: null, closeOnExpiry: false, credentialExpiresAt: Start.AddMinutes(1));

        Assert.False(expiry.CanEnd);
        Assert.Null(expiry.End);
    }

    [Fact]
    public void WaitsForTheWarning_WarnsOnce_ThenWaitsForTheEnd_ThenCloses()
    {
        var time = new FakeTimeProvider(Start);
        var end = Start.AddMinutes(5);
        var expiry = new SessionExpiry(Start, null, closeOnExpiry: true, end);

        Assert.Equal(new ExpiryDecision(ExpiryAction.Wait, end, TimeSpan.FromMinutes(5) - Lead), expiry.Decide(time, Lead, false));

        time.Advance(TimeSpan.FromMinutes(5) - Lead);
        Assert.Equal(new ExpiryDecision(ExpiryAction.Warn, end, Lead), expiry.Decide(time, Lead, false));
        Assert.Equal(new ExpiryDecision(ExpiryAction.Wait, end, Lead), expiry.Decide(time, Lead, false)); // warned once

        time.Advance(Lead);
        Assert.Equal(ExpiryAction.Close, expiry.Decide(time, Lead, false).Action);
    }

    [Fact]
    public void WithoutAWarningLead_NeverWarns()
    {
        var time = new FakeTimeProvider(Start);
        var expiry = new SessionExpiry(Start, null, closeOnExpiry: true, Start.AddMinutes(5));

        time.Advance(TimeSpan.FromMinutes(4.9));
        var decision = expiry.Decide(time, warningLead: null, refreshing: false);
        Assert.Equal(ExpiryAction.Wait, decision.Action);
        Assert.Equal(TimeSpan.FromMinutes(0.1), decision.Due);
    }

    [Fact]
    public void MaxSessionLength_CapsALongerCredential()
    {
        var time = new FakeTimeProvider(Start);
        var expiry = new SessionExpiry(Start, TimeSpan.FromMinutes(2), closeOnExpiry: true, Start.AddHours(1));

        Assert.Equal(Start.AddMinutes(2), expiry.End);
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(ExpiryAction.Close, expiry.Decide(time, Lead, false).Action);
    }

    [Fact]
    public void MaxSessionLength_AppliesWithoutCloseOnExpiry()
    {
        var expiry = new SessionExpiry(Start, TimeSpan.FromMinutes(2), closeOnExpiry: false, Start.AddMinutes(1));

        Assert.True(expiry.CanEnd);
        Assert.Equal(Start.AddMinutes(2), expiry.End);
    }

    [Fact]
    public void AtTheEnd_ARefreshBeingValidated_GetsTheGrace_ThenTheSessionCloses()
    {
        var time = new FakeTimeProvider(Start);
        var expiry = new SessionExpiry(Start, null, closeOnExpiry: true, Start.AddMinutes(1));

        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(new ExpiryDecision(ExpiryAction.Wait, Start.AddMinutes(1), SessionExpiry.RefreshGrace), expiry.Decide(time, null, refreshing: true));

        time.Advance(SessionExpiry.RefreshGrace - TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromSeconds(1), expiry.Decide(time, null, refreshing: true).Due); // the grace does not restart

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(ExpiryAction.Close, expiry.Decide(time, null, refreshing: true).Action);
    }

    [Fact]
    public void ARefreshToALaterEnd_MovesTheEnd_AndWarnsAgain()
    {
        var time = new FakeTimeProvider(Start);
        var expiry = new SessionExpiry(Start, null, closeOnExpiry: true, Start.AddMinutes(1));
        time.Advance(TimeSpan.FromMinutes(1) - Lead);
        Assert.Equal(ExpiryAction.Warn, expiry.Decide(time, Lead, false).Action);

        Assert.Equal(Start.AddMinutes(10), expiry.Refreshed(Start.AddMinutes(10)));

        time.SetUtcNow(Start.AddMinutes(10) - Lead);
        Assert.Equal(ExpiryAction.Warn, expiry.Decide(time, Lead, false).Action);
    }

    [Fact]
    public void ARefreshThatDoesNotMoveTheEnd_DoesNotWarnAgain()
    {
        var time = new FakeTimeProvider(Start);
        var expiry = new SessionExpiry(Start, TimeSpan.FromMinutes(1), closeOnExpiry: true, Start.AddMinutes(1));
        time.Advance(TimeSpan.FromMinutes(1) - Lead);
        Assert.Equal(ExpiryAction.Warn, expiry.Decide(time, Lead, false).Action);

        Assert.Equal(Start.AddMinutes(1), expiry.Refreshed(Start.AddHours(1))); // capped by the maximum length

        Assert.Equal(new ExpiryDecision(ExpiryAction.Wait, Start.AddMinutes(1), Lead), expiry.Decide(time, Lead, false));
    }

    [Fact]
    public void ARefreshClearsTheGrace()
    {
        var time = new FakeTimeProvider(Start);
        var expiry = new SessionExpiry(Start, null, closeOnExpiry: true, Start.AddMinutes(1));
        time.Advance(TimeSpan.FromMinutes(1));
        expiry.Decide(time, null, refreshing: true);
        expiry.Refreshed(Start.AddMinutes(1)); // a refresh that did not help

        time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(TimeSpan.FromSeconds(5), expiry.Decide(time, null, refreshing: true).Due); // a fresh grace
    }

    [Fact]
    public void DueTimes_AreClampedToAtLeastOneMillisecond_AndAtMostOneDay()
    {
        var time = new FakeTimeProvider(Start);
        var far = new SessionExpiry(Start, null, closeOnExpiry: true, Start.AddDays(400));
        Assert.Equal(SessionExpiry.MaximumDue, far.Decide(time, null, false).Due);

        var near = new SessionExpiry(Start, null, closeOnExpiry: true, Start.AddTicks(1));
        Assert.Equal(SessionExpiry.MinimumDue, near.Decide(time, null, false).Due);
    }
}
