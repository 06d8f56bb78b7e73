using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.Logging.Testing;
using WsAuth.Testing;

namespace WsAuth.Sample.Tests;

/// <summary>
/// Edges of the sample that threw in the adversarial review (issue 16, finding 11), on the real sample over Kestrel:
/// malformed JSON at <c>/auth/login</c> gets 400, not an exception page; a token inside the clock skew past its expiry
/// is refused before the sample's endpoint runs, so the sample logs no failure.
/// </summary>
public sealed class SampleEdgeTests : IAsyncDisposable
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly FakeLogCollector _logs = new();
    private readonly WebApplicationFactory<Program> _sample;

    public SampleEdgeTests()
    {
        _sample = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Development");
            b.UseSetting("WsAuth:AllowedOrigins:0", SampleClient.Origin);
            b.UseSetting("urls", "http://127.0.0.1:0"); // not the sample's default port, which something else may hold
            b.ConfigureLogging(l => l.AddProvider(new FakeLoggerProvider(_logs)));
            b.ConfigureServices(s => s.AddSingleton<TimeProvider>(_time));
        });
        _sample.UseKestrel(0);
        _sample.StartServer();
    }

    public async ValueTask DisposeAsync() => await _sample.DisposeAsync();

    [Theory]
    [Trait("Matrix", "AV11")]
    [InlineData("{\"user\":")]
    [InlineData("not json")]
    [InlineData("{\"user\":42}")]
    public async Task Login_WithMalformedJson_Gets400WithoutAStackTrace(string body)
    {
        using var http = _sample.CreateClient();

        using var response = await http.PostAsync("/auth/login", new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", text, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Matrix", "AV11")]
    public async Task TokenInsideTheSkewPastItsExpiry_IsRefusedBeforeTheEndpoint_AndNothingFailsInTheSample()
    {
        // Arrange: a login token, then the clock moves 10 s past its expiry (inside the 30 s skew).
        var address = new Uri(_sample.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        using var http = _sample.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, BaseAddress = address });
        using var login = await http.PostAsJsonAsync("/auth/login", new { user = "alice" });
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        _time.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(10));

        // Act: the token as first message, over a real socket.
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", SampleClient.Origin);
        await socket.ConnectAsync(new Uri($"ws://{http.BaseAddress!.Authority}/ws"), CancellationToken.None);
        await socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(new { type = "auth", token }), WebSocketMessageType.Text, true, CancellationToken.None);
        var result = await socket.ReceiveAsync(new byte[4096], CancellationToken.None);

        // Assert
        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal(4401, (int)result.CloseStatus!.Value);
        Assert.Equal("expired", result.CloseStatusDescription);
        Assert.DoesNotContain(_logs.GetSnapshot(), e => e.Level >= LogLevel.Warning || e.Exception is not null);
    }
}
