namespace WsAuth.Testing;

/// <summary>A clock the test moves by hand. Timers fire when <see cref="Advance"/> passes their due time.</summary>
public sealed class TestTimeProvider : TimeProvider
{
    private readonly object _gate = new();
    private readonly List<TestTimer> _timers = [];
    private DateTimeOffset _now;
    private long _timestamp;

    public TestTimeProvider(DateTimeOffset? start = null) => _now = start ?? new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    /// <summary>Timers created and not yet disposed or expired (a one-shot timer leaves the list when it fires).</summary>
    public int ActiveTimers
    {
        get
        {
            lock (_gate)
            {
                return _timers.Count;
            }
        }
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp()
    {
        lock (_gate)
        {
            return _timestamp;
        }
    }

    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        List<TestTimer> due;
        lock (_gate)
        {
            _now += by;
            _timestamp += by.Ticks;
            due = _timers.Where(t => t.DueAt <= _now).ToList();
        }

        foreach (var timer in due)
        {
            timer.Fire(_now);
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new TestTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private sealed class TestTimer(TestTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        private TimeSpan _period;

        public DateTimeOffset DueAt { get; private set; } = DateTimeOffset.MaxValue;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            // The same limits as System.Threading.Timer, so code that passes the fake also runs on the real clock.
            ValidateTimerRange(dueTime, nameof(dueTime));
            ValidateTimerRange(period, nameof(period));
            lock (owner._gate)
            {
                _period = period;
                owner._timers.Remove(this);
                if (dueTime == Timeout.InfiniteTimeSpan)
                {
                    DueAt = DateTimeOffset.MaxValue;
                    return true;
                }

                DueAt = owner._now + dueTime;
                owner._timers.Add(this);
            }

            if (dueTime == TimeSpan.Zero)
            {
                Fire(owner.GetUtcNow());
            }

            return true;
        }

        private static void ValidateTimerRange(TimeSpan value, string name)
        {
            const long MaxMilliseconds = 4294967294;
            var ms = (long)value.TotalMilliseconds;
            if (ms < -1 || ms > MaxMilliseconds)
            {
                throw new ArgumentOutOfRangeException(name, value, $"{name} must be between -1 and {MaxMilliseconds} milliseconds, as for System.Threading.Timer.");
            }
        }

        public void Fire(DateTimeOffset now)
        {
            lock (owner._gate)
            {
                if (DueAt > now)
                {
                    return;
                }

                if (_period > TimeSpan.Zero && _period != Timeout.InfiniteTimeSpan)
                {
                    DueAt = now + _period;
                }
                else
                {
                    owner._timers.Remove(this);
                    DueAt = DateTimeOffset.MaxValue;
                }
            }

            callback(state);
        }

        public void Dispose()
        {
            lock (owner._gate)
            {
                owner._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
