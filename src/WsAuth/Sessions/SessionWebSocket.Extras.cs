namespace WsAuth.Internal;

/// <summary>
/// State that only some sessions ever need, kept out of the session object: a held-back message start, control messages
/// waiting for the end of an application message, senders waiting for their turn, the refresh budget, the linger after
/// WsAuth's close and the stop source. Created on first use; an idle session that never refreshed, never had its send
/// contended and was never closed by WsAuth does not have it.
/// </summary>
internal sealed partial class SessionWebSocket
{
    private Extras? _extras;

    /// <summary>The extra state, created on first use (any thread).</summary>
    private Extras More => LazyInitializer.EnsureInitialized(ref _extras, static () => new Extras());

    /// <summary>Whether held-back bytes wait to be replayed to endpoint code.</summary>
    private bool HasStash => _extras is { } extras && extras.StashOffset < extras.StashLength;

    private sealed class Extras
    {
        // Receive state: only the single outstanding receive touches it.
        public byte[]? Stash;
        public int StashLength;
        public int StashOffset;
        public bool StashEndOfMessage;

        // Send state: only touched while holding the send turn.
        public Queue<byte[]>? PendingControl;

        // Under _gate.
        public List<TaskCompletionSource>? SendWaiters;
        public long RefreshWindowStartTicks; // UTC ticks
        public int RefreshesInWindow;

        // Exchanged with Interlocked.
        public CancellationTokenSource? Grace;
        public CancellationTokenSource? Stop;
    }
}
