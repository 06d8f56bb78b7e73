using System.Collections.Concurrent;

namespace WsAuth.Internal;

/// <summary>A socket the registry knows: what revocation needs of it, and how to end it.</summary>
internal interface IRevocableSession
{
    string SessionId { get; }

    /// <summary>The subject, or <see langword="null"/> when the user has none (such sessions are found by id only).</summary>
    string? Subject { get; }

    /// <summary>When the credential the session runs on was issued, if known (moved by an in-band refresh).</summary>
    DateTimeOffset? IssuedAt { get; }

    /// <summary>Closes the session with 4401 <c>revoked</c>; returns false when it was already closing.</summary>
    bool Revoke();
}

/// <summary>
/// The live sessions of this instance, by subject. Every socket WsAuth admits while revocation is on is added when it
/// is accepted and removed when it ends, so the registry holds exactly the open sockets.
/// </summary>
/// <remarks>
/// One small bucket per subject (most users have one socket): a dictionary node, the bucket and its array, about a
/// hundred bytes per idle session beside the session id. Finding a session by id walks the buckets: it is an admin
/// operation, rare, and the price of not keeping a second index.
/// </remarks>
internal sealed class SessionRegistry
{
    private const string NoSubject = "\0";
    private readonly ConcurrentDictionary<string, Bucket> _bySubject = new(StringComparer.Ordinal);
    private int _count;

    /// <summary>How many sessions are registered.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>How many subjects have a bucket (zero when empty: nothing is left behind).</summary>
    public int SubjectCount => _bySubject.Count;

    public void Add(IRevocableSession session)
    {
        var key = session.Subject ?? NoSubject;
        while (true)
        {
            var bucket = _bySubject.GetOrAdd(key, static _ => new Bucket());
            lock (bucket)
            {
                if (bucket.Removed)
                {
                    continue; // emptied and removed meanwhile: add a fresh one
                }

                bucket.Add(session);
            }

            Interlocked.Increment(ref _count);
            return;
        }
    }

    public void Remove(IRevocableSession session)
    {
        var key = session.Subject ?? NoSubject;
        if (!_bySubject.TryGetValue(key, out var bucket))
        {
            return;
        }

        lock (bucket)
        {
            if (!bucket.Remove(session))
            {
                return;
            }

            if (bucket.Count == 0)
            {
                bucket.Removed = true;
                _bySubject.TryRemove(new KeyValuePair<string, Bucket>(key, bucket));
            }
        }

        Interlocked.Decrement(ref _count);
    }

    /// <summary>The sessions of <paramref name="subject"/> now (a copy: closing them does not disturb the registry).</summary>
    public IRevocableSession[] OfSubject(string subject)
    {
        if (string.Equals(subject, NoSubject, StringComparison.Ordinal) || !_bySubject.TryGetValue(subject, out var bucket))
        {
            return [];
        }

        lock (bucket)
        {
            return bucket.Snapshot();
        }
    }

    public IRevocableSession? Find(string sessionId)
    {
        foreach (var (_, bucket) in _bySubject)
        {
            lock (bucket)
            {
                if (bucket.Find(sessionId) is { } found)
                {
                    return found;
                }
            }
        }

        return null;
    }

    /// <summary>The sessions of one subject: an array grown by doubling, compacted on removal. Locked by its users.</summary>
    private sealed class Bucket
    {
        private IRevocableSession?[] _items = new IRevocableSession?[1];

        public int Count { get; private set; }

        public bool Removed { get; set; }

        public void Add(IRevocableSession session)
        {
            if (Count == _items.Length)
            {
                Array.Resize(ref _items, _items.Length * 2);
            }

            _items[Count++] = session;
        }

        public bool Remove(IRevocableSession session)
        {
            for (var i = 0; i < Count; i++)
            {
                if (ReferenceEquals(_items[i], session))
                {
                    _items[i] = _items[--Count];
                    _items[Count] = null;
                    return true;
                }
            }

            return false;
        }

        public IRevocableSession[] Snapshot() => _items.AsSpan(0, Count).ToArray()!;

        public IRevocableSession? Find(string sessionId)
        {
            for (var i = 0; i < Count; i++)
            {
                if (string.Equals(_items[i]!.SessionId, sessionId, StringComparison.Ordinal))
                {
                    return _items[i];
                }
            }

            return null;
        }
    }
}
