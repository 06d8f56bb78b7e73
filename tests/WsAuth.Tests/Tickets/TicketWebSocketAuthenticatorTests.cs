using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WsAuth.Testing;
using WsAuth.Internal;

namespace WsAuth.Tests.Tickets;

public class TicketWebSocketAuthenticatorTests
{
    private readonly FakeTimeProvider _clock = new();
    private readonly CountingStore _store;

    public TicketWebSocketAuthenticatorTests() => _store = new CountingStore(new InMemoryTicketStore(100, _clock));

    private TicketWebSocketAuthenticator Create(WebSocketTicketOptions? options = null)
        => new(
            Options.Create(options ?? new WebSocketTicketOptions()),
            Options.Create(new WebSocketAuthOptions { TimeProvider = _clock }),
            _store,
            TimeProvider.System,
            NullLoggerFactory.Instance);

    private static WebSocketAuthenticateContext Handshake(string query, string? origin = "https://app.example.com", string? protocols = null)
    {
        var http = new DefaultHttpContext();
        http.Request.Path = "/ws";
        http.Request.QueryString = new QueryString(query);
        http.Connection.RemoteIpAddress = IPAddress.Parse("203.0.113.5");
        if (protocols is not null)
        {
            http.Request.Headers.SecWebSocketProtocol = protocols;
        }

        return new WebSocketAuthenticateContext(http, origin is null ? WebSocketOriginStatus.Missing : WebSocketOriginStatus.Allowed, origin);
    }

