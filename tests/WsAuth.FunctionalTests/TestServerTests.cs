using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace WsAuth.FunctionalTests;

/// <summary>The guard also holds under ASP.NET Core's in-memory TestServer, whose WebSocket feature differs from Kestrel's.</summary>
public class TestServerTests
{
    private static async Task<IHost> StartAsync(Action<int> onEndpoint)
    {
        var host = new HostBuilder()
            .ConfigureWebHost(web => web
                .UseTestServer()
                .UseEnvironment("Development")
                .ConfigureServices(s =>
                {
                    s.AddRouting();
                    s.AddWebSocketAuth(o => o.AllowedOrigins.Add(HandshakeApp.AllowedOrigin)).AddAuthenticator<HeaderAuthenticator>("header");
                })
                .Configure(app =>
                {
                    app.UseRouting();
                    app.UseWebSocketAuth();
                    app.UseEndpoints(e => e.Map("/ws", async ctx =>
                    {
                        onEndpoint(1);
                        using var socket = await ctx.WebSockets.AcceptWebSocketAsync();
                        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, ctx.User.Identity?.Name, CancellationToken.None);
                    }));
                }))
            .Build();
        await host.StartAsync();
        return host;
    }

    [Fact]
    public async Task AllowedOriginAndCredential_Connects()
    {
        var ran = 0;
        using var host = await StartAsync(n => Interlocked.Add(ref ran, n));
        var client = host.GetTestServer().CreateWebSocketClient();
        client.ConfigureRequest = r =>
        {
            r.Headers.Origin = HandshakeApp.AllowedOrigin;
            r.Headers[HeaderAuthenticator.Header] = "alice";
        };
        using var socket = await client.ConnectAsync(new Uri("ws://localhost/ws"), CancellationToken.None);
        var result = await socket.ReceiveAsync(new byte[16], CancellationToken.None);
        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal("alice", socket.CloseStatusDescription);
        Assert.Equal(1, ran);
    }

    [Theory]
    [InlineData("https://evil.test", "alice")]
    [InlineData(HandshakeApp.AllowedOrigin, null)]
    public async Task BadOriginOrNoCredential_IsRefusedAndTheEndpointNeverRuns(string origin, string? user)
    {
        var ran = 0;
        using var host = await StartAsync(n => Interlocked.Add(ref ran, n));
        var client = host.GetTestServer().CreateWebSocketClient();
        client.ConfigureRequest = r =>
        {
            r.Headers.Origin = origin;
            if (user is not null)
            {
                r.Headers[HeaderAuthenticator.Header] = user;
            }
        };
        await Assert.ThrowsAnyAsync<Exception>(() => client.ConnectAsync(new Uri("ws://localhost/ws"), CancellationToken.None));
        Assert.Equal(0, ran);
    }
}
