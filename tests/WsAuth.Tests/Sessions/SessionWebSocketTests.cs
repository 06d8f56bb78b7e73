using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace WsAuth.Tests.Sessions;

/// <summary>
/// The session wrapper over a real managed WebSocket pair in memory: refresh messages are consumed however they are
/// framed or buffered, application messages pass intact, control messages never interleave with the endpoint's sends,
/// and expiry closes the socket.
/// </summary>
public class SessionWebSocketTests
{
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static TheoryData<int, int> Framings => new()
    {
        { int.MaxValue, 4096 }, // one frame, a roomy buffer
        { 1, 4096 },            // one byte per frame
        { 7, 4096 },            // frames that split the prefix
        { int.MaxValue, 3 },    // a buffer smaller than the prefix
        { 1, 1 },               // both at once
        { 30, 10 },
    };

    [Theory]
    [MemberData(nameof(Framings))]
    public async Task RefreshMessage_IsConsumedAndAcknowledged_HoweverItIsFramedOrBuffered(int fragment, int bufferSize)
    {
        // Arrange
        using var h = new SessionHarness(expiresAt: Start.AddSeconds(60));
        var endpoint = h.ServerReceiveAsync(bufferSize);

        // Act
        await h.SendFromClientAsync(SessionHarness.Refresh(SessionHarness.Token("alice", Start.AddSeconds(120))), fragment);
        var ack = await h.ClientReceiveAsync();
        await h.SendFromClientAsync("next", fragment);
        var received = await endpoint;

        // Assert
        Assert.Equal("wsauth.refreshed", JsonDocument.Parse(ack.Text).RootElement.GetProperty("type").GetString());
        Assert.Equal((WebSocketMessageType.Text, "next"), received);
        Assert.Equal(Start.AddSeconds(120), h.Feature.ExpiresAt);
    }

    [Fact]
    public async Task RefreshInTinyFrames_AfterAMessageThatWasScreenedInPieces_IsStillConsumed()
    {
        // The first message starts like a JSON object and arrives in pieces: WsAuth holds it back to screen it for the
        // reserved namespace (its hold-back buffer grows past the refresh prefix's length), then passes it on. A refresh
        // whose first frame is shorter than the prefix must still be recognised with that larger buffer, never passed on.
        using var h = new SessionHarness(expiresAt: Start.AddSeconds(60));
        await h.SendFromClientAsync("{\"type\":\"chat\",\"text\":\"hi\"}", fragment: 3);
        Assert.Equal((WebSocketMessageType.Text, "{\"type\":\"chat\",\"text\":\"hi\"}"), await h.ServerReceiveAsync());

        var endpoint = h.ServerReceiveAsync();
        await h.SendFromClientAsync(SessionHarness.Refresh(SessionHarness.Token("alice", Start.AddSeconds(120))), fragment: 3);
        var ack = await h.ClientReceiveAsync();
        await h.SendFromClientAsync("next");

        Assert.Equal("wsauth.refreshed", JsonDocument.Parse(ack.Text).RootElement.GetProperty("type").GetString());
        Assert.Equal((WebSocketMessageType.Text, "next"), await endpoint);
        Assert.Equal(Start.AddSeconds(120), h.Feature.ExpiresAt);
    }

    public static TheoryData<string, int, int> LookAlikes()
    {
        var data = new TheoryData<string, int, int>();
        foreach (var text in new[] { "{", "{\"type\":\"re", "{\"type\":\"refresh\"}", "{\"type\":\"refresh\",\"tokens\":1}", "{\"type\":\"ready\",\"token\":\"x\"}", "{\"type\":\"refresh\" ,\"token\":\"x\"}", "plain text", "" })
        {
            data.Add(text, int.MaxValue, 4096);
            data.Add(text, 1, 4096);
            data.Add(text, 1, 1);
            data.Add(text, 5, 2);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(LookAlikes))]
    public async Task ApplicationMessage_ThatIsNotARefresh_ReachesTheEndpointIntact(string text, int fragment, int bufferSize)
    {
        using var h = new SessionHarness(expiresAt: Start.AddSeconds(60));
        var endpoint = h.ServerReceiveAsync(bufferSize);

        if (text.Length == 0)
        {
            await h.Client.SendAsync(ReadOnlyMemory<byte>.Empty, WebSocketMessageType.Text, true, CancellationToken.None);
        }
        else
        {
            await h.SendFromClientAsync(text, fragment);
        }

        Assert.Equal((WebSocketMessageType.Text, text), await endpoint);
        Assert.Equal(Start.AddSeconds(60), h.Feature.ExpiresAt);
    }

