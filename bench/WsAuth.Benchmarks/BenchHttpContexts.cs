using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace WsAuth.Benchmarks;

/// <summary>
/// Requests shaped like the ones Kestrel hands the pipeline after <c>UseWebSockets()</c>: an upgrade feature on every
/// HTTP/1.1 request and a WebSocket feature installed by the WebSocket middleware.
/// </summary>
internal static class BenchHttpContexts
{
    public const string AllowedOrigin = "https://app.example.com";

    public static DefaultHttpContext PlainGet()
    {
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Get;
        context.Request.Path = "/api/orders";
        context.Request.Headers.Accept = "application/json";
        context.Features.Set<IHttpUpgradeFeature>(new UpgradeFeature(upgradable: false));
        context.Features.Set<IHttpWebSocketFeature>(new WebSocketFeature(isWebSocketRequest: false));
        return context;
    }

    public static DefaultHttpContext WebSocketUpgrade()
    {
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Get;
        context.Request.Path = "/ws";
        context.Request.Headers.Connection = "Upgrade";
        context.Request.Headers.Upgrade = "websocket";
        context.Request.Headers.SecWebSocketVersion = "13";
        context.Request.Headers.SecWebSocketKey = "dGhlIHNhbXBsZSBub25jZQ==";
        context.Request.Headers[HeaderNames.Origin] = AllowedOrigin;
        context.Features.Set<IHttpUpgradeFeature>(new UpgradeFeature(upgradable: true));
        context.Features.Set<IHttpWebSocketFeature>(new WebSocketFeature(isWebSocketRequest: true));
        return context;
    }

    private sealed class UpgradeFeature(bool upgradable) : IHttpUpgradeFeature
    {
        public bool IsUpgradableRequest => upgradable;

        public Task<Stream> UpgradeAsync() => throw new NotSupportedException();
    }

    internal sealed class WebSocketFeature(bool isWebSocketRequest) : IHttpWebSocketFeature
    {
        public bool IsWebSocketRequest => isWebSocketRequest;

        public Task<WebSocket> AcceptAsync(WebSocketAcceptContext context) => throw new NotSupportedException();
    }
}
