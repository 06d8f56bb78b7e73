using System.Net.WebSockets;
using System.Runtime.CompilerServices;

namespace WsAuth.Internal;

/// <summary>
/// Receive: application messages pass through into the caller's buffer with no copy; a text message starting with the
/// refresh prefix is taken out (see <c>SessionWebSocket.Refresh.cs</c>); a first read shorter than the prefix is held
/// back until it can be told apart, then replayed.
/// </summary>
internal sealed partial class SessionWebSocket
{
    public override async Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken)
    {
        var result = await ReceiveAsync(buffer.AsMemory(), cancellationToken);
        return result.MessageType == WebSocketMessageType.Close
            ? new WebSocketReceiveResult(result.Count, result.MessageType, result.EndOfMessage, CloseStatus, CloseStatusDescription)
            : new WebSocketReceiveResult(result.Count, result.MessageType, result.EndOfMessage);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<ValueWebSocketReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_closedBy is { } closed)
            {
                await closed.Sent.Task; // the close frame is out before endpoint code can return and end the connection
                return ClosedResult;
            }

            if (_stashOffset < _stashLength)
            {
                return Replay(buffer.Span);
            }

            var result = await ReceiveInnerAsync(buffer, cancellationToken);
            if (_closedBy is not null)
            {
                continue; // nothing that arrives after WsAuth closed the session reaches endpoint code
            }

            if (_inMessage || result.MessageType != WebSocketMessageType.Text)
            {
                return Track(result);
            }

            if (_prefix is null)
            {
                if (!_controlMessages)
                {
                    return Track(result);
                }

                if (await ScreenAsync(buffer, result, cancellationToken) is { } passed)
                {
                    return Track(passed);
                }

                continue;
            }

            var prefix = _prefix;
            if (result.Count >= prefix.Length)
            {
                if (!buffer.Span[..result.Count].StartsWith(prefix))
                {
                    if (await ScreenAsync(buffer, result, cancellationToken) is { } passed)
                    {
                        return Track(passed);
                    }

                    continue;
                }

                if (await ConsumeRefreshAsync(buffer[..result.Count], result.EndOfMessage, cancellationToken) is { } peerClose)
                {
                    return Track(peerClose);
                }

                continue;
            }

            if (result.EndOfMessage || !prefix.AsSpan().StartsWith(buffer.Span[..result.Count]))
            {
                if (await ScreenAsync(buffer, result, cancellationToken) is { } passed)
                {
                    return Track(passed);
                }

                continue;
            }

            // A text message whose first bytes match the prefix but are fewer than it: read just enough to decide.
            var stash = _stash ??= new byte[prefix.Length];
            buffer.Span[..result.Count].CopyTo(stash);
            var length = result.Count;
            var endOfMessage = false;
            while (length < prefix.Length && !endOfMessage)
            {
                var more = await ReceiveInnerAsync(stash.AsMemory(length, prefix.Length - length), cancellationToken);
                if (more.MessageType == WebSocketMessageType.Close || _closedBy is not null)
                {
                    return _closedBy is null ? Track(more) : ClosedResult; // the unfinished message is dropped with the connection
                }

                length += more.Count;
                endOfMessage = more.EndOfMessage;
                if (!prefix.AsSpan().StartsWith(stash.AsSpan(0, length)))
                {
                    break;
                }
            }

            if (length == prefix.Length && stash.AsSpan().SequenceEqual(prefix))
            {
                if (await ConsumeRefreshAsync(stash.AsMemory(0, length), endOfMessage, cancellationToken) is { } peerClose)
                {
                    return Track(peerClose);
                }

                continue;
            }

            if (await ScreenStashAsync(length, endOfMessage, cancellationToken) is { } peerClosed)
            {
                return Track(peerClosed);
            }
        }
    }

    private ValueWebSocketReceiveResult Replay(Span<byte> destination)
    {
        var count = Math.Min(destination.Length, _stashLength - _stashOffset);
        _stash.AsSpan(_stashOffset, count).CopyTo(destination);
        _stashOffset += count;
        var endOfMessage = false;
        if (_stashOffset == _stashLength)
        {
            endOfMessage = _stashEndOfMessage;
            _stashOffset = _stashLength = 0;
        }

        _inMessage = !endOfMessage;
        return new ValueWebSocketReceiveResult(count, WebSocketMessageType.Text, endOfMessage);
    }

    private ValueWebSocketReceiveResult Track(ValueWebSocketReceiveResult result)
    {
        if (result.MessageType == WebSocketMessageType.Close)
        {
            Interlocked.CompareExchange(ref _initiator, InitiatorClient, 0);
        }

        _inMessage = result.MessageType != WebSocketMessageType.Close && !result.EndOfMessage;
        return result;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ValueWebSocketReceiveResult> ReceiveInnerAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        // One token reaches the inner socket: the session's. The caller's cancels it too (as the inner socket would abort).
        var registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static s => ((SessionWebSocket)s!).CancelStop(), this)
            : default;
        try
        {
            return await _inner.ReceiveAsync(buffer, _stop.Token);
        }
        catch (Exception) when (_closedBy is not null && !cancellationToken.IsCancellationRequested)
        {
            return ClosedResult;
        }
        catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(ex.Message, ex, cancellationToken);
        }
        finally
        {
            registration.Dispose();
        }
    }
}
