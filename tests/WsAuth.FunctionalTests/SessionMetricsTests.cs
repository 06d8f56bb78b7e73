using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using WsAuth.Testing;

namespace WsAuth.FunctionalTests;

/// <summary>
/// The session instruments of the <c>WsAuth</c> meter on real Kestrel (docs/observability.md): open sessions go up and
/// down by method, each end is timed with how it ended (client close, server close, expiry, failed refresh), refreshes
/// are counted by outcome and first messages are timed. The clock is the test's, so durations are exact.
/// </summary>
public class SessionMetricsTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task ClientClose_OpensThenEndsTheSession_WithItsDuration()
    {
        // Arrange
        var (app, time, _) = await FirstMessageApp.StartAsync();
        await using var _app = app;
        using var active = Collector<long>(app, "wsauth.sessions.active");
        using var duration = Collector<double>(app, "wsauth.session.duration");

        // Act: a header-authenticated socket, open for 10 s, closed by the client.
        using var socket = await WebSocketTestClient.ConnectAsync(app.WebSocketUri(), FirstMessageApp.AllowedOrigin, o => o.SetRequestHeader(HeaderAuthenticator.Header, "bob"));
        await FirstMessageApp.ReceiveJsonAsync(socket);
        await active.WaitForMeasurementsAsync(1, Wait);
        var opened = active.GetMeasurementSnapshot().Single();
        time.Advance(TimeSpan.FromSeconds(10));
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        await duration.WaitForMeasurementsAsync(1, Wait);
        await active.WaitForMeasurementsAsync(2, Wait);

        // Assert
        Assert.Equal(1, opened.Value);
        Assert.Equal("header", opened.Tags["wsauth.method"]);
        Assert.Equal(-1, active.LastMeasurement!.Value);
        Assert.Equal("header", active.LastMeasurement.Tags["wsauth.method"]);
        var ended = duration.LastMeasurement!;
        Assert.Equal(10, ended.Value);
        Assert.Equal("header", ended.Tags["wsauth.method"]);
        Assert.Equal("client_closed", ended.Tags["wsauth.session.end_reason"]);
    }

    [Fact]
    public async Task Expiry_EndsTheSessionAsExpired()
    {
        var (app, time, _) = await FirstMessageApp.StartAsync();
        await using var _app = app;
        using var active = Collector<long>(app, "wsauth.sessions.active");
        using var duration = Collector<double>(app, "wsauth.session.duration");
        using var socket = await FirstMessageApp.ConnectAsync(app);
        await FirstMessageApp.AuthenticateAsync(socket, TestTokenValidator.Token("alice", time.GetUtcNow().AddSeconds(60)));

        time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal((4401, "expired"), await FirstMessageApp.ReceiveCloseAsync(socket));
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        await duration.WaitForMeasurementsAsync(1, Wait);

        var ended = duration.LastMeasurement!;
        Assert.Equal(60, ended.Value);
        Assert.Equal("first-message", ended.Tags["wsauth.method"]);
        Assert.Equal("expired", ended.Tags["wsauth.session.end_reason"]);
        await active.WaitForMeasurementsAsync(2, Wait);
        Assert.Equal([1L, -1L], active.GetMeasurementSnapshot().Select(m => m.Value));
    }

    [Fact]
    public async Task EndpointCloses_EndsTheSessionAsServerClosed()
    {
        var (app, _, _) = await FirstMessageApp.StartAsync(map: (a, _) => a.Map("/bye", ByeAsync));
        await using var _app = app;
        using var duration = Collector<double>(app, "wsauth.session.duration");

        using var socket = await WebSocketTestClient.ConnectAsync(app.WebSocketUri("/bye"), FirstMessageApp.AllowedOrigin, o => o.SetRequestHeader(HeaderAuthenticator.Header, "bob"));
        Assert.Equal(WebSocketMessageType.Close, (await socket.ReceiveAsync(new byte[64], CancellationToken.None)).MessageType);
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        await duration.WaitForMeasurementsAsync(1, Wait);

        Assert.Equal("server_closed", duration.LastMeasurement!.Tags["wsauth.session.end_reason"]);
    }

    [Fact]
    public async Task SocketWithoutASession_IsCountedToo_AndAnOrderlyCloseEndsAsClosed()
    {
        // No validator, no expiry, no MaxSessionLength: no session wrapper, so who closed first is not observed.
        await using var app = await HandshakeApp.StartAsync();
        using var active = Collector<long>(app, "wsauth.sessions.active");
        using var duration = Collector<double>(app, "wsauth.session.duration");

        using var socket = await WebSocketTestClient.ConnectAsync(app.WebSocketUri(), HandshakeApp.AllowedOrigin, o => o.SetRequestHeader(HeaderAuthenticator.Header, "bob"));
        await FirstMessageApp.ReceiveJsonAsync(socket);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        await duration.WaitForMeasurementsAsync(1, Wait);
        await active.WaitForMeasurementsAsync(2, Wait);

        Assert.Equal("closed", duration.LastMeasurement!.Tags["wsauth.session.end_reason"]);
        Assert.Equal([1L, -1L], active.GetMeasurementSnapshot().Select(m => m.Value));
    }

    [Fact]
    public async Task Refreshes_AreCountedByOutcome_AndAFailedOneEndsTheSessionAsAuthenticationFailed()
    {
        // Arrange
        var (app, time, _) = await FirstMessageApp.StartAsync();
        await using var _app = app;
        using var refreshes = Collector<long>(app, "wsauth.session.refreshes");
        using var duration = Collector<double>(app, "wsauth.session.duration");
        using var socket = await FirstMessageApp.ConnectAsync(app);
        await FirstMessageApp.AuthenticateAsync(socket, TestTokenValidator.Token("alice", time.GetUtcNow().AddMinutes(1)));

        // Act: refreshed, then refused (another subject), which closes the session.
        await FirstMessageApp.SendRefreshAsync(socket, TestTokenValidator.Token("alice", time.GetUtcNow().AddMinutes(2)));
        await FirstMessageApp.ReceiveJsonAsync(socket);
        await FirstMessageApp.SendRefreshAsync(socket, TestTokenValidator.Token("mallory", time.GetUtcNow().AddMinutes(2)));
        Assert.Equal(4403, (await FirstMessageApp.ReceiveCloseAsync(socket)).Code);
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        await refreshes.WaitForMeasurementsAsync(2, Wait);
        await duration.WaitForMeasurementsAsync(1, Wait);

        // Assert
        var counted = refreshes.GetMeasurementSnapshot();
        Assert.Equal(2, counted.Count);
        Assert.True(counted[0].MatchesTags(Tag("wsauth.method", "first-message"), Tag("wsauth.outcome", "refreshed")));
        Assert.True(counted[1].MatchesTags(Tag("wsauth.method", "first-message"), Tag("wsauth.outcome", "rejected"), Tag("wsauth.reason", "subject_mismatch")));
        Assert.Equal("authentication_failed", duration.LastMeasurement!.Tags["wsauth.session.end_reason"]);
    }

    [Fact]
    public async Task FirstMessage_WaitIsTimed_ByOutcomeAndReason()
    {
        var (app, time, _) = await FirstMessageApp.StartAsync();
        await using var _app = app;
        using var wait = Collector<double>(app, "wsauth.first_message.duration");

        using (var good = await FirstMessageApp.ConnectAsync(app))
        {
            time.Advance(TimeSpan.FromSeconds(2));
            await FirstMessageApp.AuthenticateAsync(good, TestTokenValidator.Token("alice"));
            await wait.WaitForMeasurementsAsync(1, Wait);
        }

        using var bad = await FirstMessageApp.ConnectAsync(app);
        await FirstMessageApp.SendAuthAsync(bad, "invalid|" + TestTokenValidator.Secret);
        await FirstMessageApp.ReceiveCloseAsync(bad);
        await wait.WaitForMeasurementsAsync(2, Wait);

        var measurements = wait.GetMeasurementSnapshot();
        Assert.Equal(2, measurements[0].Value);
        Assert.True(measurements[0].MatchesTags(new KeyValuePair<string, object?>("wsauth.outcome", "authenticated")));
        Assert.False(measurements[0].Tags.ContainsKey("wsauth.reason"));
        Assert.True(measurements[1].MatchesTags(Tag("wsauth.outcome", "rejected"), Tag("wsauth.reason", "invalid_credentials")));
    }

    private static KeyValuePair<string, object?> Tag(string name, string value) => new(name, value);

    private static MetricCollector<T> Collector<T>(KestrelTestApp app, string instrument)
        where T : struct
        => new(app.App.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), WebSocketAuthDefaults.MeterName, instrument);

    private static async Task ByeAsync(HttpContext context)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", context.RequestAborted);
    }
}
