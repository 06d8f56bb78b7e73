using System.Net;
using System.Net.Sockets;
using WsAuth.Testing;

namespace WsAuth.FunctionalTests;

/// <summary>
/// The ticket endpoint under abuse by a signed-in user (SECURITY-MATRIX AV3): quotas per user and per address by
/// default, so other users still get tickets; the store-full warning is written at most once per interval.
/// </summary>
public class TicketQuotaTests
{
    [Fact]
    [Trait("Matrix", "AV3")]
    public async Task OneUserAskingForTicketsWithoutEnd_LeavesTicketsForEveryoneElse()
    {
        // Arrange: a store of 350 tickets, the default quotas (60 per user, 300 per address, per minute).
        await using var app = await TicketTestApp.StartAsync(t => t.MemoryStoreCapacity = 350);
        using var attacker = ClientFrom(app, "127.0.0.21");
        using var elsewhere = ClientFrom(app, "127.0.0.22");
        var mallory = await TicketTestApp.LoginAsync(app, "mallory");

        // Act 1: one user asks for 200 tickets.
        var malloryStatuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 200; i++)
        {
            var response = await PostAsync(attacker, mallory);
            malloryStatuses.Add(response.StatusCode);
            limited ??= response.StatusCode == HttpStatusCode.TooManyRequests ? response : null;
        }

        // Act 2: four accomplices from the same address take their 60 each; a fifth hits the address quota.
        for (var u = 1; u <= 4; u++)
        {
            var cookie = await TicketTestApp.LoginAsync(app, "accomplice" + u);
            for (var i = 0; i < 60; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await PostAsync(attacker, cookie)).StatusCode);
            }
        }

        var fifth = await PostAsync(attacker, await TicketTestApp.LoginAsync(app, "accomplice5"));
        var alice = await PostAsync(elsewhere, await TicketTestApp.LoginAsync(app, "alice"));

        // Assert
        Assert.Equal(60, malloryStatuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(140, malloryStatuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.Equal(WebSocketAuthFailureReasons.UserRateLimited, await limited!.Content.ReadAsStringAsync());
        Assert.InRange(limited.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60);
        Assert.Equal(HttpStatusCode.TooManyRequests, fifth.StatusCode);
        Assert.Equal(WebSocketAuthFailureReasons.RateLimited, await fifth.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, alice.StatusCode);
    }

    [Fact]
    [Trait("Matrix", "AV3")]
    public async Task AFullStore_IsWarnedAboutOnce_NotOncePerRefusal()
    {
        // Arrange
        await using var app = await TicketTestApp.StartAsync(t => t.MemoryStoreCapacity = 3);
        using var client = ClientFrom(app, "127.0.0.23");
        var cookie = await TicketTestApp.LoginAsync(app, "alice");

        // Act
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 40; i++)
        {
            statuses.Add((await PostAsync(client, cookie)).StatusCode);
        }

        // Assert
        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(37, statuses.Count(s => s == HttpStatusCode.ServiceUnavailable));
        Assert.Single(app.Logs.GetSnapshot(), e => e.Id.Name == "TicketStoreFull");
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/ws/ticket");
        request.Headers.Add("Cookie", cookie);
        request.Headers.Add("Origin", TicketTestApp.AllowedOrigin);
        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    /// <summary>An HTTP client whose connections come from <paramref name="localAddress"/> (127.0.0.x: one client each).</summary>
    private static HttpClient ClientFrom(KestrelTestApp app, string localAddress)
    {
        var handler = new SocketsHttpHandler
        {
            UseCookies = false,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(IPAddress.Parse(localAddress), 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = app.HttpUri };
    }
}