    private async Task<string> StoreAsync(TimeSpan lifetime, TicketBindings bindings = TicketBindings.None, string? origin = null, string? clientIp = null, string? path = null)
    {
        var ticket = TicketCodec.NewTicket(out var id);
        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "alice")], "Cookies"));
        var envelope = new TicketEnvelope(_clock.GetUtcNow() + lifetime, null, bindings, origin, clientIp, path, TicketPrincipalSerializer.Instance.Serialize(principal));
        Assert.True(await _store.TryStoreAsync(id, envelope.Write(), envelope.ExpiresAt, default));
        return ticket;
    }

    [Fact]
    public async Task NoTicket_IsNoCredentials()
    {
        var result = await Create().AuthenticateAsync(Handshake("?other=1"), default);
        Assert.Same(WebSocketAuthenticateResult.NoCredentials, result);
        Assert.Equal(0, _store.Consumes);
    }

    [Fact]
    public async Task ValidTicket_Succeeds_Once()
    {
        var ticket = await StoreAsync(TimeSpan.FromSeconds(30));
        var authenticator = Create();

        var first = await authenticator.AuthenticateAsync(Handshake("?ticket=" + ticket), default);
        var second = await authenticator.AuthenticateAsync(Handshake("?ticket=" + ticket), default);

        Assert.True(first.Succeeded);
        Assert.Equal("alice", first.Principal.Identity!.Name);
        Assert.Null(first.ExpiresAt);
        Assert.Equal(WebSocketAuthFailureReasons.TicketInvalid, second.FailureReason);
    }

    [Fact]
    [Trait("Matrix", "T4")]
    public async Task TenThousandForgedTickets_AreAllRejected_WithoutStoringAnything()
    {
        // Matrix T4: well-formed random tickets (a real one among them is never guessed) and garbage alike.
        var real = await StoreAsync(TimeSpan.FromSeconds(30));
        var authenticator = Create();

        for (var i = 0; i < 10_000; i++)
        {
            var forged = i % 2 == 0 ? TicketCodec.NewTicket(out _) : "forged-" + i;
            var result = await authenticator.AuthenticateAsync(Handshake("?ticket=" + forged), default);
            Assert.True(result.Failed);
            Assert.Equal(StatusCodes.Status401Unauthorized, result.StatusCode);
            Assert.Equal(i % 2 == 0 ? WebSocketAuthFailureReasons.TicketInvalid : WebSocketAuthFailureReasons.TicketMalformed, result.FailureReason);
        }

        // Garbage never reached the store; the real ticket is still there.
        Assert.Equal(5_000, _store.Consumes);
        Assert.True((await authenticator.AuthenticateAsync(Handshake("?ticket=" + real), default)).Succeeded);
    }

    [Fact]
    [Trait("Matrix", "T1")]
    public async Task ExpiredTicket_IsRejectedAsExpired_AtItsExpiry()
    {
        var ticket = await StoreAsync(TimeSpan.FromSeconds(30));
        _clock.Advance(TimeSpan.FromSeconds(30));
        var result = await Create().AuthenticateAsync(Handshake("?ticket=" + ticket), default);
        Assert.Equal(WebSocketAuthFailureReasons.TicketExpired, result.FailureReason);
    }

    [Theory]
    [InlineData((int)TicketBindings.Origin, WebSocketAuthFailureReasons.TicketOriginMismatch)]
    [InlineData((int)TicketBindings.ClientIp, WebSocketAuthFailureReasons.TicketClientMismatch)]
    [InlineData((int)TicketBindings.Path, WebSocketAuthFailureReasons.TicketPathMismatch)]
    [Trait("Matrix", "T3")]
    public async Task BindingMismatch_IsRejected_AndBurnsTheTicket(int bindingFlag, string reason)
    {
        var binding = (TicketBindings)bindingFlag;
        var ticket = await StoreAsync(TimeSpan.FromSeconds(30), binding, origin: "https://other.example.com", clientIp: "198.51.100.7", path: "/admin");
        var authenticator = Create();

        var mismatch = await authenticator.AuthenticateAsync(Handshake("?ticket=" + ticket), default);
        var retry = await authenticator.AuthenticateAsync(Handshake("?ticket=" + ticket), default);

        Assert.Equal(reason, mismatch.FailureReason);
        Assert.Equal(StatusCodes.Status401Unauthorized, mismatch.StatusCode);
        Assert.Equal(WebSocketAuthFailureReasons.TicketInvalid, retry.FailureReason);
    }

    [Fact]
    public async Task MatchingBindings_Succeed()
    {
        var ticket = await StoreAsync(
            TimeSpan.FromSeconds(30),
            TicketBindings.Origin | TicketBindings.ClientIp | TicketBindings.Path,
            origin: "https://app.example.com",
            clientIp: "203.0.113.5",
            path: "/ws");
        Assert.True((await Create().AuthenticateAsync(Handshake("?ticket=" + ticket), default)).Succeeded);
    }

    [Fact]
    public async Task OriginBoundToNoOrigin_RejectsABrowserOrigin()
    {
        var ticket = await StoreAsync(TimeSpan.FromSeconds(30), TicketBindings.Origin, origin: null);
        var result = await Create().AuthenticateAsync(Handshake("?ticket=" + ticket, origin: "https://app.example.com"), default);
        Assert.Equal(WebSocketAuthFailureReasons.TicketOriginMismatch, result.FailureReason);
    }

    [Fact]
    public async Task ConfiguredQueryParameter_IsTheOneRead()
    {
        var ticket = await StoreAsync(TimeSpan.FromSeconds(30));
        var authenticator = Create(new WebSocketTicketOptions { QueryParameter = "t" });
        Assert.Same(WebSocketAuthenticateResult.NoCredentials, await authenticator.AuthenticateAsync(Handshake("?ticket=" + ticket), default));
        Assert.True((await authenticator.AuthenticateAsync(Handshake("?t=" + ticket), default)).Succeeded);
    }

    [Fact]
    public async Task SubprotocolEntry_IsIgnoredUnlessAPrefixIsConfigured()
    {
        var ticket = await StoreAsync(TimeSpan.FromSeconds(30));
        var handshake = Handshake(string.Empty, protocols: "chat.v1, wsauth.ticket." + ticket);
        Assert.Same(WebSocketAuthenticateResult.NoCredentials, await Create().AuthenticateAsync(handshake, default));
    }

    [Fact]
    public async Task SubprotocolEntry_IsHidden_AndTheAppProtocolIsTheFallback()
    {
        var ticket = await StoreAsync(TimeSpan.FromSeconds(30));
        var handshake = Handshake(string.Empty, protocols: "chat.v1, wsauth.ticket." + ticket + ", chat.v2");

        var result = await Create(new WebSocketTicketOptions { SubprotocolPrefix = "wsauth.ticket." }).AuthenticateAsync(handshake, default);

        Assert.True(result.Succeeded);
        Assert.Equal(["chat.v1", "chat.v2"], handshake.RequestedProtocols);
        Assert.Equal("chat.v1", handshake.FallbackProtocol);
    }

    [Fact]
    [Trait("Matrix", "P1")]
    public async Task StoreThatThrows_FailsClosedWith503()
    {
        var authenticator = new TicketWebSocketAuthenticator(
            Options.Create(new WebSocketTicketOptions()),
            Options.Create(new WebSocketAuthOptions()),
            new ThrowingStore(),
            _clock,
            NullLoggerFactory.Instance);
        var result = await authenticator.AuthenticateAsync(Handshake("?ticket=" + TicketCodec.NewTicket(out _)), default);
        Assert.Equal(WebSocketAuthFailureReasons.StoreUnavailable, result.FailureReason);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, result.StatusCode);
    }

    [Fact]
    public async Task UnreadableStoredData_IsRejected()
    {
        var ticket = TicketCodec.NewTicket(out var id);
        await _store.TryStoreAsync(id, [1, 2, 3], _clock.GetUtcNow().AddSeconds(30), default);
        var result = await Create().AuthenticateAsync(Handshake("?ticket=" + ticket), default);
        Assert.Equal(WebSocketAuthFailureReasons.TicketInvalid, result.FailureReason);
    }

    private sealed class CountingStore(IWebSocketTicketStore inner) : IWebSocketTicketStore
    {
        private int _consumes;

        public int Consumes => Volatile.Read(ref _consumes);

        public ValueTask<bool> TryStoreAsync(string ticketId, byte[] data, DateTimeOffset expiresAt, CancellationToken cancellationToken)
            => inner.TryStoreAsync(ticketId, data, expiresAt, cancellationToken);

        public ValueTask<byte[]?> ConsumeAsync(string ticketId, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _consumes);
            return inner.ConsumeAsync(ticketId, cancellationToken);
        }
    }

    private sealed class ThrowingStore : IWebSocketTicketStore
    {
        public ValueTask<bool> TryStoreAsync(string ticketId, byte[] data, DateTimeOffset expiresAt, CancellationToken cancellationToken)
            => throw new IOException("down");

        public ValueTask<byte[]?> ConsumeAsync(string ticketId, CancellationToken cancellationToken)
            => throw new IOException("down");
    }
}
