using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Threading.Channels;
using WsAuth.Testing;

namespace WsAuth.FunctionalTests;

/// <summary>
/// <see cref="WebSocketAuthEvents.OnRejected"/> is raised for every rejection, after the upgrade too (first message,
/// refresh, <see cref="WebSocketRejectionMode.CloseAfterUpgrade"/>), with the close code; a handler that throws after
/// the upgrade neither keeps the socket open nor changes its close code, and never sees the credential.
/// </summary>
public class RejectedEventAfterUpgradeTests
{
    private sealed record Seen(string? Method, string Reason, int StatusCode, int? CloseCode, string Everything);

    private sealed class Recorder
    {
        private readonly Channel<Seen> _seen = Channel.CreateUnbounded<Seen>();

        public bool Throw { get; set; }

        public Task Record(WebSocketRejectedContext context)
        {
            var items = string.Join(" ", context.HttpContext.Items.Select(i => $"{i.Key}={i.Value}"));
            _seen.Writer.TryWrite(new Seen(context.Method, context.Reason, context.StatusCode, context.CloseCode, $"{context.Method} {context.Reason} {items}"));
            return Throw ? throw new InvalidOperationException("handler failed") : Task.CompletedTask;
        }

        public async Task<Seen> NextAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            return await _seen.Reader.ReadAsync(timeout.Token);
        }
    }

    private static async Task<(KestrelTestApp App, TimerCountingTimeProvider Time, Recorder Events)> StartAsync(bool throwing = false, Action<WebSocketAuthOptions>? configure = null)
    {
        var recorder = new Recorder { Throw = throwing };
        var (app, time, _) = await FirstMessageApp.StartAsync(o =>
        {
            o.Events.OnRejected = recorder.Record;
            configure?.Invoke(o);
        });
        return (app, time, recorder);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FirstMessage_RaisesOnRejected_WithTheCloseCode(bool throwing)
    {
        var (app, _, events) = await StartAsync(throwing);
        await using var _app = app;
        using var socket = await FirstMessageApp.ConnectAsync(app);

        await FirstMessageApp.SendAuthAsync(socket, "invalid|" + TestTokenValidator.Secret);
        var close = await FirstMessageApp.ReceiveCloseAsync(socket);
        var seen = await events.NextAsync();

        Assert.Equal((4401, WebSocketAuthFailureReasons.InvalidCredentials), close);
        Assert.Equal((WebSocketAuthDefaults.FirstMessageMethod, WebSocketAuthFailureReasons.InvalidCredentials, 401, (int?)4401), (seen.Method, seen.Reason, seen.StatusCode, seen.CloseCode));
        Assert.DoesNotContain(TestTokenValidator.Secret, seen.Everything, StringComparison.Ordinal);
        await AssertStillServesAsync(app);
    }

    [Fact]
    public async Task FirstMessageDeadline_RaisesOnRejected_With4408()
    {
        var (app, time, events) = await StartAsync();
        await using var _app = app;
        using var socket = await FirstMessageApp.ConnectAsync(app);

        time.Advance(TimeSpan.FromSeconds(5));
        var close = await FirstMessageApp.ReceiveCloseAsync(socket);
        time.Advance(TimeSpan.FromSeconds(3)); // past the linger for our close frame, whether or not it arrived
        var seen = await events.NextAsync();

        Assert.Equal(4408, close.Code);
        Assert.Equal((WebSocketAuthFailureReasons.AuthenticationTimeout, (int?)4408), (seen.Reason, seen.CloseCode));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Refresh_RaisesOnRejected_WithTheCloseCode(bool throwing)
    {
        var (app, _, events) = await StartAsync(throwing);
        await using var _app = app;
        using var socket = await FirstMessageApp.ConnectAsync(app);
        await FirstMessageApp.AuthenticateAsync(socket, TestTokenValidator.Token("alice"));

        await FirstMessageApp.SendRefreshAsync(socket, "invalid|" + TestTokenValidator.Secret);
        var close = await FirstMessageApp.ReceiveCloseAsync(socket);
        var seen = await events.NextAsync();

        Assert.Equal((4401, WebSocketAuthFailureReasons.InvalidCredentials), close);
        Assert.Equal((WebSocketAuthDefaults.FirstMessageMethod, WebSocketAuthFailureReasons.InvalidCredentials, (int?)4401), (seen.Method, seen.Reason, seen.CloseCode));
        Assert.DoesNotContain(TestTokenValidator.Secret, seen.Everything, StringComparison.Ordinal);
        await AssertStillServesAsync(app);
    }

    [Fact]
    public async Task ReservedMessageType_RaisesOnRejected_With4400()
    {
        var (app, _, events) = await StartAsync(throwing: true);
        await using var _app = app;
        using var socket = await FirstMessageApp.ConnectAsync(app);
        await FirstMessageApp.AuthenticateAsync(socket, TestTokenValidator.Token("alice"));

        await WebSocketTestClient.SendTextAsync(socket, "{\"type\":\"wsauth.authenticated\"}");
        var close = await FirstMessageApp.ReceiveCloseAsync(socket);
        var seen = await events.NextAsync();

        Assert.Equal((4400, WebSocketAuthFailureReasons.ReservedMessageType), close);
        Assert.Equal((WebSocketAuthFailureReasons.ReservedMessageType, (int?)4400), (seen.Reason, seen.CloseCode));
    }

    [Fact]
    public async Task CloseWithPolicyViolation_TheContextCarriesTheCodeOnTheWire()
    {
        var (app, _, events) = await StartAsync(configure: o => o.CloseWithPolicyViolation = true);
        await using var _app = app;
        using var socket = await FirstMessageApp.ConnectAsync(app);

        await FirstMessageApp.SendAuthAsync(socket, "invalid");
        var close = await FirstMessageApp.ReceiveCloseAsync(socket);
        var seen = await events.NextAsync();

        Assert.Equal(1008, close.Code);
        Assert.Equal((WebSocketAuthFailureReasons.InvalidCredentials, (int?)1008), (seen.Reason, seen.CloseCode));
    }

    [Fact]
    public async Task CloseAfterUpgrade_RaisesOnRejected_WithTheCloseCode()
    {
        var seen = new ConcurrentQueue<(string Reason, int? CloseCode)>();
        await using var app = await HandshakeApp.StartAsync(o =>
        {
            o.RejectionMode = WebSocketRejectionMode.CloseAfterUpgrade;
            o.Events.OnRejected = ctx =>
            {
                seen.Enqueue((ctx.Reason, ctx.CloseCode));
                return Task.CompletedTask;
            };
        });

        using var socket = await WebSocketTestClient.ConnectAsync(app.WebSocketUri(), HandshakeApp.AllowedOrigin, o => o.SetRequestHeader(HeaderAuthenticator.Header, "bad"));
        var close = await FirstMessageApp.ReceiveCloseAsync(socket);
        var foreign = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", "https://evil.test")]);

        Assert.Equal((4401, WebSocketAuthFailureReasons.InvalidCredentials), close);
        Assert.Equal(HttpStatusCode.Forbidden, foreign.Status);
        Assert.Equal([(WebSocketAuthFailureReasons.InvalidCredentials, (int?)4401), (WebSocketAuthFailureReasons.OriginNotAllowed, (int?)null)], seen.ToArray());
    }

    [Fact]
    public async Task BeforeTheUpgrade_CloseCodeIsNull()
    {
        var (app, _, events) = await StartAsync();
        await using var _app = app;

        var response = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", FirstMessageApp.AllowedOrigin), (HeaderAuthenticator.Header, "bad")]);
        var seen = await events.NextAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal((401, (int?)null), (seen.StatusCode, seen.CloseCode));
    }

    /// <summary>The host survived the handler: a new socket still authenticates.</summary>
    private static async Task AssertStillServesAsync(KestrelTestApp app)
    {
        using var socket = await FirstMessageApp.ConnectAsync(app);
        var (ack, _) = await FirstMessageApp.AuthenticateAsync(socket, TestTokenValidator.Token("bob"));
        Assert.Equal("wsauth.authenticated", ack.GetProperty("type").GetString());
        Assert.Equal(WebSocketState.Open, socket.State);
    }
}
