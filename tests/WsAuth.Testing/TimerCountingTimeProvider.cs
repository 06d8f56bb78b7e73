using Microsoft.Extensions.Time.Testing;

namespace WsAuth.Testing;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that also counts its armed timers, for the tests that check a session releases its
/// timers: FakeTimeProvider has no public view of them. Everything else is the library's, including the real timer's
/// maximum due time of about 49.7 days (see <c>FakeTimeProviderContractTests</c>).
/// </summary>
public sealed class TimerCountingTimeProvider : FakeTimeProvider
{
    private int _activeTimers;

    public TimerCountingTimeProvider()
    {
    }

    public TimerCountingTimeProvider(DateTimeOffset startDateTime)
        : base(startDateTime)
    {
    }

    /// <summary>Timers that will fire: created or changed with a finite due time, not yet disposed, and not a one-shot that fired.</summary>
    public int ActiveTimers => Volatile.Read(ref _activeTimers);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new CountedTimer(this, callback, state);
        timer.Arm(dueTime, period, () => timer.Inner = base.CreateTimer(static s => ((CountedTimer)s!).Fire(), timer, dueTime, period));
        return timer;
    }

    private sealed class CountedTimer(TimerCountingTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        private readonly Lock _gate = new();
        private bool _armed;
        private bool _oneShot;

        public ITimer Inner { get; set; } = null!;

        /// <summary>Counts the timer as armed, then runs <paramref name="schedule"/> (which may fire it at once); undone if that throws.</summary>
        public void Arm(TimeSpan dueTime, TimeSpan period, Action schedule)
        {
            bool wasArmed;
            lock (_gate)
            {
                wasArmed = _armed;
                _oneShot = period == TimeSpan.Zero || period == Timeout.InfiniteTimeSpan;
                SetArmed(dueTime != Timeout.InfiniteTimeSpan);
            }

            try
            {
                schedule();
            }
            catch
            {
                lock (_gate)
                {
                    SetArmed(wasArmed);
                }

                throw;
            }
        }

        public void Fire()
        {
            lock (_gate)
            {
                if (_oneShot)
                {
                    SetArmed(false);
                }
            }

            callback(state);
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var result = false;
            Arm(dueTime, period, () => result = Inner.Change(dueTime, period));
            return result;
        }

        public void Dispose()
        {
            Inner.Dispose();
            lock (_gate)
            {
                SetArmed(false);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }

        private void SetArmed(bool armed)
        {
            if (armed != _armed)
            {
                _armed = armed;
                Interlocked.Add(ref owner._activeTimers, armed ? 1 : -1);
            }
        }
    }
}
