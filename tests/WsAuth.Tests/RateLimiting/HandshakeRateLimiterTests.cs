using System.Net;
using System.Security.Claims;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WsAuth.Internal;
using WsAuth.Testing;

namespace WsAuth.Tests.RateLimiting;

public class HandshakeRateLimiterTests
{
    private static readonly IPAddress Client = IPAddress.Parse("203.0.113.7");

    private static HandshakeRateLimiter Create(Action<WebSocketRateLimitOptions> configure, TimeProvider? time = null)
    {
        var options = new WebSocketAuthOptions();
        configure(options.RateLimiting);
        return new HandshakeRateLimiter(Options.Create(options), time ?? TimeProvider.System, NullLogger<HandshakeRateLimiter>.Instance);
    }

    [Fact]
    public void PerClient_AllowsThePermits_ThenRejectsWithARetryAfter()
    {
        using var limiter = Create(o => o.PermitsPerClient = 3);
        var decisions = Enumerable.Range(0, 4).Select(_ => limiter.AcquireClient(Client)).ToList();
        Assert.All(decisions.Take(3), d => Assert.True(d.IsAllowed));
        Assert.False(decisions[3].IsAllowed);
        Assert.Equal(WebSocketAuthFailureReasons.RateLimited, decisions[3].Reason);
        Assert.True(decisions[3].RetryAfter > TimeSpan.Zero);
        Assert.True(limiter.AcquireClient(IPAddress.Parse("203.0.113.8")).IsAllowed); // another client has its own budget
    }

    [Fact]
    public void Lockout_StartsAtTheThreshold_AndEndsAfterItsDuration()
    {
        var time = new FakeTimeProvider();
        using var limiter = Create(o => { o.LockoutThreshold = 3; o.LockoutDuration = TimeSpan.FromMinutes(5); }, time);

        limiter.RecordFailure(Client);
        limiter.RecordFailure(Client);
        var beforeThreshold = limiter.AcquireClient(Client);
        limiter.RecordFailure(Client);
        var locked = limiter.AcquireClient(Client);
        time.Advance(TimeSpan.FromMinutes(4));
        var stillLocked = limiter.AcquireClient(Client);
        time.Advance(TimeSpan.FromMinutes(1));
        var released = limiter.AcquireClient(Client);

        Assert.True(beforeThreshold.IsAllowed);
        Assert.Equal((false, WebSocketAuthFailureReasons.LockedOut, TimeSpan.FromMinutes(5)), (locked.IsAllowed, locked.Reason, locked.RetryAfter));
        Assert.Equal(TimeSpan.FromMinutes(1), stillLocked.RetryAfter);
        Assert.True(released.IsAllowed);
    }

    [Fact]
    public void PerUser_KeysBySubject_ElseName_AndSkipsAnonymousPrincipals()
    {
        using var limiter = Create(o => o.PermitsPerUser = 1);
        var bySub = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "u1"), new Claim(ClaimTypes.Name, "same-name")], "t"));
        var sameSubOtherName = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "u1"), new Claim(ClaimTypes.Name, "other")], "t"));
        var byName = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "same-name")], "t"));
        var nobody = new ClaimsPrincipal(new ClaimsIdentity([], "t"));

        Assert.True(limiter.AcquireUser(bySub).IsAllowed);
        Assert.False(limiter.AcquireUser(sameSubOtherName).IsAllowed);
        Assert.True(limiter.AcquireUser(byName).IsAllowed); // "name:same-name" is not the subject "u1"
        Assert.True(limiter.AcquireUser(nobody).IsAllowed);
        Assert.True(limiter.AcquireUser(nobody).IsAllowed);
    }

    [Fact]
    public void ZeroTurnsOneLimitOff_DisabledTurnsAllOff()
    {
        using var noClientLimit = Create(o => o.PermitsPerClient = 0);
        Assert.All(Enumerable.Range(0, 1000), _ => Assert.True(noClientLimit.AcquireClient(Client).IsAllowed));

        using var disabled = Create(o => { o.Enabled = false; o.LockoutThreshold = 1; });
        disabled.RecordFailure(Client);
        Assert.True(disabled.AcquireClient(Client).IsAllowed);
    }
}
