using System.Net.Http.Json;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WsAuth.Testing;

namespace WsAuth.FunctionalTests;

/// <summary>The sample's /ws: the cookie, or the login's JWT as first message; sessions warn, refresh and expire.</summary>
public sealed class SampleTests : IDisposable
{
    private const string Origin = "http://localhost:5000"; // the sample's own default listening URL
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly WebApplicationFactory<Program> _factory;

    public SampleTests()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseEnvironment("Development")
            .ConfigureServices(s => s.AddSingleton<TimeProvider>(_time)));
    }

    public void Dispose() => _factory.Dispose();

    private async Task<(string Token, string Cookie)> LoginAsync(string user)
    {
        using var http = _factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        using var response = await http.PostAsJsonAsync("/auth/login", new { user });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("token").GetString()!;
        var cookie = response.Headers.GetValues("Set-Cookie").Single();
        return (token, cookie[..cookie.IndexOf(';', StringComparison.Ordinal)]);
    }

    private Task<WebSocket> ConnectAsync(string? cookie = null, string path = "/ws")
    {
        var client = _factory.Server.CreateWebSocketClient();
        client.ConfigureRequest = r =>
        {
            r.Headers.Origin = Origin;
            if (cookie is not null)
            {
                r.Headers.Cookie = cookie;
            }
        };
        return client.ConnectAsync(new Uri("ws://localhost" + path), CancellationToken.None);
    }

    [Fact]
    public async Task LoginCookie_ReachesEveryRoute_SoLogoutEverywhereAndNegotiateGetIt()
    {
        // Arrange/Act
        using var http = _factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        using var response = await http.PostAsJsonAsync("/auth/login", new { user = "alice" });

        // Assert: the cookie is not scoped to the socket paths (POST /auth/logout-everywhere takes it too).
        var cookie = response.Headers.GetValues("Set-Cookie").Single();
        Assert.Contains("; path=/;", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task FirstMessageRoute_WithTheLoginCookie_IsAuthenticatedByTheFirstMessage()
    {
        // Arrange: logged in; the cookie goes with the handshake, as a browser sends it.
        var (token, cookie) = await LoginAsync("alice");
        using var socket = await ConnectAsync(cookie, path: "/first-message/ws");

        var (ack, welcome) = await FirstMessageApp.AuthenticateAsync(socket, token);

        Assert.Equal("wsauth.authenticated", ack.GetProperty("type").GetString());
        Assert.Equal("alice", welcome.GetProperty("user").GetString());
        Assert.Equal("first-message", welcome.GetProperty("method").GetString());
    }

    [Fact]
    public async Task FirstMessage_WithTheLoginsToken_AuthenticatesTheSocket()
    {
        var (token, _) = await LoginAsync("alice");
        using var socket = await ConnectAsync();

        var (ack, welcome) = await FirstMessageApp.AuthenticateAsync(socket, token);

        Assert.Equal("wsauth.authenticated", ack.GetProperty("type").GetString());
        Assert.Equal("alice", welcome.GetProperty("user").GetString());
        Assert.Equal("first-message", welcome.GetProperty("method").GetString());
    }

    [Fact]
    public async Task Session_IsWarnedBeforeExpiry_AndARefreshExtendsIt()
    {
        var (token, _) = await LoginAsync("alice");
        using var socket = await ConnectAsync();
        var (ack, _) = await FirstMessageApp.AuthenticateAsync(socket, token);
        var firstExpiry = DateTimeOffset.Parse(ack.GetProperty("expiresAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture);

        _time.Advance(TimeSpan.FromMinutes(14.5)); // the demo tokens live 15 minutes; the sample warns 30 seconds ahead
        var warning = await FirstMessageApp.ReceiveJsonAsync(socket);
        var (fresh, _) = await LoginAsync("alice");
        await FirstMessageApp.SendRefreshAsync(socket, fresh);
        var refreshed = await FirstMessageApp.ReceiveJsonAsync(socket);

        Assert.Equal("wsauth.expiring", warning.GetProperty("type").GetString());
        Assert.Equal("wsauth.refreshed", refreshed.GetProperty("type").GetString());
        Assert.True(DateTimeOffset.Parse(refreshed.GetProperty("expiresAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture) > firstExpiry);
    }

    [Fact]
    public async Task GarbageToken_IsClosedWith4401()
    {
        using var socket = await ConnectAsync();
        await FirstMessageApp.SendAuthAsync(socket, "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.");
        Assert.Equal((4401, WebSocketAuthFailureReasons.MalformedToken), await FirstMessageApp.ReceiveCloseAsync(socket));
    }

    [Fact]
    public async Task Cookie_StillWinsOnTheHandshake()
    {
        var (_, cookie) = await LoginAsync("bob");
        using var socket = await ConnectAsync(cookie);
        var welcome = await FirstMessageApp.ReceiveJsonAsync(socket);
        Assert.Equal("bob", welcome.GetProperty("user").GetString());
        Assert.Equal("cookie", welcome.GetProperty("method").GetString());
    }
}
