using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using WsAuth.Testing;

namespace WsAuth.FunctionalTests;

/// <summary>The sample's /ws accepts the JWT from POST /auth/login over every token transport.</summary>
public sealed class SampleTokenTests : IClassFixture<WebApplicationFactory<Program>>
{
    private readonly WebApplicationFactory<Program> _factory;

    public SampleTokenTests(WebApplicationFactory<Program> factory) => _factory = factory;

    [Theory]
    [InlineData("bearer")]
    [InlineData("subprotocol")]
    [InlineData("kubernetes")]
    [InlineData("query")]
    public async Task LoginToken_AuthenticatesTheSamplesSocket(string transport)
    {
        using var http = _factory.CreateClient();
        using var login = await http.PostAsJsonAsync("/auth/login", new { user = "alice" });
        login.EnsureSuccessStatusCode();
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;

        var client = _factory.Server.CreateWebSocketClient();
        if (transport == "bearer")
        {
            client.ConfigureRequest = r => r.Headers.Authorization = "Bearer " + token;
        }
        else if (transport == "subprotocol")
        {
            client.SubProtocols.Add("access_token");
            client.SubProtocols.Add(token);
        }
        else if (transport == "kubernetes")
        {
            client.SubProtocols.Add(TestJwt.KubernetesProtocol(token));
            client.SubProtocols.Add("chat");
        }

        var uri = new Uri(_factory.Server.BaseAddress, transport == "query" ? "/ws?access_token=" + Uri.EscapeDataString(token) : "/ws");
        using var socket = await client.ConnectAsync(new UriBuilder(uri) { Scheme = "ws" }.Uri, CancellationToken.None);

        var welcome = JsonDocument.Parse(await WebSocketTestClient.ReceiveTextAsync(socket)).RootElement;
        Assert.Equal("welcome", welcome.GetProperty("type").GetString());
        Assert.Equal("alice", welcome.GetProperty("user").GetString());
        Assert.Equal(transport is "subprotocol" or "kubernetes" ? "subprotocol" : transport, welcome.GetProperty("method").GetString());
        Assert.Equal(transport switch { "subprotocol" => "access_token", "kubernetes" => "chat", _ => null }, socket.SubProtocol);
    }

    [Fact]
    public async Task ForgedToken_IsRefused()
    {
        var client = _factory.Server.CreateWebSocketClient();
        client.ConfigureRequest = r => r.Headers.Authorization = "Bearer " + TestJwt.HmacToken(TimeProvider.System.GetUtcNow());
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => client.ConnectAsync(new Uri("ws://localhost/ws"), CancellationToken.None));
        Assert.Contains("401", ex.Message, StringComparison.Ordinal);
    }
}
