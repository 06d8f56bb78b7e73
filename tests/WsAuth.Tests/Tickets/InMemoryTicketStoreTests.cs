using Microsoft.Extensions.Time.Testing;
using WsAuth.Testing;
using WsAuth.Internal;

namespace WsAuth.Tests.Tickets;

public class InMemoryTicketStoreTests
{
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public async Task Consume_ReturnsTheDataOnce()
    {
        var store = new InMemoryTicketStore(10, _clock);
        Assert.True(await store.TryStoreAsync("a", [1, 2], _clock.GetUtcNow().AddSeconds(30), default));

        Assert.Equal([1, 2], await store.ConsumeAsync("a", default));
        Assert.Null(await store.ConsumeAsync("a", default));
        Assert.Null(await store.ConsumeAsync("unknown", default));
        Assert.Equal(0, store.Count);
    }

    [Fact]
    [Trait("Matrix", "T2")]
    public async Task ConcurrentConsumes_ReturnTheDataExactlyOnce()
    {
        var store = new InMemoryTicketStore(10, _clock);
        for (var round = 0; round < 20; round++)
        {
            var id = "ticket-" + round;
            await store.TryStoreAsync(id, [7], _clock.GetUtcNow().AddSeconds(30), default);
            using var start = new ManualResetEventSlim();
            var attempts = Enumerable.Range(0, 50).Select(_ => Task.Run(async () =>
            {
                start.Wait();
                return await store.ConsumeAsync(id, default);
            })).ToArray();
            start.Set();

            var results = await Task.WhenAll(attempts);

            Assert.Single(results, r => r is not null);
        }
    }

    [Fact]
    public async Task Full_RefusesNewTickets_UntilOneIsConsumedOrExpires()
    {
        var store = new InMemoryTicketStore(2, _clock);
        var expiry = _clock.GetUtcNow().AddSeconds(30);
        Assert.True(await store.TryStoreAsync("a", [1], expiry, default));
        Assert.True(await store.TryStoreAsync("b", [1], expiry, default));

        Assert.False(await store.TryStoreAsync("c", [1], expiry, default));
        await store.ConsumeAsync("a", default);
        Assert.True(await store.TryStoreAsync("c", [1], expiry, default));
        Assert.False(await store.TryStoreAsync("d", [1], expiry, default));

        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.True(await store.TryStoreAsync("d", [1], _clock.GetUtcNow().AddSeconds(30), default));
        Assert.Equal(1, store.Count);
    }

    [Fact]
    public async Task ExpiredTickets_AreDroppedByLaterOperations_WithoutATimer()
    {
        var store = new InMemoryTicketStore(1000, _clock);
        for (var i = 0; i < 100; i++)
        {
            await store.TryStoreAsync("old-" + i, [1], _clock.GetUtcNow().AddSeconds(30), default);
        }

        _clock.Advance(TimeSpan.FromSeconds(30));
        await store.ConsumeAsync("unknown", default);

        Assert.Equal(0, store.Count);
    }

    [Fact]
    public async Task ExpiredTicketStillHeld_IsReturnedSoItCanBeReportedAsExpired()
    {
        // Nothing ran since the ticket expired, so it is still held: Consume hands it over (and removes it), and the
        // authenticator, which checks the expiry itself, answers ticket_expired rather than ticket_invalid.
        var store = new InMemoryTicketStore(10, _clock);
        await store.TryStoreAsync("a", [1], _clock.GetUtcNow().AddSeconds(30), default);
        _clock.Advance(TimeSpan.FromSeconds(31));

        Assert.Equal([1], await store.ConsumeAsync("a", default));
        Assert.Null(await store.ConsumeAsync("a", default));
    }

    [Fact]
    public async Task StoringAnIdTwice_NeverOverwritesALiveTicket()
    {
        var store = new InMemoryTicketStore(10, _clock);
        await store.TryStoreAsync("a", [1], _clock.GetUtcNow().AddSeconds(30), default);
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.TryStoreAsync("a", [2], _clock.GetUtcNow().AddSeconds(30), default).AsTask());
        Assert.Equal([1], await store.ConsumeAsync("a", default));
    }
}