    [Fact]
    public async Task BinaryMessage_StartingWithThePrefix_PassesThrough()
    {
        using var h = new SessionHarness();
        var endpoint = h.ServerReceiveAsync();
        var bytes = SessionHarness.Refresh(SessionHarness.Token("alice", null));

        await h.Client.SendAsync(bytes, WebSocketMessageType.Binary, true, CancellationToken.None);

        var received = await endpoint;
        Assert.Equal(WebSocketMessageType.Binary, received.Type);
        Assert.Equal(Encoding.UTF8.GetString(bytes), received.Text);
    }

    [Fact]
    public async Task ConsumedRefresh_LeavesNoTokenBytesInTheEndpointsBuffer()
    {
        using var h = new SessionHarness();
        var buffer = new byte[4096];
        var token = SessionHarness.Token("alice", Start.AddHours(1));
        var receive = h.Session.ReceiveAsync(buffer.AsMemory(), CancellationToken.None).AsTask();

        await h.SendFromClientAsync(SessionHarness.Refresh(token));
        await h.ClientReceiveAsync(); // ack
        await h.SendFromClientAsync("x");
        var result = await receive;

        Assert.Equal(1, result.Count);
        Assert.DoesNotContain(Encoding.UTF8.GetString(buffer).TrimEnd('\0'), token, StringComparison.Ordinal);
        Assert.True(buffer.AsSpan(1).IndexOfAnyExcept((byte)0) < 0);
    }

    [Fact]
    public async Task RefreshForAnotherSubject_Closes4403_AndTheEndpointSeesTheClose()
    {
        using var h = new SessionHarness(expiresAt: Start.AddSeconds(60));
        var endpoint = h.ServerReceiveAsync();

        await h.SendFromClientAsync(SessionHarness.Refresh(SessionHarness.Token("mallory", Start.AddHours(1))));
        var clientSaw = await h.Client.ReceiveAsync(new byte[256], CancellationToken.None);
        await h.Client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        var received = await endpoint;

        Assert.Equal((WebSocketCloseStatus)4403, clientSaw.CloseStatus);
        Assert.Equal(WebSocketAuthFailureReasons.SubjectMismatch, clientSaw.CloseStatusDescription);
        Assert.Equal(WebSocketMessageType.Close, received.Type);
        Assert.Equal((WebSocketCloseStatus)4403, h.Session.CloseStatus);
        Assert.Equal("alice", h.Feature.User.FindFirst("sub")?.Value);
    }

    [Fact]
    public async Task ExpiryYearsAhead_IsAccepted_AndStillClosesWith4401WhenItComes()
    {
        // A long-lived cookie: the expiry is beyond the longest single timer wait (about 49 days).
        using var h = new SessionHarness(expiresAt: Start.AddYears(5));
        var endpoint = h.ServerReceiveAsync();

        h.Time.Advance(TimeSpan.FromDays(400));
        Assert.Equal(WebSocketState.Open, h.Session.State);
        for (var day = 0; day < 5 * 366 && h.Session.State == WebSocketState.Open; day++)
        {
            h.Time.Advance(TimeSpan.FromDays(1));
        }

        var clientSaw = await h.Client.ReceiveAsync(new byte[256], CancellationToken.None);
        await h.Client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        await endpoint;

        Assert.Equal((WebSocketCloseStatus)4401, clientSaw.CloseStatus);
        Assert.Equal("expired", clientSaw.CloseStatusDescription);
    }

    [Fact]
    public async Task Expiry_ClosesWith4401_AndAPendingEndpointReceiveSeesTheCloseWhenTheClientAnswers()
    {
        using var h = new SessionHarness(expiresAt: Start.AddSeconds(60));
        var endpoint = h.ServerReceiveAsync();

        h.Time.Advance(TimeSpan.FromSeconds(60));
        var clientSaw = await h.Client.ReceiveAsync(new byte[256], CancellationToken.None);
        await h.Client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        var received = await endpoint;

        Assert.Equal((WebSocketCloseStatus)4401, clientSaw.CloseStatus);
        Assert.Equal("expired", clientSaw.CloseStatusDescription);
        Assert.Equal(WebSocketMessageType.Close, received.Type);
        Assert.Equal(WebSocketState.Closed, h.Session.State);
    }

