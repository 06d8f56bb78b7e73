using System.Net.WebSockets;

namespace WsAuth.Internal;

/// <summary>
/// The two pieces of per-socket coordination, kept small because every open session carries them: whose turn it is to
/// send (WebSocket allows one outstanding send), and stopping the socket when WsAuth gives up on it.
/// </summary>
/// <remarks>
/// <para>The send turn is an int taken with one compare-and-swap when nobody holds it (the common case: no allocation);
/// a sender that has to wait queues a completion under <c>_gate</c>, and the holder hands the turn to the first waiter
/// when it leaves. A cancelled waiter leaves the queue, unless the turn was already handed to it (then it holds it).</para>
/// <para>Stopping cancels the session's stop token (created only when something waits on it: a control message, a
/// refresh, the linger after a close) and aborts the inner socket and its connection, which ends a pending receive.</para>
/// </remarks>
internal sealed partial class SessionWebSocket
{
    // 1 while a send holds the turn. Taken free with a compare-and-swap; handed over or released under _gate.
    private int _sendHeld;
    private int _stopped;

    private bool IsStopped => Volatile.Read(ref _stopped) != 0;

    /// <summary>The session's stop token: cancelled when WsAuth stops the socket. Created on first use.</summary>
    private CancellationToken StopToken
    {
        get
        {
            var extras = More;
            var stop = Volatile.Read(ref extras.Stop);
            if (stop is null)
            {
                var created = new CancellationTokenSource();
                stop = Interlocked.CompareExchange(ref extras.Stop, created, null) ?? created;
                if (!ReferenceEquals(stop, created))
                {
                    created.Dispose();
                }
                else if (IsStopped)
                {
                    // Stop() ran before the source existed (both sides use interlocked operations, so one sees the other).
                    WebSocketCloser.StopQuietly(created);
                }
            }

            return stop.Token;
        }
    }

    /// <summary>
    /// Stops the socket: whatever waits on the stop token gives up, and unless both close frames were exchanged, the inner
    /// socket and its connection are aborted.
    /// </summary>
    private void Stop()
    {
        Interlocked.Exchange(ref _stopped, 1);
        if (Volatile.Read(ref _extras) is { } extras && Volatile.Read(ref extras.Stop) is { } stop)
        {
            WebSocketCloser.StopQuietly(stop);
        }

        if (_inner.State == WebSocketState.Closed)
        {
            return; // both close frames were exchanged: nothing is pending, and the connection ends cleanly
        }

        try
        {
            _inner.Abort();
        }
        catch (Exception ex) when (IsConnectionFailure(ex))
        {
            // Already gone.
        }

        _http.Abort(); // ends a pending read of the inner socket: aborting the socket alone does not, on Kestrel
    }

    /// <summary>
    /// The end of the linger, on a timer thread: an exception here would take the process down, and by then the
    /// connection may already be gone (its context reset), so nothing that stopping throws is let out.
    /// </summary>
    private void StopAfterLinger()
    {
        try
        {
            Stop();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.TimerCallbackFailed(_settings.Logger, ex.GetType().FullName);
        }
    }

    /// <summary>
    /// Whether a failed read of the inner socket is WsAuth's doing (it closed the session, then stopped the socket or the
    /// read otherwise failed) rather than the caller's cancellation: endpoint code then gets a Close, not an exception.
    /// </summary>
    private bool IsEndedByWsAuth(CancellationToken cancellationToken)
        => _closedBy is not null && (IsStopped || !cancellationToken.IsCancellationRequested);

    /// <summary>Waits for the send turn. Pair every completed wait with one <see cref="ExitSend"/>.</summary>
    private ValueTask EnterSendAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _sendHeld, 1, 0) == 0)
        {
            return ValueTask.CompletedTask;
        }

        return WaitForSendTurnAsync(cancellationToken);
    }

    private async ValueTask WaitForSendTurnAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        TaskCompletionSource waiter;
        lock (_gate)
        {
            if (_sendHeld == 0)
            {
                _sendHeld = 1;
                return;
            }

            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            (More.SendWaiters ??= new List<TaskCompletionSource>(2)).Add(waiter);
        }

        using var registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static (s, token) => ((SendWaiter)s!).Cancel(token), new SendWaiter(this, waiter))
            : default;
        await waiter.Task;
    }

    /// <summary>Gives the send turn to the next waiter, or frees it.</summary>
    private void ExitSend()
    {
        TaskCompletionSource? next = null;
        lock (_gate)
        {
            if (_extras?.SendWaiters is { Count: > 0 } waiters)
            {
                next = waiters[0];
                waiters.RemoveAt(0); // the turn stays held: it passes to next
            }
            else
            {
                Volatile.Write(ref _sendHeld, 0);
            }
        }

        next?.TrySetResult();
    }

    private sealed class SendWaiter(SessionWebSocket session, TaskCompletionSource waiter)
    {
        public void Cancel(CancellationToken token)
        {
            bool removed;
            lock (session._gate)
            {
                removed = session._extras?.SendWaiters?.Remove(waiter) == true;
            }

            if (removed)
            {
                waiter.TrySetCanceled(token);
            }
        }
    }
}
