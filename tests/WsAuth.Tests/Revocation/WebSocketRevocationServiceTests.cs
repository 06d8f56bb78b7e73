using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WsAuth.Internal;
using WsAuth.Testing;

namespace WsAuth.Tests.Revocation;

/// <summary>The per-instance state and what handshakes get while the backplane is lost (the policy behind RV3).</summary>
public class WebSocketRevocationServiceTests
{
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task NeverLoaded_RefusesByDefault_ThenAllowsOnceLoaded()
    {
        // Arrange
        var time = new FakeTimeProvider(Start);
        var backplane = new ControlledBackplane();
        backplane.Reachable = false;
        using var service = Create(backplane, time, o => o.StartupWait = TimeSpan.Zero);
        await service.StartAsync(CancellationToken.None);

        // Act
        var whileUnknown = service.Check("alice", Start);
        backplane.Reachable = true;
        time.Advance(TimeSpan.FromSeconds(1)); // the reconnect delay
        await WaitUntilAsync(() => service.IsCurrent);
        var onceLoaded = service.Check("alice", Start);

        // Assert
        Assert.Equal(RevocationVerdict.Unavailable, whileUnknown);
        Assert.Equal(RevocationVerdict.Allowed, onceLoaded);
        await service.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Lost_DecidesOnTheLastKnownState_ForMaxStaleness_ThenRefuses_AndAppliesMissedRevocationsWhenBack()
    {
        var time = new FakeTimeProvider(Start);
        var backplane = new ControlledBackplane();
        using var service = Create(backplane, time, o => o.MaxStaleness = TimeSpan.FromSeconds(30));
        await service.StartAsync(CancellationToken.None);
        await service.RevokeAsync("alice", Start);
        var session = new RecordingSession("bob", Start.AddMinutes(-1));
        service.Registry.Add(session);

        backplane.Drop();
        await WaitUntilAsync(() => !service.IsCurrent);
        backplane.Reachable = false;
        var withinStaleness = (service.Check("alice", Start.AddMinutes(-1)), service.Check("bob", Start.AddMinutes(-1)));
        time.Advance(TimeSpan.FromSeconds(31));
        var pastStaleness = service.Check("bob", Start.AddMinutes(-1));

        // Another instance revokes bob while this one is cut off: stored, but this one hears nothing.
        backplane.Store(new WebSocketRevocationMessage(WebSocketRevocationKind.Revoke, "bob", Start.AddSeconds(10), Start.AddDays(14)));
        backplane.Reachable = true;
        time.Advance(TimeSpan.FromSeconds(1));
        await WaitUntilAsync(() => service.IsCurrent);

        Assert.Equal((RevocationVerdict.Revoked, RevocationVerdict.Allowed), withinStaleness);
        Assert.Equal(RevocationVerdict.Unavailable, pastStaleness);
        Assert.Equal(RevocationVerdict.Revoked, service.Check("bob", Start.AddMinutes(-1)));
        Assert.Equal(1, session.Revocations); // the open socket is closed once the state is back
        await service.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task AcceptLastKnownState_NeverRefuses()
    {
        var time = new FakeTimeProvider(Start);
        var backplane = new ControlledBackplane();
        using var service = Create(backplane, time, o => o.WhenUnavailable = WebSocketRevocationUnavailableBehavior.AcceptLastKnownState);
        await service.StartAsync(CancellationToken.None);
        await service.RevokeAsync("alice", Start);

        backplane.Reachable = false;
        backplane.Drop();
        await WaitUntilAsync(() => !service.IsCurrent);
        time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(RevocationVerdict.Allowed, service.Check("bob", null));
        Assert.Equal(RevocationVerdict.Revoked, service.Check("alice", Start.AddSeconds(-1)));
        await service.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task ASessionRegisteredAfterARevocationItMissed_IsClosedOnRegistration()
    {
        // A handshake checked before the revocation, registered after it: the registration re-checks.
        var time = new FakeTimeProvider(Start);
        using var service = Create(new ControlledBackplane(), time);
        await service.StartAsync(CancellationToken.None);
        await service.RevokeAsync("alice", Start);
        var late = new RecordingSession("alice", Start.AddMinutes(-5));

        service.Registry.Add(late);
        service.OnRegistered(late);

        Assert.Equal(1, late.Revocations);
        await service.StopAsync(CancellationToken.None);
    }

    [Fact]
    public void Message_RoundTripsThroughJson_AndGarbageIsRefused()
    {
        var message = new WebSocketRevocationMessage(WebSocketRevocationKind.Revoke, "ali\"ce\u00e9", Start, Start.AddDays(14), "logout", "node-1");

        Assert.True(WebSocketRevocationMessage.TryParse(message.ToJson(), out var parsed));
        Assert.Equal((message.Kind, message.Target, message.IssuedBefore, message.ExpiresAt, message.Reason, message.Sender), (parsed.Kind, parsed.Target, parsed.IssuedBefore, parsed.ExpiresAt, parsed.Reason, parsed.Sender));
        Assert.False(WebSocketRevocationMessage.TryParse("{\"k\":0,\"t\":\"alice\"}", out _)); // a revocation without its instants
        Assert.False(WebSocketRevocationMessage.TryParse("{\"k\":9,\"t\":\"alice\"}", out _));
        Assert.False(WebSocketRevocationMessage.TryParse("not json", out _));
        Assert.False(WebSocketRevocationMessage.TryParse("{\"k\":1,\"t\":\"alice\",\"r\":\"Bad Reason\"}", out _));
    }

    private static WebSocketRevocationService Create(IWebSocketRevocationBackplane backplane, TimeProvider time, Action<WebSocketRevocationOptions>? configure = null)
    {
        var options = new WebSocketRevocationOptions();
        configure?.Invoke(options);
        var meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
        return new WebSocketRevocationService(backplane, new SessionRegistry(), Options.Create(options), time, new WebSocketAuthMetrics(meters), NullLogger<WebSocketRevocationService>.Instance);
    }

    private static Task WaitUntilAsync(Func<bool> condition)
        => Eventually.WaitUntilAsync(condition, TimeSpan.FromSeconds(6), TimeSpan.FromMilliseconds(20));

    /// <summary>A backplane whose reachability the test controls; its store outlives subscriptions, like a database.</summary>
    private sealed class ControlledBackplane : IWebSocketRevocationBackplane
    {
        private readonly ConcurrentDictionary<string, WebSocketRevocationMessage> _stored = new();
        private TaskCompletionSource _dropped = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public volatile bool Reachable = true;

        public void Store(WebSocketRevocationMessage message) => _stored[message.Target] = message;

        public void Drop() => _dropped.TrySetResult();

        public Task PublishAsync(WebSocketRevocationMessage message, CancellationToken cancellationToken)
        {
            if (!Reachable)
            {
                throw new IOException("unreachable");
            }

            if (message.Kind == WebSocketRevocationKind.Revoke)
            {
                Store(message);
            }

            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<WebSocketRevocationMessage>> LoadAsync(DateTimeOffset now, CancellationToken cancellationToken)
            => Reachable ? Task.FromResult<IReadOnlyList<WebSocketRevocationMessage>>([.. _stored.Values]) : throw new IOException("unreachable");

        public async Task SubscribeAsync(Action<WebSocketRevocationMessage> onMessage, Action onSubscribed, CancellationToken cancellationToken)
        {
            if (!Reachable)
            {
                throw new IOException("unreachable");
            }

            _dropped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            onSubscribed();
            await _dropped.Task.WaitAsync(cancellationToken);
            throw new IOException("dropped");
        }
    }

    private sealed class RecordingSession(string subject, DateTimeOffset? issuedAt) : IRevocableSession
    {
        public string SessionId { get; } = SessionIds.New();

        public string? Subject { get; } = subject;

        public DateTimeOffset? IssuedAt { get; } = issuedAt;

        public int Revocations { get; private set; }

        public bool Revoke()
        {
            Revocations++;
            return true;
        }
    }
}
