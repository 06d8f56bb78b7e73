using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using WsAuth.Testing;

namespace WsAuth.FunctionalTests;

/// <summary>
/// The <c>WsAuth</c> activity source on real Kestrel: one <c>wsauth.handshake</c> span per guarded handshake, a child of
/// ASP.NET Core's request span, with the documented tags (docs/observability.md) for an accepted handshake and every
/// kind of rejection; <c>wsauth.first_message</c> and <c>wsauth.session.refresh</c> spans; never a credential in a tag.
/// </summary>
public class TracingTests
{
    private const string Handshake = "wsauth.handshake";

    [Fact]
    public async Task AcceptedHandshake_IsAChildSpanOfTheRequest_WithMethodOutcomeAndAuthenticatorDuration()
    {
        // Arrange
        using var traces = new TraceCapture();
        await using var app = await HandshakeApp.StartAsync();
        var (traceId, traceparent) = TraceCapture.NewTraceParent();

        // Act
        var response = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", HandshakeApp.AllowedOrigin), (HeaderAuthenticator.Header, "alice"), ("traceparent", traceparent)]);
        var span = await traces.WaitForAsync(traceId, Handshake);
        var request = await traces.WaitForAsync(traceId, "Microsoft.AspNetCore.Hosting.HttpRequestIn");

        // Assert
        Assert.Equal(HttpStatusCode.SwitchingProtocols, response.Status);
        Assert.Equal(WebSocketAuthDefaults.ActivitySourceName, span.Source.Name);
        Assert.Equal(typeof(WebSocketAuthDefaults).Assembly.GetName().Version?.ToString(), span.Source.Version);
        Assert.Equal(ActivityKind.Internal, span.Kind);
        Assert.Equal(request.SpanId, span.ParentSpanId);
        Assert.Equal("header", span.GetTagItem("wsauth.method"));
        Assert.Equal("authenticated", span.GetTagItem("wsauth.outcome"));
        Assert.IsType<double>(span.GetTagItem("wsauth.authenticator.duration"));
        Assert.Null(span.GetTagItem("wsauth.reason"));
        Assert.Null(span.GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
        AssertNoSecret(span, "alice");
    }

    [Theory]
    [InlineData("https://evil.test", "alice", "/ws", 403, "none", "origin_not_allowed")]
    [InlineData("null", "alice", "/ws", 403, "none", "origin_null")]
    [InlineData(HandshakeApp.AllowedOrigin, null, "/ws", 401, "none", "no_credentials")]
    [InlineData(HandshakeApp.AllowedOrigin, "bad", "/ws", 401, "header", "invalid_credentials")]
    [InlineData(HandshakeApp.AllowedOrigin, "alice", "/admin", 403, "header", "forbidden")]
    public async Task RejectedHandshake_IsAnErrorSpan_WithReasonStatusAndErrorType(string origin, string? user, string path, int status, string method, string reason)
    {
        // Arrange
        using var traces = new TraceCapture();
        await using var app = await HandshakeApp.StartAsync(map: (a, t) => a.Map("/admin", t.WelcomeEchoAsync).RequireWebSocketAuth("admins"));
        var (traceId, traceparent) = TraceCapture.NewTraceParent();
        var headers = new List<(string, string)> { ("Origin", origin), ("traceparent", traceparent) };
        if (user is not null)
        {
            headers.Add((HeaderAuthenticator.Header, user));
        }

        // Act
        var response = await RawHandshake.SendAsync(app.HttpUri, path, headers);
        var span = await traces.WaitForAsync(traceId, Handshake);
        var request = await traces.WaitForAsync(traceId, "Microsoft.AspNetCore.Hosting.HttpRequestIn");

        // Assert
        Assert.Equal(status, (int)response.Status);
        Assert.Equal(request.SpanId, span.ParentSpanId);
        Assert.Equal(method, span.GetTagItem("wsauth.method"));
        Assert.Equal("rejected", span.GetTagItem("wsauth.outcome"));
        Assert.Equal(reason, span.GetTagItem("wsauth.reason"));
        Assert.Equal(status, span.GetTagItem("http.response.status_code"));
        Assert.Equal(reason, span.GetTagItem("error.type"));
        Assert.Null(span.GetTagItem("wsauth.close_code"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(reason, span.StatusDescription);
        Assert.Equal(origin, span.GetTagItem("wsauth.origin"));
        AssertNoSecret(span, "alice");
    }

    [Fact]
    [Trait("Matrix", "L2")]
    public async Task AuthenticatorThatThrows_GivesTheExceptionTypeAsErrorType_NeverItsMessage()
    {
        using var traces = new TraceCapture();
        await using var app = await HandshakeApp.StartAsync();
        var (traceId, traceparent) = TraceCapture.NewTraceParent();

        var response = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", HandshakeApp.AllowedOrigin), (HeaderAuthenticator.Header, "throw"), ("traceparent", traceparent)]);
        var span = await traces.WaitForAsync(traceId, Handshake);

        Assert.Equal(HttpStatusCode.InternalServerError, response.Status);
        Assert.Equal("authenticator_error", span.GetTagItem("wsauth.reason"));
        Assert.Equal(typeof(InvalidOperationException).FullName, span.GetTagItem("error.type"));
        Assert.Equal(500, span.GetTagItem("http.response.status_code"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        AssertNoSecret(span, HeaderAuthenticator.SecretInException);
    }

    [Fact]
    public async Task EventThatThrows_EndsTheSpanAsAnError_WithTheExceptionTypeOnly()
    {
        using var traces = new TraceCapture();
        await using var app = await HandshakeApp.StartAsync(o => o.Events.OnAuthenticated = _ => throw new InvalidOperationException("event failed for " + HeaderAuthenticator.SecretInException));
        var (traceId, traceparent) = TraceCapture.NewTraceParent();

        var response = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", HandshakeApp.AllowedOrigin), (HeaderAuthenticator.Header, "alice"), ("traceparent", traceparent)]);
        var span = await traces.WaitForAsync(traceId, Handshake);

        Assert.Equal(HttpStatusCode.InternalServerError, response.Status);
        Assert.Equal("error", span.GetTagItem("wsauth.outcome"));
        Assert.Equal(typeof(InvalidOperationException).FullName, span.GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        AssertNoSecret(span, HeaderAuthenticator.SecretInException);
    }

    [Theory]
    [InlineData(false, 404)]
    [InlineData(true, 418)]
    public async Task StatusChangedOrWrittenByOnRejected_IsTheStatusOnTheSpan(bool handleResponse, int status)
    {
        using var traces = new TraceCapture();
        await using var app = await HandshakeApp.StartAsync(o => o.Events.OnRejected = async ctx =>
        {
            if (handleResponse)
            {
                ctx.HandleResponse();
                ctx.HttpContext.Response.StatusCode = 418;
                await ctx.HttpContext.Response.WriteAsync("custom");
            }
            else
            {
                ctx.StatusCode = 404;
            }
        });
        var (traceId, traceparent) = TraceCapture.NewTraceParent();

        var response = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", "https://evil.test"), ("traceparent", traceparent)]);
        var span = await traces.WaitForAsync(traceId, Handshake);

        Assert.Equal(status, (int)response.Status);
        Assert.Equal(status, span.GetTagItem("http.response.status_code"));
        Assert.Equal("origin_not_allowed", span.GetTagItem("wsauth.reason"));
    }

    [Fact]
    public async Task RateLimitedHandshake_IsAnErrorSpan_With429()
    {
        using var traces = new TraceCapture();
        await using var app = await HandshakeApp.StartAsync(o => o.RateLimiting.PermitsPerClient = 1);
        await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", HandshakeApp.AllowedOrigin), (HeaderAuthenticator.Header, "alice")]);
        var (traceId, traceparent) = TraceCapture.NewTraceParent();

        var response = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", HandshakeApp.AllowedOrigin), (HeaderAuthenticator.Header, "alice"), ("traceparent", traceparent)]);
        var span = await traces.WaitForAsync(traceId, Handshake);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.Status);
        Assert.Equal("none", span.GetTagItem("wsauth.method"));
        Assert.Equal("rate_limited", span.GetTagItem("wsauth.reason"));
        Assert.Equal(429, span.GetTagItem("http.response.status_code"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
    }

    [Fact]
    public async Task RejectionAfterTheUpgrade_CarriesTheCloseCode_NotAStatus()
    {
        using var traces = new TraceCapture();
        await using var app = await HandshakeApp.StartAsync(o => o.RejectionMode = WebSocketRejectionMode.CloseAfterUpgrade);
        var (traceId, traceparent) = TraceCapture.NewTraceParent();

        using var socket = await WebSocketTestClient.ConnectAsync(app.WebSocketUri(), HandshakeApp.AllowedOrigin, o =>
        {
            o.SetRequestHeader(HeaderAuthenticator.Header, "bad");
            o.SetRequestHeader("traceparent", traceparent);
        });
        var (code, _) = await FirstMessageApp.ReceiveCloseAsync(socket);
        var span = await traces.WaitForAsync(traceId, Handshake);

        Assert.Equal(4401, code);
        Assert.Equal("invalid_credentials", span.GetTagItem("wsauth.reason"));
        Assert.Equal(4401, span.GetTagItem("wsauth.close_code"));
        Assert.Null(span.GetTagItem("http.response.status_code"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
    }

    [Fact]
    public async Task FirstMessage_HasItsOwnSpanUnderTheHandshake_AndTheEndpointRunsOutsideBoth()
    {
        // Arrange
        using var traces = new TraceCapture();
        var (app, time, _) = await FirstMessageApp.StartAsync();
        await using var _app = app;
        var (traceId, traceparent) = TraceCapture.NewTraceParent();

        // Act: accepted, then the socket lives on (the handshake span has ended by then).
        using var socket = await FirstMessageApp.ConnectAsync(app, configure: o => o.SetRequestHeader("traceparent", traceparent));
        var token = TestTokenValidator.Token("alice", time.GetUtcNow().AddHours(1));
        await FirstMessageApp.AuthenticateAsync(socket, token);
        var handshake = await traces.WaitForAsync(traceId, Handshake);
        var firstMessage = await traces.WaitForAsync(traceId, "wsauth.first_message");
        await WebSocketTestClient.SendTextAsync(socket, "still open");
        await WebSocketTestClient.ReceiveTextAsync(socket);

        // Assert
        Assert.Equal(handshake.SpanId, firstMessage.ParentSpanId);
        Assert.Equal("first-message", handshake.GetTagItem("wsauth.method"));
        Assert.Equal("authenticated", handshake.GetTagItem("wsauth.outcome"));
        Assert.Equal("authenticated", firstMessage.GetTagItem("wsauth.outcome"));
        Assert.Equal(ActivityStatusCode.Unset, firstMessage.Status);
        Assert.Equal(WebSocketState.Open, socket.State); // the handshake span ended before the endpoint: not as long as the socket
        AssertNoSecret(handshake, token, TestTokenValidator.Secret);
        AssertNoSecret(firstMessage, token, TestTokenValidator.Secret);
    }

    [Theory]
    [InlineData("invalid|" + TestTokenValidator.Secret, 4401, "invalid_credentials")]
    [InlineData("not json", 4400, "message_malformed")]
    public async Task RejectedFirstMessage_IsAnErrorSpan_WithTheCloseCode(string message, int code, string reason)
    {
        using var traces = new TraceCapture();
        var (app, _, _) = await FirstMessageApp.StartAsync();
        await using var _app = app;
        var (traceId, traceparent) = TraceCapture.NewTraceParent();

        using var socket = await FirstMessageApp.ConnectAsync(app, configure: o => o.SetRequestHeader("traceparent", traceparent));
        if (message.StartsWith("invalid", StringComparison.Ordinal))
        {
            await FirstMessageApp.SendAuthAsync(socket, message);
        }
        else
        {
            await WebSocketTestClient.SendTextAsync(socket, message);
        }

        var close = await FirstMessageApp.ReceiveCloseAsync(socket);
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None); // the server waits for it
        var firstMessage = await traces.WaitForAsync(traceId, "wsauth.first_message");
        var handshake = await traces.WaitForAsync(traceId, Handshake);

        Assert.Equal(code, close.Code);
        foreach (var span in new[] { firstMessage, handshake })
        {
            Assert.Equal("first-message", span.GetTagItem("wsauth.method"));
            Assert.Equal("rejected", span.GetTagItem("wsauth.outcome"));
            Assert.Equal(reason, span.GetTagItem("wsauth.reason"));
            Assert.Equal(code, span.GetTagItem("wsauth.close_code"));
            Assert.Equal(reason, span.GetTagItem("error.type"));
            Assert.Null(span.GetTagItem("http.response.status_code"));
            Assert.Equal(ActivityStatusCode.Error, span.Status);
            AssertNoSecret(span, TestTokenValidator.Secret);
        }
    }

    [Fact]
    public async Task Refresh_HasItsOwnSpanUnderTheRequest_RefreshedThenRejected()
    {
        // Arrange
        using var traces = new TraceCapture();
        var (app, time, _) = await FirstMessageApp.StartAsync();
        await using var _app = app;
        var (traceId, traceparent) = TraceCapture.NewTraceParent();
        using var socket = await FirstMessageApp.ConnectAsync(app, configure: o => o.SetRequestHeader("traceparent", traceparent));
        await FirstMessageApp.AuthenticateAsync(socket, TestTokenValidator.Token("alice", time.GetUtcNow().AddMinutes(1)));

        // Act: a good refresh, then one for another subject (4403).
        var refresh = TestTokenValidator.Token("alice", time.GetUtcNow().AddMinutes(2));
        await FirstMessageApp.SendRefreshAsync(socket, refresh);
        await FirstMessageApp.ReceiveJsonAsync(socket);
        var other = TestTokenValidator.Token("mallory", time.GetUtcNow().AddMinutes(2));
        await FirstMessageApp.SendRefreshAsync(socket, other);
        var close = await FirstMessageApp.ReceiveCloseAsync(socket);
        var refreshed = await traces.WaitForAsync(traceId, "wsauth.session.refresh", a => Equals(a.GetTagItem("wsauth.outcome"), "refreshed"));
        var rejected = await traces.WaitForAsync(traceId, "wsauth.session.refresh", a => Equals(a.GetTagItem("wsauth.outcome"), "rejected"));
        var request = await traces.WaitForAsync(traceId, "Microsoft.AspNetCore.Hosting.HttpRequestIn");

        // Assert
        Assert.Equal(4403, close.Code);
        Assert.Equal(request.SpanId, refreshed.ParentSpanId);
        Assert.Equal("first-message", refreshed.GetTagItem("wsauth.method"));
        Assert.Equal(ActivityStatusCode.Unset, refreshed.Status);
        Assert.Equal("subject_mismatch", rejected.GetTagItem("wsauth.reason"));
        Assert.Equal(4403, rejected.GetTagItem("wsauth.close_code"));
        Assert.Equal("subject_mismatch", rejected.GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Error, rejected.Status);
        foreach (var span in traces.In(traceId).Where(a => a.Source.Name == WebSocketAuthDefaults.ActivitySourceName))
        {
            AssertNoSecret(span, refresh, other, TestTokenValidator.Secret, "alice", "mallory");
        }
    }

    [Fact]
    [Trait("Matrix", "L2")]
    public async Task RefreshWhoseValidatorThrows_GivesTheExceptionTypeAsErrorType_NeverTheToken()
    {
        using var traces = new TraceCapture();
        var (app, time, _) = await FirstMessageApp.StartAsync();
        await using var _app = app;
        var (traceId, traceparent) = TraceCapture.NewTraceParent();
        using var socket = await FirstMessageApp.ConnectAsync(app, configure: o => o.SetRequestHeader("traceparent", traceparent));
        await FirstMessageApp.AuthenticateAsync(socket, TestTokenValidator.Token("alice", time.GetUtcNow().AddMinutes(1)));

        await FirstMessageApp.SendRefreshAsync(socket, "throw|" + TestTokenValidator.Secret);
        var close = await FirstMessageApp.ReceiveCloseAsync(socket);
        var span = await traces.WaitForAsync(traceId, "wsauth.session.refresh");

        Assert.Equal(1011, close.Code);
        Assert.Equal("rejected", span.GetTagItem("wsauth.outcome"));
        Assert.Equal("authenticator_error", span.GetTagItem("wsauth.reason"));
        Assert.Equal(1011, span.GetTagItem("wsauth.close_code"));
        Assert.Equal(typeof(InvalidOperationException).FullName, span.GetTagItem("error.type"));
        AssertNoSecret(span, TestTokenValidator.Secret);
    }

    /// <summary>Every text of a span a backend would store: tag values, event tags, status description, name.</summary>
    internal static IEnumerable<string> Texts(Activity activity)
        => activity.TagObjects.Select(t => t.Value?.ToString() ?? string.Empty)
            .Concat(activity.Events.SelectMany(e => e.Tags.Select(t => t.Value?.ToString() ?? string.Empty)))
            .Append(activity.StatusDescription ?? string.Empty)
            .Append(activity.DisplayName);

    internal static void AssertNoSecret(Activity activity, params string[] secrets)
    {
        var values = Texts(activity).ToList();
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(values, v => v.Contains(secret, StringComparison.Ordinal));
        }
    }
}
