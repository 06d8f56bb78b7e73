using Microsoft.Extensions.Time.Testing;
using WsAuth.Testing;

namespace WsAuth.Tests.Sessions;

/// <summary>
/// What the session tests rely on from <see cref="FakeTimeProvider"/>: the real timer's limits. A session timer armed for
/// a credential that expires more than about 49.7 days ahead threw on the real clock and not on the hand-written fake
/// the tests first had (CHANGELOG, Fixed: "49 days"), so the fake must refuse what <see cref="Timer"/> refuses.
/// </summary>
public sealed class FakeTimeProviderContractTests
{
    private const long MaxTimerMilliseconds = 4294967294; // uint.MaxValue - 1: System.Threading.Timer's limit

    public static TheoryData<TimeProvider> Fakes => [new FakeTimeProvider(), new TimerCountingTimeProvider()];

    [Theory]
    [MemberData(nameof(Fakes))]
    public void DueTimeBeyondTheRealTimersMaximum_Throws_AsTheRealTimerDoes(TimeProvider fake)
    {
        var tooLong = TimeSpan.FromMilliseconds(MaxTimerMilliseconds + 1);

        Assert.Throws<ArgumentOutOfRangeException>(() => new Timer(_ => { }, null, tooLong, Timeout.InfiniteTimeSpan));
        Assert.Throws<ArgumentOutOfRangeException>(() => fake.CreateTimer(_ => { }, null, tooLong, Timeout.InfiniteTimeSpan));
        using var timer = fake.CreateTimer(_ => { }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        Assert.Throws<ArgumentOutOfRangeException>(() => timer.Change(tooLong, Timeout.InfiniteTimeSpan));
        Assert.Throws<ArgumentOutOfRangeException>(() => timer.Change(TimeSpan.FromMinutes(1), tooLong));
    }

    [Theory]
    [MemberData(nameof(Fakes))]
    public void DueTimeAtTheMaximum_IsAccepted_AsByTheRealTimer(TimeProvider fake)
    {
        var longest = TimeSpan.FromMilliseconds(MaxTimerMilliseconds);

        using var real = new Timer(_ => { }, null, longest, Timeout.InfiniteTimeSpan);
        using var timer = fake.CreateTimer(_ => { }, null, longest, Timeout.InfiniteTimeSpan);
        Assert.True(timer.Change(longest, Timeout.InfiniteTimeSpan));
    }

    [Fact]
    public void TimerCountingTimeProvider_CountsArmedTimers_UntilTheyFireOrAreDisposed()
    {
        var time = new TimerCountingTimeProvider();
        var fired = 0;

        using var oneShot = time.CreateTimer(_ => fired++, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        var periodic = time.CreateTimer(_ => fired++, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        using var idle = time.CreateTimer(_ => fired++, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        var armed = time.ActiveTimers;
        time.Advance(TimeSpan.FromSeconds(1));
        var afterFiring = time.ActiveTimers;
        periodic.Dispose();

        Assert.Equal(2, armed);
        Assert.Equal(2, fired);
        Assert.Equal(1, afterFiring); // the periodic one
        Assert.Equal(0, time.ActiveTimers);
    }
}