    [Fact]
    public async Task Expiry_WithASilentClient_EndsThePendingReceiveAfterTheGracePeriod()
    {
        using var h = new SessionHarness(expiresAt: Start.AddSeconds(60));
        var endpoint = h.ServerReceiveAsync();

        h.Time.Advance(TimeSpan.FromSeconds(60));
        await h.Client.ReceiveAsync(new byte[256], CancellationToken.None); // the close frame; no answer
        h.Time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(WebSocketMessageType.Close, (await endpoint).Type);
        Assert.Equal((WebSocketCloseStatus)4401, h.Session.CloseStatus);
    }

    [Fact]
    public async Task EndOfTheLinger_AfterTheRequestsContextWasReset_DoesNotThrowOnTheTimerThread()
    {
        // The linger's end runs on a timer: if the request has already finished and its context was reset, stopping
        // must not throw there (an exception on a timer thread takes the process down). FakeTimeProvider runs timer
        // callbacks inside Advance, so a throw would surface here.
        using var h = new SessionHarness(expiresAt: Start.AddSeconds(60));
        h.Time.Advance(TimeSpan.FromSeconds(60));
        await h.Client.ReceiveAsync(new byte[256], CancellationToken.None); // the close frame; no answer
        h.Context.Uninitialize();

        var advance = Record.Exception(() => h.Time.Advance(TimeSpan.FromSeconds(2)));

        Assert.Null(advance);
        Assert.Equal(WebSocketState.Closed, h.Session.State);
    }

    [Fact]
    public void ExpiryTimer_AfterTheRequestsContextWasReset_DoesNotThrowOnTheTimerThread()
    {
        // The expiry timer can fire while the request is finishing: whatever the session's evaluation throws then
        // (here the warning's log reads the reset context) must stay off the timer thread.
        using var h = new SessionHarness(o => o.ExpiryWarning = TimeSpan.FromSeconds(10), expiresAt: Start.AddSeconds(60));
        h.Context.Uninitialize();

        var advance = Record.Exception(() => h.Time.Advance(TimeSpan.FromSeconds(50)));

        Assert.Null(advance);
    }

