using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.TestHost;

using WsAuth.Testing;

namespace WsAuth.Sample.Tests;

/// <summary>Drives the sample app's contract (<c>/auth/login</c>, <c>/ws/ticket</c>, <c>/ws</c>) over a TestServer.</summary>
public static class SampleClient
{
    public const string Origin = "https://sample.example.com";

    /// <summary>Logs in as <paramref name="user"/> with <paramref name="http"/> (which keeps the cookie) and fetches a ticket.</summary>
    public static async Task<(string Ticket, int ExpiresIn)> LoginAndGetTicketAsync(HttpClient http, string user = "alice")
    {
        using var login = await http.PostAsJsonAsync("/auth/login", new { user });
        login.EnsureSuccessStatusCode();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/ws/ticket");
        request.Headers.Add("Origin", Origin);
        using var response = await http.SendAsync(request);
        Xunit.Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Xunit.Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (json.RootElement.GetProperty("ticket").GetString()!, json.RootElement.GetProperty("expiresIn").GetInt32());
    }

    /// <summary>Opens <c>/ws?ticket=</c> and returns the welcome message.</summary>
    public static async Task<JsonElement> ConnectAsync(TestServer server, string ticket)
    {
        var client = server.CreateWebSocketClient();
        client.ConfigureRequest = r => r.Headers.Origin = Origin;
        using var socket = await client.ConnectAsync(new Uri(server.BaseAddress, "/ws?ticket=" + Uri.EscapeDataString(ticket)), CancellationToken.None);
        var welcome = JsonDocument.Parse(await WebSocketTestClient.ReceiveTextAsync(socket)).RootElement.Clone();
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        return welcome;
    }
}
