using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using WsAuth.Internal;

namespace WsAuth.Tests.Sessions;

/// <summary>
/// <c>wsauth.session.end_reason</c>: what the session wrapper saw decides; without one, the socket's final state does,
/// and an orderly close whose initiator nobody saw is <c>closed</c>, never guessed.
/// </summary>
public class SessionEndReasonsTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Theory]
    [InlineData("expired", SessionEndReasons.Expired)]
    [InlineData("revoked", SessionEndReasons.Revoked)]
    [InlineData("invalid_credentials", SessionEndReasons.AuthenticationFailed)]
    [InlineData("subject_mismatch", SessionEndReasons.AuthenticationFailed)]
    [InlineData("message_malformed", SessionEndReasons.AuthenticationFailed)]
    public void ClosedByWsAuth_EndReasonFollowsTheCloseReason(string closeReason, string expected)
        => Assert.Equal(expected, SessionEndReasons.OfClose(closeReason));

    [Fact]
    public async Task WithoutSession_ClientCloseNotAnswered_IsClientClosed()
    {
        using var pair = new WebSocketPair();
        await pair.Client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, None);
        await pair.Server.ReceiveAsync(new byte[16], None);

        Assert.Equal(SessionEndReasons.ClientClosed, SessionEndReasons.Of(null, pair.Server, new DefaultHttpContext()));
    }

    [Fact]
    public async Task WithoutSession_ServerCloseNotAnswered_IsServerClosed()
    {
        using var pair = new WebSocketPair();
        await pair.Server.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, None);

        Assert.Equal(SessionEndReasons.ServerClosed, SessionEndReasons.Of(null, pair.Server, new DefaultHttpContext()));
    }

    [Fact]
    public async Task WithoutSession_BothCloseFrames_IsClosed()
    {
        using var pair = new WebSocketPair();
        await pair.Client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, None);
        await pair.Server.ReceiveAsync(new byte[16], None);
        await pair.Server.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, None);

        Assert.Equal(SessionEndReasons.Closed, SessionEndReasons.Of(null, pair.Server, new DefaultHttpContext()));
    }

    [Fact]
    public void WithoutSession_EndpointReturnedWithTheSocketOpen_IsServerClosed()
    {
        using var pair = new WebSocketPair();

        Assert.Equal(SessionEndReasons.ServerClosed, SessionEndReasons.Of(null, pair.Server, new DefaultHttpContext()));
    }

    [Theory]
    [InlineData(true, SessionEndReasons.ClientClosed)]
    [InlineData(false, SessionEndReasons.ServerClosed)]
    public void WithoutSession_Aborted_IsTheClientOnlyWhenTheRequestWasAborted(bool requestAborted, string expected)
    {
        using var pair = new WebSocketPair();
        pair.Server.Abort();
        using var aborted = new CancellationTokenSource();
        if (requestAborted)
        {
            aborted.Cancel();
        }

        Assert.Equal(expected, SessionEndReasons.Of(null, pair.Server, new DefaultHttpContext { RequestAborted = aborted.Token }));
    }

    [Fact]
    public async Task Session_ClientClosesFirst_IsClientClosed_EvenAfterTheEndpointAnswers()
    {
        using var harness = new SessionHarness();
        await harness.Client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, None);
        Assert.Equal(WebSocketMessageType.Close, (await harness.ServerReceiveAsync()).Type);
        await harness.Session.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, None);

        Assert.Equal(SessionEndReasons.ClientClosed, harness.Session.EndReason);
        Assert.Equal(SessionEndReasons.ClientClosed, SessionEndReasons.Of(harness.Session, harness.Session.Inner, harness.Context));
    }

    [Fact]
    public async Task Session_EndpointClosesFirst_IsServerClosed_EvenAfterTheClientAnswers()
    {
        using var harness = new SessionHarness();
        await harness.Session.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, None);
        Assert.Equal(WebSocketMessageType.Close, (await harness.ClientReceiveAsync()).Type);
        await harness.Client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, None);
        Assert.Equal(WebSocketMessageType.Close, (await harness.ServerReceiveAsync()).Type);

        Assert.Equal(SessionEndReasons.ServerClosed, harness.Session.EndReason);
    }

    [Fact]
    public async Task Session_ClosedByWsAuthAtExpiry_IsExpired()
    {
        using var harness = new SessionHarness(expiresAt: new DateTimeOffset(2030, 1, 1, 0, 1, 0, TimeSpan.Zero));
        harness.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(WebSocketMessageType.Close, (await harness.ClientReceiveAsync()).Type);

        Assert.Equal(SessionEndReasons.Expired, harness.Session.EndReason);
    }

    [Fact]
    public async Task Session_ClosedByAFailedRefresh_IsAuthenticationFailed()
    {
        using var harness = new SessionHarness();
        var receive = harness.ServerReceiveAsync();
        await harness.SendFromClientAsync(SessionHarness.Refresh("bad"));
        Assert.Equal(WebSocketMessageType.Close, (await harness.ClientReceiveAsync()).Type);
        Assert.Equal(WebSocketMessageType.Close, (await receive).Type);

        Assert.Equal(SessionEndReasons.AuthenticationFailed, harness.Session.EndReason);
    }
}
