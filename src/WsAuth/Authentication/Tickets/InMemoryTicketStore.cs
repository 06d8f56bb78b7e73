using Microsoft.Extensions.Options;

namespace WsAuth.Internal;

/// <summary>
/// The default ticket store: one process, bounded. Tickets sit in a dictionary keyed by id and in a list in issue order;
/// every operation first drops the expired tickets at the head of that list, so no timer runs per ticket and a ticket is
/// gone at the latest one lifetime after it was issued. When <see cref="Capacity"/> live tickets are held, new ones
/// are refused.
/// </summary>
/// <remarks>
/// One lock guards both structures: an operation is a few dictionary and list steps, and the lock is what makes
/// <see cref="ConsumeAsync"/> return a ticket's data at most once.
/// </remarks>
internal sealed class InMemoryTicketStore : IWebSocketTicketStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _inIssueOrder = new();
    private readonly TimeProvider _time;

    public InMemoryTicketStore(IOptions<WebSocketTicketOptions> options, IOptions<WebSocketAuthOptions> authOptions, TimeProvider timeProvider)
        : this(options.Value.MemoryStoreCapacity, authOptions.Value.TimeProvider ?? timeProvider)
    {
    }

    internal InMemoryTicketStore(int capacity, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _time = timeProvider;
    }

    public int Capacity { get; }

    /// <summary>How many tickets are held, expired ones not yet dropped included.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    public ValueTask<bool> TryStoreAsync(string ticketId, byte[] data, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticketId);
        ArgumentNullException.ThrowIfNull(data);
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            DropExpired(now);
            if (_entries.Count >= Capacity)
            {
                return ValueTask.FromResult(false);
            }

            if (_entries.ContainsKey(ticketId))
            {
                // 256 random bits do not collide; a caller that reuses an id must not overwrite a live ticket.
                throw new InvalidOperationException("A ticket with this id is already stored.");
            }

            _entries.Add(ticketId, _inIssueOrder.AddLast(new Entry(ticketId, data, expiresAt)));
        }

        return ValueTask.FromResult(true);
    }

    public ValueTask<byte[]?> ConsumeAsync(string ticketId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticketId);
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            // An expired ticket still held is returned (and removed): WsAuth reports it as expired rather than unknown.
            var found = _entries.Remove(ticketId, out var node);
            if (found)
            {
                _inIssueOrder.Remove(node!);
            }

            DropExpired(now);
            return ValueTask.FromResult(found ? node!.Value.Data : null);
        }
    }

    /// <summary>Drops expired tickets from the head of the issue order (amortized constant time per ticket).</summary>
    private void DropExpired(DateTimeOffset now)
    {
        while (_inIssueOrder.First is { } head && head.Value.ExpiresAt <= now)
        {
            _inIssueOrder.RemoveFirst();
            _entries.Remove(head.Value.TicketId);
        }
    }

    private sealed record Entry(string TicketId, byte[] Data, DateTimeOffset ExpiresAt);
}
