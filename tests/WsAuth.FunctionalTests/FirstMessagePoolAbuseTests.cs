using System.Net;
using WsAuth.Testing;
using SilentSocket = WsAuth.FunctionalTests.SilentSocketsTests.SilentSocket;

namespace WsAuth.FunctionalTests;

/// <summary>
/// The pool of sockets waiting for their first message under attack (SECURITY-MATRIX AV2): sockets that stay silent
/// and close themselves before the deadline count as failures, so their addresses are locked out; one network cannot
/// fill the pool; a pool nearly full drains faster.
/// </summary>
public class FirstMessagePoolAbuseTests
{
    [Fact]
    [Trait("Matrix", "AV2")]
    public async Task SilentSocketsClosedByTheClient_LockTheirAddressesOut_AndANewClientGetsIn()
    {
        // Arrange: the default caps (1000 waiting sockets, 20 per address, 100 per network) and lockout (30 a minute).
        var (app, _, _) = await FirstMessageApp.StartAsync();
        await using var _app = app;
        var attackers = Enumerable.Range(0, 50).Select(i => IPAddress.Parse($"127.0.{10 + i}.1")).ToArray(); // 50 networks
        using var gate = new SemaphoreSlim(200);

        async Task<SilentSocket[]> OpenAllAsync() => await Task.WhenAll(attackers.SelectMany(a => Enumerable.Repeat(a, 20)).Select(async address =>
        {
            await gate.WaitAsync();
            try
            {
                return await SilentSocket.OpenAsync(app.HttpUri, address);
            }
            finally
            {
                gate.Release();
            }
        }));

        // Act 1: two cycles of 50 addresses x 20 silent sockets, each closed by the client before the deadline.
        var cycles = new List<SilentSocket[]>();
        for (var cycle = 0; cycle < 2; cycle++)
        {
            var sockets = await OpenAllAsync();
            cycles.Add(sockets);
            await Task.WhenAll(sockets.Where(s => s.Status == HttpStatusCode.SwitchingProtocols).Select(s => s.CloseAsync()));
        }

        // Act 2: the third cycle, and a new client from elsewhere while it holds what it can.
        var third = await OpenAllAsync();
        using var legit = await FirstMessageApp.ConnectFromAsync(app, IPAddress.Parse("127.0.200.1"));
        var (ack, _) = await FirstMessageApp.AuthenticateAsync(legit, TestTokenValidator.Token("alice"));

        try
        {
            // Assert: the first cycle filled the pool; by the third every attacker is locked out; the new client is in.
            Assert.All(cycles[0], s => Assert.Equal(HttpStatusCode.SwitchingProtocols, s.Status));
            Assert.All(third, s => Assert.Equal(HttpStatusCode.TooManyRequests, s.Status));
            Assert.Equal(50, app.Logs.GetSnapshot().Count(e => e.Id.Name == "ClientLockedOut"));
            Assert.Equal("wsauth.authenticated", ack.GetProperty("type").GetString());
        }
        finally
        {
            foreach (var socket in cycles.SelectMany(c => c).Concat(third))
            {
                socket.Dispose();
            }
        }
    }

    [Fact]
    [Trait("Matrix", "AV2")]
    public async Task OneNetwork_CannotFillThePool_AndAPoolNearlyFull_GivesNewSocketsAShorterDeadline()
    {
        // Arrange: 40 waiting sockets at most, 10 per /24.
        var (app, time, _) = await FirstMessageApp.StartAsync(
            o => o.RateLimiting.Enabled = false,
            f =>
            {
                f.MaxPendingSockets = 40;
                f.MaxPendingSocketsPerNetwork = 10;
            });
        await using var _app = app;
        var held = new List<SilentSocket>();
        try
        {
            // Act 1: 20 addresses of one /24; then 21 addresses of other networks, which bring the pool past 30 of 40.
            for (var i = 1; i <= 20; i++)
            {
                held.Add(await SilentSocket.OpenAsync(app.HttpUri, IPAddress.Parse($"127.0.0.{i}")));
            }

            var sameNetwork = await SilentSocket.OpenAsync(app.HttpUri, IPAddress.Parse("127.0.0.99"));
            held.Add(sameNetwork);
            for (var i = 1; i <= 21; i++)
            {
                held.Add(await SilentSocket.OpenAsync(app.HttpUri, IPAddress.Parse($"127.0.{i}.2")));
            }

            var early = held[0];
            var late = held[^1]; // admitted with 31 of 40 taken: under pressure

            // Act 2: a quarter of the 5 s deadline passes.
            time.Advance(TimeSpan.FromSeconds(1.25));
            var lateClose = await late.ReadCloseCodeAsync();

            // Assert: the /24 got 10 slots and no more; the pool still had room for other networks.
            Assert.Equal(10, held.Take(20).Count(s => s.Status == HttpStatusCode.SwitchingProtocols));
            Assert.Equal(HttpStatusCode.TooManyRequests, sameNetwork.Status);
            Assert.All(held.Skip(21), s => Assert.Equal(HttpStatusCode.SwitchingProtocols, s.Status));
            Assert.Equal(4408, lateClose);

            // The early socket still has its full deadline: it closes only when the 5 s have passed.
            time.Advance(TimeSpan.FromSeconds(3.75));
            Assert.Equal(4408, await early.ReadCloseCodeAsync());
        }
        finally
        {
            foreach (var socket in held)
            {
                socket.Dispose();
            }
        }
    }
}
