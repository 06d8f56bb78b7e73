using System.Net.WebSockets;
using System.Runtime.CompilerServices;

namespace WsAuth.Internal;

/// <summary>
/// Send: the endpoint's sends and WsAuth's control messages take turns on one lock (WebSocket allows one outstanding
/// send); a control message waits for the end of a fragmented application message. WsAuth's own close goes out here too.
/// </summary>
internal sealed partial class SessionWebSocket
{
    public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
        => SendAsync(buffer.AsMemory(), messageType, endOfMessage ? WebSocketMessageFlags.EndOfMessage : WebSocketMessageFlags.None, cancellationToken).AsTask();

    public override ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
        => SendAsync(buffer, messageType, endOfMessage ? WebSocketMessageFlags.EndOfMessage : WebSocketMessageFlags.None, cancellationToken);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, WebSocketMessageFlags messageFlags, CancellationToken cancellationToken)
    {
        await EnterSendAsync(cancellationToken);
        try
        {
            ThrowIfClosedByWsAuth();
            await _inner.SendAsync(buffer, messageType, messageFlags, cancellationToken);
            _sendingMessage = (messageFlags & WebSocketMessageFlags.EndOfMessage) == 0;
            if (!_sendingMessage && _extras?.PendingControl is { Count: > 0 })
            {
                await FlushPendingControlAsync();
            }
        }
        finally
        {
            ExitSend();
        }
    }

    private async Task SendControlAsync(byte[] message)
    {
        try
        {
            await EnterSendAsync(StopToken);
            try
            {
                if (_closedBy is not null || _inner.State != WebSocketState.Open)
                {
                    return;
                }

                if (_sendingMessage)
                {
                    (More.PendingControl ??= new Queue<byte[]>(2)).Enqueue(message); // sent when the endpoint's message ends
                    return;
                }

                await _inner.SendAsync(message, WebSocketMessageType.Text, WebSocketMessageFlags.EndOfMessage, StopToken);
            }
            finally
            {
                ExitSend();
            }
        }
        catch (Exception ex) when (IsConnectionFailure(ex))
        {
            Log.ControlSendFailed(_settings.Logger, ex.GetType().FullName, _http.TraceIdentifier);
        }
    }

    private async Task FlushPendingControlAsync()
    {
        var pending = More.PendingControl!;
        while (pending.TryDequeue(out var message))
        {
            try
            {
                await _inner.SendAsync(message, WebSocketMessageType.Text, WebSocketMessageFlags.EndOfMessage, StopToken);
            }
            catch (Exception ex) when (IsConnectionFailure(ex))
            {
                Log.ControlSendFailed(_settings.Logger, ex.GetType().FullName, _http.TraceIdentifier);
                pending.Clear();
                return;
            }
        }
    }

    private void ThrowIfClosedByWsAuth()
    {
        if (_closedBy is { } closed)
        {
            throw new WebSocketException(WebSocketError.InvalidState, $"WsAuth closed the WebSocket session ({closed.Code} {closed.Reason}).");
        }
    }


    /// <summary>
    /// Closes the session from WsAuth's side: sends the close frame without waiting for the client's, then ends a pending
    /// receive so that endpoint code sees the close. If the frame cannot be sent in time, the connection is aborted.
    /// </summary>
    private async Task CloseAsync(int code, string reason)
    {
        var (status, description) = CloseCodes.Resolve(code, reason, _settings.CloseWithPolicyViolation);
        var closed = new CloseInfo(code, reason, status, description);
        lock (_gate)
        {
            if (_closedBy is not null || _ended)
            {
                return;
            }

            _closedBy = closed;
            _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        _settings.Metrics.SessionClosed(reason);
        Log.SessionClosed(_settings.Logger, code, reason, _feature.Method, _http.TraceIdentifier);
        var sent = false;
        try
        {
            using var timeout = new CancellationTokenSource(CloseSendTimeout, _settings.Time);
            await EnterSendAsync(timeout.Token);
            try
            {
                if (_inner.State is WebSocketState.Open or WebSocketState.CloseReceived)
                {
                    await _inner.CloseOutputAsync(status, description, timeout.Token);
                }

                sent = true;
            }
            finally
            {
                ExitSend();
            }
        }
        catch (Exception ex) when (IsConnectionFailure(ex))
        {
            Log.ControlSendFailed(_settings.Logger, ex.GetType().FullName, _http.TraceIdentifier);
        }
        finally
        {
            if (sent)
            {
                // Linger for the client's close frame (a pending receive sees it); stop waiting when the grace period ends.
                Interlocked.Exchange(ref More.Grace, WebSocketCloser.LingerThenStop(static s => ((SessionWebSocket)s!).StopAfterLinger(), this, _settings.Time))?.Dispose();
            }
            else
            {
                Stop();
                _http.Abort();
            }

            closed.Sent.TrySetResult();
        }
    }
}
