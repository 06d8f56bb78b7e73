using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using WsAuth.Testing;

namespace WsAuth.Client;

public class WebSocketTicketHttpClientExtensionsTests
{
    [Fact]
    public async Task RequestWebSocketTicket_PostsAndReadsTheTicketAndItsLifetime()
    {
        string? method = null;
        await using var server = await TicketServer.StartAsync(async context =>
        {
            method = context.Request.Method;
            await context.Response.WriteAsJsonAsync(new { ticket = "T-123", expiresIn = 30 });
        });
        using var http = new HttpClient();

        var ticket = await http.RequestWebSocketTicketAsync(server.TicketEndpoint);

        Assert.Equal("POST", method);
        Assert.Equal("T-123", ticket.Value);
        Assert.Equal(TimeSpan.FromSeconds(30), ticket.ExpiresIn);
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(503)]
    public async Task RequestWebSocketTicket_ErrorStatus_ThrowsWithTheStatus(int status)
    {
        await using var server = await TicketServer.StartAsync(context =>
        {
            context.Response.StatusCode = status;
            return context.Response.WriteAsync("SECRET-BODY");
        });
        using var http = new HttpClient();

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => http.RequestWebSocketTicketAsync(server.TicketEndpoint));

        Assert.Equal((HttpStatusCode)status, error.StatusCode);
        Assert.DoesNotContain("SECRET-BODY", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json SECRET")]
    [InlineData("""{"nope":"SECRET"}""")]
    [InlineData("""{"ticket":""}""")]
    [InlineData("""{"ticket":42}""")]
    [InlineData("""["SECRET"]""")]
    public async Task RequestWebSocketTicket_AnAnswerThatIsNotATicket_Throws_WithoutQuotingIt(string body)
    {
        await using var server = await TicketServer.StartAsync(context => context.Response.WriteAsync(body));
        using var http = new HttpClient();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => http.RequestWebSocketTicketAsync(server.TicketEndpoint));

        Assert.DoesNotContain("SECRET", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AccessTokenProvider_PostsOnEveryCall_AndReturnsEachFreshTicket()
    {
        var issued = 0;
        await using var server = await TicketServer.StartAsync(context =>
        {
            var n = Interlocked.Increment(ref issued);
            return context.Response.WriteAsync($$"""{"ticket":"T-{{n}}","expiresIn":30}""");
        });
        using var http = new HttpClient();
        var provider = http.WebSocketTicketAccessTokenProvider(server.TicketEndpoint);

        Assert.Equal("T-1", await provider());
        Assert.Equal("T-2", await provider());
        Assert.Equal(2, issued);
    }

    [Fact]
    public async Task AccessTokenProvider_ErrorStatus_ThrowsWithTheStatus_NeverTheBody()
    {
        await using var server = await TicketServer.StartAsync(context =>
        {
            context.Response.StatusCode = 401;
            return context.Response.WriteAsync("SECRET-BODY");
        });
        using var http = new HttpClient();

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => http.WebSocketTicketAccessTokenProvider(server.TicketEndpoint)());

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.DoesNotContain("SECRET-BODY", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestWebSocketTicket_AHugeAnswer_IsRefused()
    {
        await using var server = await TicketServer.StartAsync(context => context.Response.WriteAsync("{\"ticket\":\"" + new string('a', 100_000) + "\"}"));
        using var http = new HttpClient();

        await Assert.ThrowsAsync<InvalidOperationException>(() => http.RequestWebSocketTicketAsync(server.TicketEndpoint));
    }

    private sealed class TicketServer(KestrelTestApp app) : IAsyncDisposable
    {
        public Uri TicketEndpoint => WebSocketAuthUri.DefaultTicketEndpoint(app.WebSocketUri("/ws"));

        public static async Task<TicketServer> StartAsync(RequestDelegate handler)
            => new(await KestrelTestApp.StartAsync(_ => { }, (a, _) => a.Map("/ws/ticket", handler)));

        public ValueTask DisposeAsync() => app.DisposeAsync();
    }
}
