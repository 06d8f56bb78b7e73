using System.Net;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WsAuth.Testing;

namespace WsAuth.FunctionalTests;

/// <summary>
/// First-message authentication (SECURITY-MATRIX F1-F3, D3): the endpoint runs only after a valid first message, and
/// every other first message closes the socket with its documented code. Each test also asserts the endpoint never ran.
/// </summary>
public class FirstMessageTests
{
    [Fact]
    public async Task ValidToken_IsAcknowledged_ThenTheEndpointRunsAsTheUser()
    {
        // Arrange
        var (app, time, _) = await FirstMessageApp.StartAsync();
        await using var _app = app;
        var expiresAt = time.GetUtcNow().AddMinutes(10);

        // Act
        using var socket = await FirstMessageApp.ConnectAsync(app);
        var (ack, welcome) = await FirstMessageApp.AuthenticateAsync(socket, TestTokenValidator.Token("alice", expiresAt));
        await WebSocketTestClient.SendTextAsync(socket, "hello");
        var echo = await WebSocketTestClient.ReceiveTextAsync(socket);

        // Assert
        Assert.Equal(HttpStatusCode.SwitchingProtocols, socket.HttpStatusCode);
        Assert.Equal("wsauth.authenticated", ack.GetProperty("type").GetString());
        Assert.Equal(expiresAt, DateTimeOffset.Parse(ack.GetProperty("expiresAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("alice", welcome.GetProperty("user").GetString());
        Assert.Equal(WebSocketAuthDefaults.FirstMessageMethod, welcome.GetProperty("method").GetString());
        Assert.Equal("hello", echo);
        Assert.Equal(1, app.EndpointInvocations);
    }

    [Fact]
    public async Task Acknowledgement_CanBeTurnedOff_ThenTheWelcomeComesFirst()
    {
        var (app, _, _) = await FirstMessageApp.StartAsync(firstMessage: o => o.SendAcknowledgement = false);
        await using var _app = app;
        using var socket = await FirstMessageApp.ConnectAsync(app);
        await FirstMessageApp.SendAuthAsync(socket, TestTokenValidator.Token("alice"));
        var first = await FirstMessageApp.ReceiveJsonAsync(socket);
        Assert.Equal("welcome", first.GetProperty("type").GetString());
    }

    [Fact]
    [Trait("Matrix", "F1")]
    public async Task NoMessage_IsClosedWith4408AtTheDeadline_AndTheEndpointNeverRuns()
    {
        var (app, time, _) = await FirstMessageApp.StartAsync();
        await using var _app = app;
        using var socket = await FirstMessageApp.ConnectAsync(app);

        time.Advance(TimeSpan.FromSeconds(4.9));
        var stillOpen = socket.State;
        time.Advance(TimeSpan.FromSeconds(0.1));

        Assert.Equal(WebSocketState.Open, stillOpen);
        await AssertClosedBeforeTheEndpointAsync(socket, app, 4408, WebSocketAuthFailureReasons.AuthenticationTimeout);
    }

    [Fact]
    [Trait("Matrix", "F1")]
    public async Task DeadlineFromConfiguration_IsUsed()
    {
        var (app, time, _) = await FirstMessageApp.StartAsync(services: s => s.Configure<WebSocketFirstMessageOptions>(_ => { }));
        await using var _app = app;
        await using var configured = await KestrelTestApp.StartAsync(
            b =>
            {
                b.Configuration["WsAuth:FirstMessage:Deadline"] = "00:00:02";
                b.Services.AddSingleton<TimeProvider>(time);
                b.Services.AddSingleton<IWebSocketTokenValidator, TestTokenValidator>();
                b.Services.AddWebSocketAuth(o => o.AllowedOrigins.Add(FirstMessageApp.AllowedOrigin)).AddFirstMessage();
            },
            (a, t) =>
            {
                a.UseWebSocketAuth();
                t.MapWelcomeEcho(a);
            });
        using var socket = await FirstMessageApp.ConnectAsync(configured);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(4408, (await FirstMessageApp.ReceiveCloseAsync(socket)).Code);
    }

    [Fact]
    [Trait("Matrix", "F1")]
    public async Task LateMessage_IsNotAccepted()
    {
        var (app, time, validator) = await FirstMessageApp.StartAsync();
        await using var _app = app;
        using var socket = await FirstMessageApp.ConnectAsync(app);

        time.Advance(TimeSpan.FromSeconds(5));
        try
        {
            await FirstMessageApp.SendAuthAsync(socket, TestTokenValidator.Token("alice"));
        }
        catch (WebSocketException)
        {
            // The server may already have ended the connection.
        }

        await AssertClosedBeforeTheEndpointAsync(socket, app, 4408, validator: validator);
    }

    [Fact]
    [Trait("Matrix", "F3")]
    public async Task SlowOneByteFragments_DoNotExtendTheDeadline()
    {
        var (app, time, _) = await FirstMessageApp.StartAsync();
        await using var _app = app;
        using var socket = await FirstMessageApp.ConnectAsync(app);
        var message = Encoding.UTF8.GetBytes($"{{\"type\":\"auth\",\"token\":\"{TestTokenValidator.Token("alice")}\"}}");

        // One byte a second, never the end of the message: wall time still runs out after 5 seconds.
        for (var i = 0; i < 5; i++)
        {
            await socket.SendAsync(message.AsMemory(i, 1), WebSocketMessageType.Text, endOfMessage: false, CancellationToken.None);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        await AssertClosedBeforeTheEndpointAsync(socket, app, 4408);
    }

    [Fact]
    [Trait("Matrix", "F3")]
    public async Task MessageOverTheSizeCap_IsClosedWith4400()
    {
        var (app, _, validator) = await FirstMessageApp.StartAsync();
        await using var _app = app;
        using var socket = await FirstMessageApp.ConnectAsync(app);
        var big = $"{{\"type\":\"auth\",\"token\":\"{TestTokenValidator.Token("alice")}{new string('x', 16 * 1024)}\"}}";

        await WebSocketTestClient.SendTextAsync(socket, big);

        await AssertClosedBeforeTheEndpointAsync(socket, app, 4400, WebSocketAuthFailureReasons.MessageTooLarge, validator);
    }

    [Fact]
    [Trait("Matrix", "F3")]
    public async Task TenMegabyteMessage_IsCutOffAtTheCap()
    {
        var (app, _, validator) = await FirstMessageApp.StartAsync();
        await using var _app = app;
        using var socket = await FirstMessageApp.ConnectAsync(app);
        var send = Task.Run(async () =>
        {
            try
            {
                var chunk = new byte[64 * 1024];
                Array.Fill(chunk, (byte)'a');
                for (var i = 0; i < 160; i++)
                {
                    await socket.SendAsync(chunk, WebSocketMessageType.Text, endOfMessage: false, CancellationToken.None);
                }
            }
            catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
            {
                // The server ended the connection while we were still sending: expected.
            }
        });

        // A client that keeps sending after the close frame is cut off (reset) after a bounded amount, so it may see
        // the reset before the frame; the server's log says why either way.
        (int Code, string? Reason)? close = null;
        try
        {
            close = await FirstMessageApp.ReceiveCloseAsync(socket);
        }
        catch (WebSocketException)
        {
        }

        socket.Abort();
        await send;

        Assert.True(close is null || close == (4400, WebSocketAuthFailureReasons.MessageTooLarge), $"closed with {close}");
        Assert.Contains(app.Logs.GetSnapshot(), e => e.Id.Name == "FirstMessageRejected" && e.StateValues.Contains("Reason=" + WebSocketAuthFailureReasons.MessageTooLarge));
        Assert.Equal(0, validator.Calls);
        Assert.Equal(0, app.EndpointInvocations);
    }

    [Theory]
    [InlineData("{\"type\":\"auth\",\"token\":")]
    [InlineData("not json")]
    [InlineData("{\"type\":\"auth\"}")]
    [InlineData("{\"type\":\"auth\",\"token\":\"\"}")]
    [InlineData("{\"type\":\"auth\",\"token\":42}")]
    [InlineData("{\"type\":\"auth\",\"token\":\"a\",\"token\":\"b\"}")]
    [InlineData("[\"auth\",\"token\"]")]
    [InlineData("{\"type\":\"auth\",\"token\":\"valid|alice||x\"} trailing")]
    [Trait("Matrix", "F2")]
    public async Task MalformedMessage_IsClosedWith4400(string message)
    {
        var (app, _, validator) = await FirstMessageApp.StartAsync();
        await using var _app = app;
        using var socket = await FirstMessageApp.ConnectAsync(app);

        await WebSocketTestClient.SendTextAsync(socket, message);

        await AssertClosedBeforeTheEndpointAsync(socket, app, 4400, WebSocketAuthFailureReasons.MessageMalformed, validator);
    }

    [Theory]
    [InlineData("hello")]
    [InlineData("refresh")]
    [InlineData("AUTH")]
    [Trait("Matrix", "F2")]
    public async Task WrongType_IsClosedWith4400(string type)
    {
        var (app, _, validator) = await FirstMessageApp.StartAsync();
        await using var _app = app;
        using var socket = await FirstMessageApp.ConnectAsync(app);

        await WebSocketTestClient.SendTextAsync(socket, System.Text.Json.JsonSerializer.Serialize(new { type, token = TestTokenValidator.Token("alice") }));

        await AssertClosedBeforeTheEndpointAsync(socket, app, 4400, validator: validator);
    }

    [Fact]
    [Trait("Matrix", "F2")]
    public async Task BinaryMessage_IsClosedWith4400()
    {
        var (app, _, validator) = await FirstMessageApp.StartAsync();
        await using var _app = app;
        using var socket = await FirstMessageApp.ConnectAsync(app);

        await socket.SendAsync(Encoding.UTF8.GetBytes($"{{\"type\":\"auth\",\"token\":\"{TestTokenValidator.Token("alice")}\"}}"), WebSocketMessageType.Binary, true, CancellationToken.None);

        await AssertClosedBeforeTheEndpointAsync(socket, app, 4400, WebSocketAuthFailureReasons.MessageMalformed, validator);
    }

    [Theory]
    [InlineData("invalid-token", WebSocketAuthFailureReasons.InvalidCredentials)]
    [InlineData("expired-token", WebSocketAuthFailureReasons.Expired)]
    [Trait("Matrix", "F2")]
    public async Task RejectedToken_IsClosedWith4401AndTheValidatorsReason(string token, string expectedReason)
    {
        var (app, _, validator) = await FirstMessageApp.StartAsync();
        await using var _app = app;
        using var socket = await FirstMessageApp.ConnectAsync(app);

        await FirstMessageApp.SendAuthAsync(socket, token);

        await AssertClosedBeforeTheEndpointAsync(socket, app, 4401, expectedReason, validator, validatorCalls: 1);
    }

    [Fact]
    public async Task ThrowingValidator_Closes1011_AndTheTokenIsNeverLogged()
    {
        var (app, _, _) = await FirstMessageApp.StartAsync();
        await using var _app = app;
        using var socket = await FirstMessageApp.ConnectAsync(app);

        await FirstMessageApp.SendAuthAsync(socket, "throw-" + TestTokenValidator.Secret);

        await AssertClosedBeforeTheEndpointAsync(socket, app, 1011, WebSocketAuthFailureReasons.AuthenticatorError);
        Assert.Contains(app.Logs.GetSnapshot(), e => e.Id.Name == "FirstMessageValidatorThrew");
        Assert.DoesNotContain(app.Logs.GetSnapshot(), e => e.AllText.Contains(TestTokenValidator.Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SlowValidator_IsCutOffByTheDeadline()
    {
        var (app, time, _) = await FirstMessageApp.StartAsync();
        await using var _app = app;
        using var socket = await FirstMessageApp.ConnectAsync(app);

        await FirstMessageApp.SendAuthAsync(socket, "slow");
        time.Advance(TimeSpan.FromSeconds(5));

        await AssertClosedBeforeTheEndpointAsync(socket, app, 4408);
    }

    [Fact]
    [Trait("Matrix", "L1")]
    public async Task SuccessfulAndFailedAttempts_NeverLogTheToken()
    {
        var (app, _, _) = await FirstMessageApp.StartAsync();
        await using var _app = app;
        using (var ok = await FirstMessageApp.ConnectAsync(app))
        {
            await FirstMessageApp.AuthenticateAsync(ok, TestTokenValidator.Token("alice"));
        }

        using (var bad = await FirstMessageApp.ConnectAsync(app))
        {
            await FirstMessageApp.SendAuthAsync(bad, "invalid-" + TestTokenValidator.Secret);
            await FirstMessageApp.ReceiveCloseAsync(bad);
        }

        Assert.Contains(app.Logs.GetSnapshot(), e => e.Id.Name == "FirstMessageRejected");
        Assert.DoesNotContain(app.Logs.GetSnapshot(), e => e.AllText.Contains(TestTokenValidator.Secret, StringComparison.Ordinal));
    }

    [Fact]
    [Trait("Matrix", "F1")]
    public async Task RejectedSocket_IsEndedAfterTheGracePeriod_WhenTheClientNeverAnswersTheCloseFrame()
    {
        // Raw socket: the server sends its close frame, lingers at most 2 seconds for the client's, then ends the
        // connection although this client never answers.
        var (app, time, _) = await FirstMessageApp.StartAsync();
        await using var _app = app;
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(app.HttpUri.Host, app.HttpUri.Port);
        var stream = client.GetStream();
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"GET /ws HTTP/1.1\r\nHost: {app.HttpUri.Authority}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {key}\r\nOrigin: {FirstMessageApp.AllowedOrigin}\r\n\r\n"));
        await stream.WriteAsync(RawFrames.Masked(0x1, "garbage"u8.ToArray()));

        // The 101 head, then the close frame.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var received = new MemoryStream();
        var buffer = new byte[4096];
        while (!HasCloseFrame(received.ToArray()))
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            Assert.NotEqual(0, read);
            received.Write(buffer, 0, read);
        }

        // Still lingering for our close frame: advance past the grace period, and the server ends the connection.
        time.Advance(TimeSpan.FromSeconds(2));
        try
        {
            while (await stream.ReadAsync(buffer, timeout.Token) > 0)
            {
                Assert.Fail("No data may follow the close frame.");
            }
        }
        catch (IOException)
        {
            // Aborted (a reset) rather than closed: ended either way.
        }

        var bytes = received.ToArray();
        var text = Encoding.Latin1.GetString(bytes);
        Assert.StartsWith("HTTP/1.1 101", text, StringComparison.Ordinal);
        var frame = bytes.AsSpan(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4);
        Assert.Equal(0x88, frame[0]); // FIN + close
        Assert.Equal(4400, (frame[2] << 8) | frame[3]);
        Assert.Equal(WebSocketAuthFailureReasons.MessageMalformed, Encoding.UTF8.GetString(frame[4..(2 + frame[1])]));
        Assert.Equal(0, app.EndpointInvocations);

        static bool HasCloseFrame(byte[] data)
        {
            var head = Encoding.Latin1.GetString(data).IndexOf("\r\n\r\n", StringComparison.Ordinal);
            return head >= 0 && data.Length >= head + 4 + 2 && data.Length >= head + 4 + 2 + data[head + 5];
        }
    }

    [Fact]
    public async Task HandshakeCredential_WinsOverFirstMessage_AndABadOneIsStillRefusedBeforeTheUpgrade()
    {
        var (app, _, _) = await FirstMessageApp.StartAsync();
        await using var _app = app;

        using var socket = await WebSocketTestClient.ConnectAsync(app.WebSocketUri(), FirstMessageApp.AllowedOrigin, o => o.SetRequestHeader(HeaderAuthenticator.Header, "bob"));
        var welcome = await FirstMessageApp.ReceiveJsonAsync(socket);
        var bad = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", FirstMessageApp.AllowedOrigin), (HeaderAuthenticator.Header, "bad")]);

        Assert.Equal("header", welcome.GetProperty("method").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, bad.Status);
        Assert.Equal(WebSocketAuthFailureReasons.InvalidCredentials, bad.Body);
    }

    [Fact]
    [Trait("Matrix", "O1")]
    public async Task ForeignOrigin_IsRefusedBeforeTheUpgrade()
    {
        var (app, _, _) = await FirstMessageApp.StartAsync();
        await using var _app = app;
        var response = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", "https://evil.test")]);
        Assert.Equal(HttpStatusCode.Forbidden, response.Status);
        Assert.Empty(response.HeaderValues("Sec-WebSocket-Accept"));
    }

    [Fact]
    public async Task EndpointPolicy_IsCheckedAfterTheFirstMessage_FailureCloses4403()
    {
        var (app, _, _) = await FirstMessageApp.StartAsync(map: (a, t) => a.Map("/admin", t.WelcomeEchoAsync).RequireWebSocketAuth("admins"));
        await using var _app = app;

        using var user = await FirstMessageApp.ConnectAsync(app, "/admin");
        await FirstMessageApp.SendAuthAsync(user, TestTokenValidator.Token("alice"));
        var (code, reason) = await FirstMessageApp.ReceiveCloseAsync(user);

        using var admin = await FirstMessageApp.ConnectAsync(app, "/admin");
        var (_, welcome) = await FirstMessageApp.AuthenticateAsync(admin, TestTokenValidator.Token("root"));

        Assert.Equal(4403, code);
        Assert.Equal(WebSocketAuthFailureReasons.Forbidden, reason);
        Assert.Equal("root", welcome.GetProperty("user").GetString());
        Assert.Equal(1, app.EndpointInvocations);
    }

    [Fact]
    public async Task OnAuthenticatedRejection_ClosesWith4000PlusTheStatus()
    {
        var (app, _, _) = await FirstMessageApp.StartAsync(o => o.Events.OnAuthenticated = ctx =>
        {
            if (ctx.Principal.Identity?.Name == "mallory")
            {
                ctx.Reject("banned");
            }

            return Task.CompletedTask;
        });
        await using var _app = app;
        using var socket = await FirstMessageApp.ConnectAsync(app);
        await FirstMessageApp.SendAuthAsync(socket, TestTokenValidator.Token("mallory"));
        await AssertClosedBeforeTheEndpointAsync(socket, app, 4403, "banned");
    }

    [Fact]
    public async Task CloseWithPolicyViolation_Sends1008WithoutAReason()
    {
        var (app, _, _) = await FirstMessageApp.StartAsync(o => o.CloseWithPolicyViolation = true);
        await using var _app = app;
        using var socket = await FirstMessageApp.ConnectAsync(app);
        await FirstMessageApp.SendAuthAsync(socket, "invalid");
        var (code, reason) = await FirstMessageApp.ReceiveCloseAsync(socket);
        Assert.Equal(1008, code);
        Assert.True(string.IsNullOrEmpty(reason));
    }

    [Fact]
    public async Task DeclaredSubprotocol_IsAnswered_AndTheEndpointMayAcceptWithIt()
    {
        var (app, _, _) = await FirstMessageApp.StartAsync(map: (a, t) =>
        {
            a.Map("/chat", async context =>
            {
                using var s = await context.WebSockets.AcceptWebSocketAsync("chat.v2");
                await s.SendAsync(Encoding.UTF8.GetBytes(s.SubProtocol ?? "none"), WebSocketMessageType.Text, true, CancellationToken.None);
                await s.ReceiveAsync(new byte[16], context.RequestAborted);
            }).WithWebSocketSubprotocols("chat.v2", "chat.v1");
        });
        await using var _app = app;

        using var socket = await FirstMessageApp.ConnectAsync(app, "/chat", o =>
        {
            o.AddSubProtocol("chat.v1");
            o.AddSubProtocol("chat.v2");
        });
        await FirstMessageApp.SendAuthAsync(socket, TestTokenValidator.Token("alice"));
        await FirstMessageApp.ReceiveJsonAsync(socket); // ack
        var seen = await WebSocketTestClient.ReceiveTextAsync(socket);

        Assert.Equal("chat.v2", socket.SubProtocol);
        Assert.Equal("chat.v2", seen);
    }

    [Fact]
    public async Task UndeclaredSubprotocol_IsNeverEchoed()
    {
        // An offered entry WsAuth cannot tell from a credential is not answered.
        var (app, _, _) = await FirstMessageApp.StartAsync();
        await using var _app = app;
        var response = await RawHandshake.SendAsync(app.HttpUri, "/ws", [("Origin", FirstMessageApp.AllowedOrigin), ("Sec-WebSocket-Protocol", "base64url.bearer.authorization.k8s.io.c2VjcmV0")]);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, response.Status);
        Assert.Empty(response.HeaderValues("Sec-WebSocket-Protocol"));
    }

    [Fact]
    public async Task NoTokenValidator_AppFailsToStartNamingTheFix()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => KestrelTestApp.StartAsync(
            b => b.Services.AddWebSocketAuth(o => o.AllowedOrigins.Add(FirstMessageApp.AllowedOrigin)).AddFirstMessage(),
            (a, t) => a.UseWebSocketAuth()));
        Assert.Contains("IWebSocketTokenValidator", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AddSingleton<IWebSocketTokenValidator", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("WsAuth:FirstMessage:Deadline", "00:00:00")]
    [InlineData("WsAuth:FirstMessage:Deadline", "soon")]
    [InlineData("WsAuth:FirstMessage:MaxMessageSize", "10")]
    [InlineData("WsAuth:FirstMessage:MaxPendingSockets", "0")]
    public async Task InvalidFirstMessageConfiguration_AppFailsToStartNamingTheKey(string key, string value)
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => KestrelTestApp.StartAsync(
            b =>
            {
                b.Configuration[key] = value;
                b.Services.AddSingleton<IWebSocketTokenValidator, TestTokenValidator>();
                b.Services.AddWebSocketAuth(o => o.AllowedOrigins.Add(FirstMessageApp.AllowedOrigin)).AddFirstMessage();
            },
            (a, t) => a.UseWebSocketAuth()));
        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Receives the server's close frame and asserts it: the code, the reason (when given), how often the validator ran
    /// (when given), and that the endpoint never ran.
    /// </summary>
    private static async Task AssertClosedBeforeTheEndpointAsync(
        WebSocket socket, KestrelTestApp app, int code, string? reason = null, TestTokenValidator? validator = null, int validatorCalls = 0)
    {
        var (actualCode, actualReason) = await FirstMessageApp.ReceiveCloseAsync(socket);
        Assert.Equal(code, actualCode);
        if (reason is not null)
        {
            Assert.Equal(reason, actualReason);
        }

        if (validator is not null)
        {
            Assert.Equal(validatorCalls, validator.Calls);
        }

        Assert.Equal(0, app.EndpointInvocations);
    }
}

/// <summary>Client frames for raw-socket tests (clients must mask).</summary>
internal static class RawFrames
{
    public static byte[] Masked(byte opcode, byte[] payload, bool fin = true)
    {
        if (payload.Length > 125)
        {
            throw new ArgumentOutOfRangeException(nameof(payload), "Small frames only.");
        }

        var mask = System.Security.Cryptography.RandomNumberGenerator.GetBytes(4);
        var frame = new byte[2 + 4 + payload.Length];
        frame[0] = (byte)((fin ? 0x80 : 0) | opcode);
        frame[1] = (byte)(0x80 | payload.Length);
        mask.CopyTo(frame, 2);
        for (var i = 0; i < payload.Length; i++)
        {
            frame[6 + i] = (byte)(payload[i] ^ mask[i % 4]);
        }

        return frame;
    }
}