    [Fact]
    public async Task MessagesArrivingAfterWsAuthClosed_NeverReachTheEndpoint()
    {
        using var h = new SessionHarness(expiresAt: Start.AddSeconds(60));
        h.Time.Advance(TimeSpan.FromSeconds(60));
        await h.Client.ReceiveAsync(new byte[256], CancellationToken.None); // the close frame

        var endpoint = h.ServerReceiveAsync();
        Assert.Equal(WebSocketMessageType.Close, (await endpoint).Type);
        await Assert.ThrowsAsync<WebSocketException>(() => h.Session.SendAsync(new byte[1], WebSocketMessageType.Text, true, CancellationToken.None));
        await h.Session.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None); // a no-op, no throw
    }

    [Fact]
    public async Task RefreshBeingValidatedAtExpiry_IsGivenTime_AndExtendsTheSession()
    {
        using var h = new SessionHarness(expiresAt: Start.AddSeconds(60));
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Validator.Gate = gate;
        var endpoint = h.ServerReceiveAsync();

        h.Time.Advance(TimeSpan.FromSeconds(59));
        await h.SendFromClientAsync(SessionHarness.Refresh(SessionHarness.Token("alice", Start.AddSeconds(300))));
        await h.Validator.Entered.Task;
        h.Time.Advance(TimeSpan.FromSeconds(2)); // expiry passes while the refresh is validated
        gate.SetResult();
        var ack = await h.ClientReceiveAsync();
        h.Time.Advance(TimeSpan.FromSeconds(60));
        await h.SendFromClientAsync("alive");

        Assert.Equal("wsauth.refreshed", JsonDocument.Parse(ack.Text).RootElement.GetProperty("type").GetString());
        Assert.Equal((WebSocketMessageType.Text, "alive"), await endpoint);
    }

    [Fact]
    public async Task RefreshThatNeverFinishesValidating_IsCutOffAfterTheGracePeriod()
    {
        using var h = new SessionHarness(expiresAt: Start.AddSeconds(60));
        h.Validator.Gate = new TaskCompletionSource(); // never completed
        _ = h.ServerReceiveAsync();

        await h.SendFromClientAsync(SessionHarness.Refresh(SessionHarness.Token("alice", Start.AddSeconds(300))));
        await h.Validator.Entered.Task;
        h.Time.Advance(TimeSpan.FromSeconds(60));
        h.Time.Advance(TimeSpan.FromSeconds(5));
        var clientSaw = await h.Client.ReceiveAsync(new byte[256], CancellationToken.None);

        Assert.Equal((WebSocketCloseStatus)4401, clientSaw.CloseStatus);
    }

    [Fact]
    public async Task SendWaitingForItsTurn_CanBeCancelled_AndTheTurnIsNotLost()
    {
        // One send is outstanding; a second waits for its turn and is cancelled while waiting. It must throw without
        // sending, and must neither keep nor lose the turn: the next send goes out once the first completes.
        using var h = new SessionHarness(expiresAt: Start.AddHours(1));
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Strict.HoldNextSend = release;
        var first = h.Session.SendAsync("first"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        await h.Strict.SendHeld.Task.WaitAsync(TimeSpan.FromSeconds(10));

        using var cancel = new CancellationTokenSource();
        var waiting = h.Session.SendAsync("never"u8.ToArray(), WebSocketMessageType.Text, true, cancel.Token);
        Assert.False(waiting.IsCompleted);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);

        release.SetResult();
        await first;
        await h.Session.SendAsync("third"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal((WebSocketMessageType.Text, "first"), await h.ClientReceiveAsync());
        Assert.Equal((WebSocketMessageType.Text, "third"), await h.ClientReceiveAsync());
        Assert.Equal(0, h.Strict.Violations);
    }

    [Fact]
    public async Task EndpointSendsAndControlMessages_FromManyTasks_NeverInterleave()
    {
        // Without serialization, a refresh acknowledgement sent from the receive side would collide with the endpoint's
        // fragmented sends (ManagedWebSocket allows one outstanding send) or land inside one of its messages.
        const int Messages = 300;
        const int Refreshes = 50;
        using var h = new SessionHarness(o => o.MaxRefreshesPerMinute = Refreshes, expiresAt: Start.AddHours(1)); // concurrency, not the refresh limit

        var sender = Task.Run(async () =>
        {
            for (var i = 0; i < Messages; i++)
            {
                await h.Session.SendAsync(Encoding.UTF8.GetBytes($"m{i}-a"), WebSocketMessageType.Text, false, CancellationToken.None);
                await h.Session.SendAsync(Encoding.UTF8.GetBytes("-b"), WebSocketMessageType.Text, true, CancellationToken.None);
            }
        });
        var receiver = Task.Run(async () =>
        {
            while ((await h.ServerReceiveAsync(8)).Text != "done")
            {
            }
        });
        var clientSends = Task.Run(async () =>
        {
            for (var i = 0; i < Refreshes; i++)
            {
                await h.SendFromClientAsync(SessionHarness.Refresh(SessionHarness.Token("alice", Start.AddHours(2).AddSeconds(i))), fragment: 9);
            }

            await h.SendFromClientAsync("done");
        });

        var appMessages = new List<string>();
        var acks = 0;
        while (appMessages.Count < Messages || acks < Refreshes)
        {
            var (type, text) = await h.ClientReceiveAsync();
            Assert.Equal(WebSocketMessageType.Text, type);
            if (text.StartsWith('{'))
            {
                Assert.Equal("wsauth.refreshed", JsonDocument.Parse(text).RootElement.GetProperty("type").GetString());
                acks++;
            }
            else
            {
                appMessages.Add(text);
            }
        }

        await Task.WhenAll(sender, receiver, clientSends);
        Assert.Equal(Enumerable.Range(0, Messages).Select(i => $"m{i}-a-b"), appMessages);
        Assert.Equal(Refreshes, acks);
        Assert.Equal(0, h.Strict.Violations);
    }

    [Fact]
    public async Task RefreshThatCannotMoveTheEnd_DoesNotWarnAgain()
    {
        // MaxSessionLength caps the session at 60 s. A refresh with a longer token is accepted but cannot move the end,
        // so warning again at once would only invite another refresh (a client in a loop).
        using var h = new SessionHarness(o => { o.ExpiryWarning = TimeSpan.FromSeconds(10); o.MaxSessionLength = TimeSpan.FromSeconds(60); }, expiresAt: Start.AddSeconds(3600));
        var endpoint = h.ServerReceiveAsync();

        h.Time.Advance(TimeSpan.FromSeconds(50));
        var warning = await h.ClientReceiveAsync();
        await h.SendFromClientAsync(SessionHarness.Refresh(SessionHarness.Token("alice", Start.AddSeconds(7200))));
        var ack = await h.ClientReceiveAsync();
        h.Time.Advance(TimeSpan.FromSeconds(10));
        var next = await h.ClientReceiveAsync();

        Assert.Equal("wsauth.expiring", JsonDocument.Parse(warning.Text).RootElement.GetProperty("type").GetString());
        Assert.Equal("wsauth.refreshed", JsonDocument.Parse(ack.Text).RootElement.GetProperty("type").GetString());
        Assert.Equal(WebSocketMessageType.Close, next.Type);
        Assert.Equal((WebSocketCloseStatus)4401, h.Client.CloseStatus);
    }

    [Fact]
    public async Task ControlMessage_DueWhileAnEndpointSendIsOutstanding_WaitsForIt()
    {
        // WebSocket allows one outstanding send: the warning must not reach the socket until the endpoint's send is done.
        using var h = new SessionHarness(o => o.ExpiryWarning = TimeSpan.FromSeconds(10), expiresAt: Start.AddSeconds(60));
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Strict.HoldNextSend = release;

        var endpointSend = h.Session.SendAsync("app"u8.ToArray().AsMemory(), WebSocketMessageType.Text, true, CancellationToken.None).AsTask();
        await h.Strict.SendHeld.Task;
        h.Time.Advance(TimeSpan.FromSeconds(50)); // the warning falls due now, on this thread
        var violationsWhileHeld = h.Strict.Violations;
        release.SetResult();
        await endpointSend;

        Assert.Equal(0, violationsWhileHeld);
        Assert.Equal("app", (await h.ClientReceiveAsync()).Text);
        Assert.Equal("wsauth.expiring", JsonDocument.Parse((await h.ClientReceiveAsync()).Text).RootElement.GetProperty("type").GetString());
        Assert.Equal(0, h.Strict.Violations);
    }

    [Fact]
    public async Task ExpiryWarning_DueDuringAFragmentedSend_WaitsForTheMessagesEnd()
    {
        using var h = new SessionHarness(o => o.ExpiryWarning = TimeSpan.FromSeconds(10), expiresAt: Start.AddSeconds(60));

        await h.Session.SendAsync("first-"u8.ToArray(), WebSocketMessageType.Text, false, CancellationToken.None);
        h.Time.Advance(TimeSpan.FromSeconds(50));
        await h.Session.SendAsync("half"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);

        Assert.Equal("first-half", (await h.ClientReceiveAsync()).Text);
        Assert.Equal("wsauth.expiring", JsonDocument.Parse((await h.ClientReceiveAsync()).Text).RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public void Dispose_ReleasesTheSessionTimer()
    {
        var h = new SessionHarness(expiresAt: Start.AddSeconds(60));
        var during = h.Time.ActiveTimers;
        h.Dispose();
        Assert.Equal(1, during);
        Assert.Equal(0, h.Time.ActiveTimers);
    }

    [Fact]
    public async Task RefreshOff_RefreshMessagesReachTheEndpoint()
    {
        using var h = new SessionHarness(o => o.MaxSessionLength = TimeSpan.FromHours(1), refresh: false);
        var endpoint = h.ServerReceiveAsync();
        var refresh = Encoding.UTF8.GetString(SessionHarness.Refresh(SessionHarness.Token("alice", null)));

        await h.SendFromClientAsync(refresh);

        Assert.Equal((WebSocketMessageType.Text, refresh), await endpoint);
    }
}
