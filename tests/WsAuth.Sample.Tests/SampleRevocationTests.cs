using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using WsAuth.Testing;

namespace WsAuth.Sample.Tests;

/// <summary>The sample's <c>POST /auth/logout-everywhere</c> (issue #14's sample contract), on one instance and on two sharing PostgreSQL.</summary>
public class SampleRevocationTests : PostgresTest
{
    [Fact]
    public async Task LogoutEverywhere_ClosesTheCallersSockets4401Revoked_RefusesTheirTokenAndCookie_AndLeavesOthersOpen()
    {
        // Arrange
        await using var sample = Sample();
        using var alice = sample.CreateClient();
        using var bob = sample.CreateClient();
        var aliceToken = await LoginAsync(alice, "alice");
        var bobToken = await LoginAsync(bob, "bob");
        await Task.Delay(1100); // issue times have whole seconds: revoke in a later one than the login
        using var aliceSocket = await ConnectAsync(sample.Server, aliceToken);
        using var bobSocket = await ConnectAsync(sample.Server, bobToken);

        // Act
        using var crossSite = await PostAsync(alice, "https://evil.example.net");
        using var response = await PostAsync(alice, SampleClient.Origin);

        // Assert
        Assert.Equal(HttpStatusCode.Forbidden, crossSite.StatusCode);
        Assert.True(response.IsSuccessStatusCode);
        Assert.Equal((4401, "revoked"), await ReceiveCloseAsync(aliceSocket));
        await WebSocketTestClient.SendTextAsync(bobSocket, "still here");
        Assert.Equal("still here", await WebSocketTestClient.ReceiveTextAsync(bobSocket));
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(sample.Server, aliceToken));
        Assert.Contains("401", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogoutEverywhere_RevokesTheCookieOfAnotherDevice_ForHttpEndpointsToo_AndARevokedCredentialCannotRevokeAgain()
    {
        // Arrange: alice on two devices (two cookies).
        await using var sample = Sample();
        using var laptop = sample.CreateClient();
        using var phone = sample.CreateClient();
        await LoginAsync(laptop, "alice");
        var phoneToken = await LoginAsync(phone, "alice");
        await Task.Delay(1100);

        // Act
        using var logout = await PostAsync(laptop, SampleClient.Origin);
        using var ticketRequest = new HttpRequestMessage(HttpMethod.Post, "/ws/ticket");
        ticketRequest.Headers.Add("Origin", SampleClient.Origin);
        using var phoneTicket = await phone.SendAsync(ticketRequest);
        using var again = new HttpRequestMessage(HttpMethod.Post, "/auth/logout-everywhere");
        again.Headers.Add("Authorization", "Bearer " + phoneToken);
        using var revokeAgain = await phone.SendAsync(again);

        // Assert
        Assert.True(logout.IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, phoneTicket.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, revokeAgain.StatusCode);
        Assert.Equal("revoked", await revokeAgain.Content.ReadAsStringAsync());
    }

    [PostgresFact]
    public async Task LogoutEverywhere_OnOneInstance_ClosesTheCallersSocketOnAnother_SharingPostgres()
    {
        var table = NewTableName();
        await using var a = Sample(table);
        await using var b = Sample(table);
        using var http = a.CreateClient();
        await LoginAsync(http, "carol");
        await Task.Delay(1100);
        var ticket = await TicketAsync(http);
        var client = b.Server.CreateWebSocketClient(); // each instance signs its own demo JWTs: the shared ticket crosses
        client.ConfigureRequest = r => r.Headers.Origin = SampleClient.Origin;
        using var socketOnB = await client.ConnectAsync(new Uri(b.Server.BaseAddress, "/ws?ticket=" + Uri.EscapeDataString(ticket)), CancellationToken.None);
        await WebSocketTestClient.ReceiveTextAsync(socketOnB);
        var unusedTicket = await TicketAsync(http);

        using var response = await PostAsync(http, SampleClient.Origin);

        Assert.True(response.IsSuccessStatusCode);
        Assert.Equal((4401, "revoked"), await ReceiveCloseAsync(socketOnB));
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => client.ConnectAsync(new Uri(b.Server.BaseAddress, "/ws?ticket=" + Uri.EscapeDataString(unusedTicket)), CancellationToken.None));
        Assert.Contains("401", refused.Message, StringComparison.Ordinal);
    }

    private static WebApplicationFactory<Program> Sample(string? postgresTable = null)
        => new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Development");
            b.UseSetting("WsAuth:AllowedOrigins:0", SampleClient.Origin);
            if (postgresTable is not null)
            {
                b.UseSetting("WsAuth:Postgres:ConnectionString", PostgresTestDatabase.ConnectionString);
                b.UseSetting("WsAuth:Postgres:TableName", postgresTable);
                b.UseSetting("WsAuth:Postgres:OperationTimeout", "00:00:10");
                b.UseSetting("WsAuth:Postgres:Revocation:TableName", postgresTable + "_r");
                b.UseSetting("WsAuth:Postgres:Revocation:Channel", postgresTable);
            }
        });

    private static async Task<string> LoginAsync(HttpClient http, string user)
    {
        using var login = await http.PostAsJsonAsync("/auth/login", new { user });
        login.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await login.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("token").GetString()!;
    }

    private static async Task<string> TicketAsync(HttpClient http)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/ws/ticket");
        request.Headers.Add("Origin", SampleClient.Origin);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("ticket").GetString()!;
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/logout-everywhere");
        request.Headers.Add("Origin", origin);
        return await http.SendAsync(request);
    }

    private static async Task<WebSocket> ConnectAsync(TestServer server, string token)
    {
        var client = server.CreateWebSocketClient();
        client.ConfigureRequest = r =>
        {
            r.Headers.Origin = SampleClient.Origin;
            r.Headers.Authorization = "Bearer " + token;
        };
        var socket = await client.ConnectAsync(new Uri(server.BaseAddress, "/ws"), CancellationToken.None);
        await WebSocketTestClient.ReceiveTextAsync(socket); // welcome
        return socket;
    }

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
