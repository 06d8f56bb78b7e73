using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using WsAuth.Internal;

namespace WsAuth.Tests.Internal;

public class GuardedWebSocketFeatureTests
{
    private sealed class RecordingFeature : IHttpWebSocketFeature
    {
        public WebSocketAcceptContext? Accepted { get; private set; }

        public bool IsWebSocketRequest => true;

        public Task<WebSocket> AcceptAsync(WebSocketAcceptContext context)
        {
            Accepted = context;
            return Task.FromResult<WebSocket>(null!);
        }
    }

    private static (GuardedWebSocketFeature Guard, RecordingFeature Inner) Create(string offered, string? fallback, params string[] hide)
    {
        var http = new DefaultHttpContext();
        http.Request.Headers.SecWebSocketProtocol = offered;
        var handshake = new WebSocketAuthenticateContext(http, WebSocketOriginStatus.Allowed, null) { FallbackProtocol = fallback };
        foreach (var entry in hide)
        {
            handshake.HideRequestedProtocol(entry);
        }

        var inner = new RecordingFeature();
        return (new GuardedWebSocketFeature(inner, handshake), inner);
    }

    [Fact]
    public async Task Fallback_IsAnsweredWithoutChangingTheCallersContext()
    {
        // ASP.NET Core passes one static WebSocketAcceptContext for AcceptWebSocketAsync() without a protocol:
        // writing the fallback into it would leak into every later handshake of the process.
        var (guard, inner) = Create("chat, access_token, tok", "access_token", "access_token", "tok");
        var shared = new WebSocketAcceptContext { KeepAliveInterval = TimeSpan.FromSeconds(7) };

        await guard.AcceptAsync(shared);

        Assert.Null(shared.SubProtocol);
        Assert.NotSame(shared, inner.Accepted);
        Assert.Equal("access_token", inner.Accepted!.SubProtocol);
        Assert.Equal(TimeSpan.FromSeconds(7), inner.Accepted.KeepAliveInterval);
    }

    [Fact]
    [Trait("Matrix", "S3")]
    public async Task OfferedProtocol_IsAnswered()
    {
        var (guard, inner) = Create("chat, access_token, tok", "access_token", "access_token", "tok");
        await guard.AcceptAsync(new WebSocketAcceptContext { SubProtocol = "chat" });
        Assert.Equal("chat", inner.Accepted!.SubProtocol);
    }

    [Theory]
    [InlineData("tok")]
    [InlineData("access_token")]
    [InlineData("other")]
    [Trait("Matrix", "S3")]
    public async Task HiddenOrUnofferedProtocol_Throws_WithoutEchoingIt(string chosen)
    {
        var (guard, inner) = Create("chat, access_token, tok", "access_token", "access_token", "tok");
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => guard.AcceptAsync(new WebSocketAcceptContext { SubProtocol = chosen }));
        Assert.DoesNotContain(chosen, ex.Message, StringComparison.Ordinal);
        Assert.Null(inner.Accepted);
    }
}
