using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using WsAuth.Client;

namespace WsAuth.BrowserTests;

/// <summary>
/// The sample's hub contract with the real .NET client (Microsoft.AspNetCore.SignalR.Client 10.0.15) on Kestrel: negotiate
/// with the login cookie, the WebSocket with a fresh ticket from <c>POST /ws/ticket</c> through WsAuth.Client's
/// <c>WebSocketTicketAccessTokenProvider</c>; <c>WhoAmI()</c> is <c>{"user":"alice","method":"ticket"}</c>.
/// </summary>
public sealed class SignalRSampleDotNetTests
{
    private const string Origin = "http://app.wsauth.test";

    [Fact]
    public async Task SampleHub_NegotiateWithTheCookie_TicketFromAccessTokenProvider_WhoAmIAliceTicket()
    {
        // Arrange
        await using var sample = new SampleServer(Origin);
        sample.Start();
        var cookies = new CookieContainer();
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = sample.ListeningUri };
        http.DefaultRequestHeaders.Add("Origin", Origin); // the ticket is bound to the Origin that asked for it
        using (var login = await http.PostAsJsonAsync("/auth/login", new { user = "alice" }))
        {
            login.EnsureSuccessStatusCode();
        }

        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(sample.ListeningUri, "/hubs/echo"), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.Cookies = cookies;
                o.Headers["Origin"] = Origin;
                o.AccessTokenProvider = http.WebSocketTicketAccessTokenProvider(new Uri(sample.ListeningUri, "/ws/ticket"));
            })
            .Build();

        // Act
        await hub.StartAsync();
        var me = await hub.InvokeAsync<Dictionary<string, string>>("WhoAmI");
        var echo = await hub.InvokeAsync<string>("Echo", "from .NET");

        // Assert
        Assert.Equal(new Dictionary<string, string> { ["user"] = "alice", ["method"] = "ticket" }, me);
        Assert.Equal("from .NET", echo);
    }
}
