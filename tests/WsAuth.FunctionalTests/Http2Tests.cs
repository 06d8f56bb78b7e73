using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using WsAuth.Testing;

namespace WsAuth.FunctionalTests;

/// <summary>WebSockets over HTTP/2 extended CONNECT (RFC 8441), h2c on loopback: the same guard applies.</summary>
public class Http2Tests
{
    private static async Task<HttpStatusCode> ConnectAsync(KestrelTestApp app, string origin, string? user)
    {
        using var handler = new SocketsHttpHandler();
        using var invoker = new HttpMessageInvoker(handler);
        using var socket = new ClientWebSocket();
        socket.Options.HttpVersion = HttpVersion.Version20;
        socket.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Origin", origin);
        if (user is not null)
        {
            socket.Options.SetRequestHeader(HeaderAuthenticator.Header, user);
        }

        try
        {
            await socket.ConnectAsync(app.WebSocketUri(), invoker, new CancellationTokenSource(TimeSpan.FromSeconds(15)).Token);
            var welcome = await WebSocketTestClient.ReceiveTextAsync(socket);
            Assert.Contains("\"user\":\"" + user + "\"", welcome, StringComparison.Ordinal);
            return socket.HttpStatusCode;
        }
        catch (WebSocketException)
        {
            return socket.HttpStatusCode;
        }
    }

    [Fact]
    public async Task AllowedOrigin_ConnectsOverHttp2()
    {
        await using var app = await HandshakeApp.StartAsync(protocols: HttpProtocols.Http2);
        Assert.Equal(HttpStatusCode.OK, await ConnectAsync(app, HandshakeApp.AllowedOrigin, "alice"));
    }

    [Theory]
    [InlineData("https://evil.test", "alice", HttpStatusCode.Forbidden)]
    [InlineData("https://app.example.com.evil.net", "alice", HttpStatusCode.Forbidden)]
    [InlineData(HandshakeApp.AllowedOrigin, null, HttpStatusCode.Unauthorized)]
    [Trait("Matrix", "O10")]
    [Trait("Matrix", "O1")]
    [Trait("Matrix", "O2")]
    public async Task BadOriginOrNoCredential_IsRefusedOverHttp2(string origin, string? user, HttpStatusCode expected)
    {
        await using var app = await HandshakeApp.StartAsync(protocols: HttpProtocols.Http2);
        Assert.Equal(expected, await ConnectAsync(app, origin, user));
        Assert.Equal(0, app.EndpointInvocations);
    }
}

/// <summary>The subprotocol token over HTTP/2 extended CONNECT: the same answers as over HTTP/1.1.</summary>
public class Http2SubprotocolTokenTests
{
    private static async Task<(HttpStatusCode Status, string? Protocol)> ConnectAsync(KestrelTestApp app, params string[] protocols)
    {
        using var handler = new SocketsHttpHandler();
        using var invoker = new HttpMessageInvoker(handler);
        using var socket = new ClientWebSocket();
        socket.Options.HttpVersion = HttpVersion.Version20;
        socket.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Origin", TokenApp.AllowedOrigin);
        foreach (var protocol in protocols)
        {
            socket.Options.AddSubProtocol(protocol);
        }

        try
        {
            await socket.ConnectAsync(app.WebSocketUri(), invoker, new CancellationTokenSource(TimeSpan.FromSeconds(15)).Token);
            Assert.Contains("\"method\":\"subprotocol\"", await WebSocketTestClient.ReceiveTextAsync(socket), StringComparison.Ordinal);
            return (socket.HttpStatusCode, socket.SubProtocol);
        }
        catch (WebSocketException)
        {
            return (socket.HttpStatusCode, null);
        }
    }

    [Fact]
    public async Task MarkerAndKubernetesForms_AnswerANonCredentialProtocol()
    {
        await using var app = await TokenApp.StartAsync(protocols: HttpProtocols.Http2);
        var token = TokenApp.Token();
        Assert.Equal((HttpStatusCode.OK, "access_token"), await ConnectAsync(app, "chat.v1", "access_token", token));
        Assert.Equal((HttpStatusCode.OK, "chat.v1"), await ConnectAsync(app, TestJwt.KubernetesProtocol(token), "chat.v1"));
        Assert.Equal((HttpStatusCode.BadRequest, null), await ConnectAsync(app, TestJwt.KubernetesProtocol(token)));
    }
}
