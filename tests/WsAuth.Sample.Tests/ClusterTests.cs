using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using WsAuth.Testing;
using Xunit.Abstractions;

namespace WsAuth.Sample.Tests;

/// <summary>
/// samples/cluster/start.sh for real: three sample instances behind Debian nginx (round robin), sharing Redis or
/// PostgreSQL and the login keys. Everything goes through nginx: a ticket issued by one instance is redeemed by another
/// and never twice; logout-everywhere closes the caller's sockets on all three (4401 revoked) while another user's stay
/// open; the revoked token is refused by every instance.
/// </summary>
[Collection(nameof(ClusterCollection))]
public class ClusterTests(ITestOutputHelper output) : PostgresTest
{
    [RedisFact]
    public Task Cluster_OnRedis() => RunAsync("redis", 18081, "18083 18084 18085", ["--WsAuth:Redis:KeyPrefix=" + RedisTestServer.NewKeyPrefix(), "--WsAuth:Redis:Revocation:KeyPrefix=" + RedisTestServer.NewKeyPrefix(), "--WsAuth:Redis:Revocation:Channel=" + RedisTestServer.NewKeyPrefix()]);

    [PostgresFact]
    public Task Cluster_OnPostgres()
    {
        var table = NewTableName();
        var revocations = NewTableName();
        return RunAsync("postgres", 18082, "18086 18087 18088", ["--WsAuth:Postgres:TableName=" + table, "--WsAuth:Postgres:Revocation:TableName=" + revocations, "--WsAuth:Postgres:Revocation:Channel=" + revocations]);
    }

    private async Task RunAsync(string engine, int port, string instancePorts, string[] extra)
    {
        // Arrange: the documented start command, with the sample this test project built.
        using var cluster = await SampleCluster.StartAsync(engine, port, instancePorts, typeof(Program).Assembly.Location, extra, output.WriteLine);
        var origin = $"http://127.0.0.1:{port}";
        var server = new Uri(origin);
        var (aliceHttp, aliceCookies, aliceToken) = await LoginAsync(server, "alice");
        var (bobHttp, bobCookies, _) = await LoginAsync(server, "bob");
        using var _a = aliceHttp;
        using var _b = bobHttp;

        // A ticket issued by one instance is redeemed by the next (round robin), once.
        var ticket = await TicketAsync(aliceHttp, origin);
        using (var redeemed = await ConnectAsync(server, origin, "/ws?ticket=" + ticket, cookie: null))
        {
            Assert.Equal("ticket", (await WelcomeAsync(redeemed)).GetProperty("method").GetString());
        }

        var replays = new List<RawResponse>();
        for (var i = 0; i < 3; i++)
        {
            replays.Add(await RawHandshake.SendAsync(server, "/ws?ticket=" + ticket, [("Origin", origin)]));
        }

        Assert.All(replays, r => Assert.Equal(HttpStatusCode.Unauthorized, r.Status));

        // Three sockets each (one per instance, round robin) for alice and bob, by cookie.
        await Task.Delay(1100); // issue times have whole seconds: revoke in a later one than the login
        var alice = new List<WebSocket>();
        var bob = new List<WebSocket>();
        for (var i = 0; i < 3; i++)
        {
            alice.Add(await ConnectAsync(server, origin, "/ws", aliceCookies.GetCookieHeader(new Uri(server, "/ws"))));
            bob.Add(await ConnectAsync(server, origin, "/ws", bobCookies.GetCookieHeader(new Uri(server, "/ws"))));
        }

        foreach (var socket in alice.Concat(bob))
        {
            await WelcomeAsync(socket);
        }

        // Act
        var watch = Stopwatch.StartNew();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/logout-everywhere");
        request.Headers.Add("Origin", origin);
        using var response = await aliceHttp.SendAsync(request);
        var closes = await Task.WhenAll(alice.Select(ReceiveCloseAsync));
        output.WriteLine($"{engine}: logout-everywhere to the last of alice's three closes: {watch.ElapsedMilliseconds} ms");

        // Assert
        Assert.True(response.IsSuccessStatusCode, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.All(closes, c => Assert.Equal((4401, "revoked"), c));
        foreach (var socket in bob)
        {
            await WebSocketTestClient.SendTextAsync(socket, "still here");
            Assert.Equal("still here", await WebSocketTestClient.ReceiveTextAsync(socket));
        }

        for (var i = 0; i < 3; i++)
        {
            var refused = await RawHandshake.SendAsync(server, "/ws", [("Origin", origin), ("Authorization", "Bearer " + aliceToken)]);
            Assert.Equal((HttpStatusCode.Unauthorized, "revoked"), (refused.Status, refused.Body));
        }

        foreach (var socket in alice.Concat(bob))
        {
            socket.Dispose();
        }
    }

    private static async Task<(HttpClient Http, CookieContainer Cookies, string Token)> LoginAsync(Uri server, string user)
    {
        var cookies = new CookieContainer();
        var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = server };
        using var login = await http.PostAsJsonAsync("/auth/login", new { user });
        login.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await login.Content.ReadAsStringAsync());
        return (http, cookies, json.RootElement.GetProperty("token").GetString()!);
    }

    private static async Task<string> TicketAsync(HttpClient http, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/ws/ticket");
        request.Headers.Add("Origin", origin);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("ticket").GetString()!;
    }

    private static async Task<WebSocket> ConnectAsync(Uri server, string origin, string pathAndQuery, string? cookie)
        => await WebSocketTestClient.ConnectAsync(new Uri($"ws://{server.Authority}{pathAndQuery}"), origin, o =>
        {
            if (cookie is not null)
            {
                o.SetRequestHeader("Cookie", cookie);
            }
        });

    private static async Task<JsonElement> WelcomeAsync(WebSocket socket)
        => JsonDocument.Parse(await WebSocketTestClient.ReceiveTextAsync(socket)).RootElement.Clone();

    private static async Task<(int, string?)> ReceiveCloseAsync(WebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var buffer = new byte[4096];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return ((int)result.CloseStatus!.Value, result.CloseStatusDescription);
            }
        }
    }
}

/// <summary>The cluster tests use fixed ports: one at a time.</summary>
[CollectionDefinition(nameof(ClusterCollection), DisableParallelization = true)]
public sealed class ClusterCollection;
