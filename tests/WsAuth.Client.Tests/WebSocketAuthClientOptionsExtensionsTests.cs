using System.Collections.Concurrent;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using WsAuth.Testing;

namespace WsAuth.Client;

/// <summary>What a <see cref="ClientWebSocket"/> configured by the helpers really sends, seen by a Kestrel server.</summary>
public class WebSocketAuthClientOptionsExtensionsTests
{
    private const string Jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";

    [Fact]
    public async Task SetBearerToken_SendsTheAuthorizationHeader()
    {
        await using var server = await RecordingServer.StartAsync();
        using var socket = new ClientWebSocket();
        socket.Options.SetBearerToken(Jwt);

        await socket.ConnectAsync(server.WebSocketUri, CancellationToken.None);

        var seen = Assert.Single(server.Handshakes);
        Assert.Equal("Bearer " + Jwt, seen.Authorization);
    }

    [Theory]
    [InlineData("")]
    [InlineData("two words")]
    [InlineData("line\r\nbreak")]
    [InlineData("=leading")]
    [InlineData("tökén")]
    public void SetBearerToken_RefusesInvalidTokens_WithoutQuotingThem(string token)
    {
        using var socket = new ClientWebSocket();
        var error = Assert.Throws<ArgumentException>(() => socket.Options.SetBearerToken(token));
        if (token.Length > 0)
        {
            Assert.DoesNotContain(token, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AddTokenSubprotocol_Marker_OffersAppProtocolThenMarkerThenToken()
    {
        await using var server = await RecordingServer.StartAsync();
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("chat.v1");
        socket.Options.AddTokenSubprotocol(Jwt);

        await socket.ConnectAsync(server.WebSocketUri, CancellationToken.None);

        var seen = Assert.Single(server.Handshakes);
        Assert.Equal(["chat.v1", "access_token", Jwt], seen.Protocols);
        Assert.Equal("chat.v1", socket.SubProtocol);
    }

    [Fact]
    public async Task AddTokenSubprotocol_Kubernetes_OffersOneEncodedEntry()
    {
        await using var server = await RecordingServer.StartAsync();
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("chat.v1");
        socket.Options.AddTokenSubprotocol("jéton✓", SubprotocolTokenFormat.Kubernetes);

        await socket.ConnectAsync(server.WebSocketUri, CancellationToken.None);

        var seen = Assert.Single(server.Handshakes);
        Assert.Equal(["chat.v1", "base64url.bearer.authorization.k8s.io.asOpdG9u4pyT"], seen.Protocols);
    }

    [Fact]
    public void AddTokenSubprotocol_InvalidToken_ThrowsOurErrorNotTheFrameworksWhichQuotesIt()
    {
        using var socket = new ClientWebSocket();
        var error = Assert.Throws<ArgumentException>(() => socket.Options.AddTokenSubprotocol("secret token"));
        Assert.DoesNotContain("secret token", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithTicket_ReachesTheServerAsTheTicketQueryParameter()
    {
        await using var server = await RecordingServer.StartAsync();
        using var socket = new ClientWebSocket();

        await socket.ConnectAsync(WebSocketAuthUri.WithTicket(server.WebSocketUri, "a/b+c=d é"), CancellationToken.None);

        Assert.Equal("a/b+c=d é", Assert.Single(server.Handshakes).Ticket);
    }

    /// <summary>Accepts every WebSocket, with the first offered protocol that is not a credential, and records what came.</summary>
    private sealed class RecordingServer : IAsyncDisposable
    {
        private readonly KestrelTestApp _app;

        private RecordingServer(KestrelTestApp app, ConcurrentQueue<Seen> handshakes)
        {
            _app = app;
            Handshakes = handshakes;
        }

        public ConcurrentQueue<Seen> Handshakes { get; }

        public Uri WebSocketUri => _app.WebSocketUri("/ws");

        public static async Task<RecordingServer> StartAsync()
        {
            var handshakes = new ConcurrentQueue<Seen>();
            var app = await KestrelTestApp.StartAsync(_ => { }, (app, _) =>
            {
                app.UseWebSockets();
                app.Map("/ws", async context =>
                {
                    var protocols = context.WebSockets.WebSocketRequestedProtocols.ToArray();
                    handshakes.Enqueue(new Seen(context.Request.Headers.Authorization.ToString(), protocols, context.Request.Query["ticket"].ToString()));
                    var chosen = protocols.FirstOrDefault(p => p is not "access_token" && p != Jwt && !p.StartsWith("base64url.", StringComparison.Ordinal));
                    using var socket = await context.WebSockets.AcceptWebSocketAsync(chosen);
                    await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                });
            });
            return new RecordingServer(app, handshakes);
        }

        public ValueTask DisposeAsync() => _app.DisposeAsync();
    }

    private sealed record Seen(string Authorization, string[] Protocols, string Ticket);
}
