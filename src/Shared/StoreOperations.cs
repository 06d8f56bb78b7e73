namespace WsAuth.Internal;

/// <summary>What a shared store logs about its own availability (each store has its own event ids and wording).</summary>
internal interface IStoreAvailabilityLog
{
    /// <summary>The store failed; the first failure of an outage, or the first since <see cref="StoreOperations.ErrorLogInterval"/>.</summary>
    void Unavailable(string operation, Exception exception);

    /// <summary>The store failed again within the interval (logged at Debug).</summary>
    void StillUnavailable(string operation, Exception exception);

    /// <summary>The store answered again after a failure.</summary>
    void Recovered();
}

/// <summary>
/// Runs a shared ticket store's operations (PostgreSQL, Redis) under a wall-clock budget, and tracks whether the store is
/// failing: while it is, one error line per <see cref="ErrorLogInterval"/> (the rest at Debug), and one line when it
/// answers again. The caller gets the operation's result, or an exception when the store failed or did not answer in
/// time (a <see cref="TimeoutException"/> then): WsAuth answers 503, never accepts, and retries nothing. An abandoned
/// operation is observed in the background so that its fault is never unobserved. Compiled into WsAuth.Postgres and
/// WsAuth.Redis (a linked source file: neither package sees WsAuth's internals).
/// </summary>
internal sealed class StoreOperations(string storeName, TimeSpan budget, TimeProvider wallClock, IStoreAvailabilityLog log)
{
    /// <summary>While the store keeps failing, one error line per this interval; the rest go to Debug.</summary>
    public static readonly TimeSpan ErrorLogInterval = TimeSpan.FromSeconds(10);

    private int _failing;
    private long _lastErrorLogged;

    /// <summary>
    /// Runs <paramref name="work"/> with a token cancelled at the budget. Commands that cannot be cancelled (StackExchange.Redis)
    /// or whose cancellation is still on its way (Npgsql over a stalled network) are not waited for past the budget.
    /// </summary>
    /// <param name="operation">What the operation does, for logs ("redeem a ticket").</param>
    /// <param name="work">The operation.</param>
    /// <param name="cancellationToken">The caller's token; its cancellation is rethrown as is.</param>
    /// <param name="report">Whether the outcome counts for the store's availability (a health probe's own failure may not).</param>
    public async ValueTask<T> RunAsync<T>(string operation, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken, bool report = true)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(budget);
        Task<T> task;
        try
        {
            task = work(timer.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (report)
            {
                ReportFailure(operation, ex);
            }

            throw;
        }

        try
        {
            var result = await task.WaitAsync(timer.Token).ConfigureAwait(false);
            if (report)
            {
                ReportSuccess();
            }

            return result;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Observe(task);
            throw;
        }
        catch (OperationCanceledException ex) when (timer.IsCancellationRequested)
        {
            Observe(task);
            var timeout = new TimeoutException($"{storeName} did not {operation} within {budget.TotalMilliseconds:0} ms.", ex);
            if (report)
            {
                ReportFailure(operation, timeout);
            }

            throw timeout;
        }
        catch (Exception ex)
        {
            Observe(task);
            if (report)
            {
                ReportFailure(operation, ex);
            }

            throw;
        }
    }

    private static void Observe(Task task)
        => task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private void ReportFailure(string operation, Exception exception)
    {
        Interlocked.Exchange(ref _failing, 1);
        var now = wallClock.GetTimestamp();
        var last = Interlocked.Read(ref _lastErrorLogged);
        if ((last == 0 || wallClock.GetElapsedTime(last, now) >= ErrorLogInterval)
            && Interlocked.CompareExchange(ref _lastErrorLogged, now, last) == last)
        {
            log.Unavailable(operation, exception);
        }
        else
        {
            log.StillUnavailable(operation, exception);
        }
    }

    private void ReportSuccess()
    {
        if (Volatile.Read(ref _failing) == 1 && Interlocked.Exchange(ref _failing, 0) == 1)
        {
            Interlocked.Exchange(ref _lastErrorLogged, 0);
            log.Recovered();
        }
    }
}
