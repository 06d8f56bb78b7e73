using System.Net.WebSockets;
using System.Runtime.CompilerServices;

namespace WsAuth.Internal;

/// <summary>Send: the endpoint's sends and WsAuth's control messages take turns on one lock; WsAuth's own close.</summary>
internal sealed partial class SessionWebSocket
{
    private static readonly TimeSpan CloseSendTimeout = TimeSpan.FromSeconds(2);

    public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
        => SendAsync(buffer.AsMemory(), messageType, endOfMessage ? WebSocketMessageFlags.EndOfMessage : WebSocketMessageFlags.None, cancellationToken).AsTask();

    public override ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
        => SendAsync(buffer, messageType, endOfMessage ? WebSocketMessageFlags.EndOfMessage : WebSocketMessageFlags.None, cancellationToken);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, WebSocketMessageFlags messageFlags, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            ThrowIfClosedByWsAuth();
            await _inner.SendAsync(buffer, messageType, messageFlags, cancellationToken);
            _sendingMessage = (messageFlags & WebSocketMessageFlags.EndOfMessage) == 0;
            if (!_sendingMessage && _pendingControl is { Count: > 0 })
            {
                await FlushPendingControlAsync();
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task SendControlAsync(byte[] message)
    {
        try
        {
            await _sendLock.WaitAsync(_stop.Token);
            try
            {
                if (_closedBy is not null || _inner.State != WebSocketState.Open)
                {
                    return;
                }

                if (_sendingMessage)
                {
                    (_pendingControl ??= new Queue<byte[]>(2)).Enqueue(message); // sent when the endpoint's message ends
                    return;
                }

                await _inner.SendAsync(message, WebSocketMessageType.Text, WebSocketMessageFlags.EndOfMessage, _stop.Token);
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (Exception ex) when (IsConnectionFailure(ex))
        {
            Log.ControlSendFailed(_settings.Logger, ex.GetType().FullName, _http.TraceIdentifier);
        }
    }

    private async Task FlushPendingControlAsync()
    {
        while (_pendingControl!.TryDequeue(out var message))
        {
            try
            {
                await _inner.SendAsync(message, WebSocketMessageType.Text, WebSocketMessageFlags.EndOfMessage, _stop.Token);
            }
            catch (Exception ex) when (IsConnectionFailure(ex))
            {
                Log.ControlSendFailed(_settings.Logger, ex.GetType().FullName, _http.TraceIdentifier);
                _pendingControl.Clear();
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
    /// The endpoint closes (<see cref="CloseAsync(WebSocketCloseStatus, string?, CancellationToken)"/> or, with
    /// <paramref name="outputOnly"/>, <see cref="CloseOutputAsync"/>): done on the send lock; nothing once WsAuth closed.
    /// </summary>
    private async Task CloseByEndpointAsync(WebSocketCloseStatus closeStatus, string? statusDescription, bool outputOnly, CancellationToken cancellationToken)
    {
        StopTimer();
        if (_closedBy is not null)
        {
            return;
        }

        Interlocked.CompareExchange(ref _initiator, InitiatorServer, 0);

        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            if (_closedBy is null)
            {
                await (outputOnly
                    ? _inner.CloseOutputAsync(closeStatus, statusDescription, cancellationToken)
                    : _inner.CloseAsync(closeStatus, statusDescription, cancellationToken));
            }
        }
        finally
        {
            _sendLock.Release();
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
            await _sendLock.WaitAsync(timeout.Token);
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
                _sendLock.Release();
            }
        }
        catch (Exception ex) when (IsConnectionFailure(ex))
        {
            Log.ControlSendFailed(_settings.Logger, ex.GetType().FullName, _http.TraceIdentifier);
        }
        finally
        {
            // Linger for the client's close frame (a pending receive sees it); stop waiting when the grace period ends.
            if (WebSocketCloser.Linger(sent, _stop, _settings.Time) is { } grace)
            {
                Interlocked.Exchange(ref _grace, grace)?.Dispose();
            }
            else
            {
                _inner.Abort();
                _http.Abort();
            }

            closed.Sent.TrySetResult();
        }
    }

    private static bool IsConnectionFailure(Exception ex) => WebSocketCloser.IsConnectionFailure(ex);

    private sealed class CloseInfo(int code, string reason, WebSocketCloseStatus status, string? description)
    {
        public int Code { get; } = code;

        public string Reason { get; } = reason;

        public WebSocketCloseStatus Status { get; } = status;

        public string? Description { get; } = description;

        public TaskCompletionSource Sent { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
