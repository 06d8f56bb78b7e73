using WsAuth.Internal;

namespace WsAuth.Tests.Revocation;

public class SessionRegistryTests
{
    [Fact]
    public void HundredThousandConnectCloseCycles_LeaveTheRegistryEmpty()
    {
        // Arrange
        var registry = new SessionRegistry();

        // Act: 100,000 sessions over 1,000 subjects, each added then removed, a few open at a time.
        var open = new Queue<FakeSession>();
        for (var i = 0; i < 100_000; i++)
        {
            var session = new FakeSession("user-" + (i % 1000));
            registry.Add(session);
            open.Enqueue(session);
            if (open.Count > 16)
            {
                registry.Remove(open.Dequeue());
            }
        }

        while (open.TryDequeue(out var session))
        {
            registry.Remove(session);
        }

        // Assert
        Assert.Equal(0, registry.Count);
        Assert.Equal(0, registry.SubjectCount);
    }

    [Fact]
    public async Task ConcurrentCyclesOnOneSubject_LeaveTheRegistryEmpty()
    {
        var registry = new SessionRegistry();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 25_000; i++)
            {
                var session = new FakeSession("alice");
                registry.Add(session);
                registry.Remove(session);
            }
        })));

        Assert.Equal(0, registry.Count);
        Assert.Equal(0, registry.SubjectCount);
    }

    [Fact]
    public void OfSubject_AndFind_SeeOnlyLiveSessions()
    {
        var registry = new SessionRegistry();
        var a1 = new FakeSession("alice");
        var a2 = new FakeSession("alice");
        var b = new FakeSession("bob");
        var anonymous = new FakeSession(null);
        foreach (var s in new[] { a1, a2, b, anonymous })
        {
            registry.Add(s);
        }

        registry.Remove(a1);

        Assert.Equal([a2], registry.OfSubject("alice"));
        Assert.Same(b, registry.Find(b.SessionId));
        Assert.Same(anonymous, registry.Find(anonymous.SessionId));
        Assert.Null(registry.Find(a1.SessionId));
        Assert.Empty(registry.OfSubject("\0")); // sessions without a subject are never found as a user
    }

    [Fact]
    public void BytesPerRegisteredSession_AreMeasured_AndSmall()
    {
        // The registry's own cost per idle socket (dictionary node, bucket, array; one subject each), beside the session
        // id string (16 characters: 56 bytes) the feature holds. Reported in docs/benchmarks.md; the bound catches a
        // regression that would multiply it, not a few bytes.
        var registry = new SessionRegistry();
        const int Count = 20_000;
        var sessions = new FakeSession[Count];
        for (var i = 0; i < Count; i++)
        {
            sessions[i] = new FakeSession("user-" + i);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var session in sessions)
        {
            registry.Add(session);
        }

        var growing = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)Count;
        foreach (var session in sessions)
        {
            registry.Remove(session);
        }

        // Steady state: the dictionary's table has grown already (what a server at its usual load pays per connection).
        before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var session in sessions)
        {
            registry.Add(session);
        }

        var steady = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)Count;
        Console.WriteLine($"registry bytes per session: {steady:F1} steady, {growing:F1} while the table grows");

        Assert.InRange(steady, 1, 160);
        Assert.InRange(growing, 1, 256);
    }

    private sealed class FakeSession(string? subject) : IRevocableSession
    {
        public string SessionId { get; } = SessionIds.New();

        public string? Subject { get; } = subject;

        public DateTimeOffset? IssuedAt => null;

        public int Revocations { get; private set; }

        public bool Revoke()
        {
            Revocations++;
            return true;
        }
    }
}
