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

    /// <summary>
    /// The endpoint's receive. The common case (a binary message, the rest of a message, or a text message that is neither
    /// a refresh nor in WsAuth's control namespace) is one read of the inner socket into the caller's buffer and one
    /// small continuation while it waits: an idle socket holds no more than that. Everything else goes through
    /// <see cref="ReceiveSlowAsync"/>.
    /// </summary>
    public override ValueTask<ValueWebSocketReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (_closedBy is not null || HasStash)
        {
            return ReceiveSlowAsync(buffer, first: null, cancellationToken);
        }

        ValueTask<ValueWebSocketReceiveResult> pending;
        try
        {
            pending = _inner.ReceiveAsync(buffer, cancellationToken);
        }
        catch (Exception) when (IsEndedByWsAuth(cancellationToken))
        {
            return ReceiveSlowAsync(buffer, first: null, cancellationToken); // WsAuth stopped the socket: a Close
        }

        if (!pending.IsCompletedSuccessfully)
        {
            return AwaitReceiveAsync(pending, buffer, cancellationToken);
        }

        var result = pending.Result;
        return TryPassThrough(buffer.Span, result, out var passed)
            ? new ValueTask<ValueWebSocketReceiveResult>(passed)
            : ReceiveSlowAsync(buffer, result, cancellationToken);
    }

    /// <summary>The wait of a pass-through receive: the only state an idle socket's session keeps beyond its own fields.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ValueWebSocketReceiveResult> AwaitReceiveAsync(ValueTask<ValueWebSocketReceiveResult> pending, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        ValueWebSocketReceiveResult? result;
        try
        {
            result = await pending;
        }
        catch (Exception) when (IsEndedByWsAuth(cancellationToken))
        {
            result = null; // WsAuth stopped the socket: the slow path answers with a Close
        }

        return result is { } read && TryPassThrough(buffer.Span, read, out var passed)
            ? passed
            : await ReceiveSlowAsync(buffer, result, cancellationToken);
    }

    /// <summary>
    /// True when <paramref name="result"/> goes to endpoint code as it is: the session is open and the read is not the
    /// start of a text message that may be a refresh or a reserved <c>wsauth.</c> message. Tracks the message state.
    /// </summary>
    private bool TryPassThrough(ReadOnlySpan<byte> buffer, ValueWebSocketReceiveResult result, out ValueWebSocketReceiveResult passed)
    {
        passed = result;
        if (_closedBy is not null)
        {
            return false;
        }

        if (!_inMessage && result.MessageType == WebSocketMessageType.Text && _controlMessages)
        {
            var first = buffer[..result.Count];
            if (Prefix is { } prefix
                && (first.StartsWith(prefix) || (first.Length < prefix.Length && !result.EndOfMessage && prefix.AsSpan().StartsWith(first))))
            {
                return false;
            }

            if (result.EndOfMessage ? ReservedControlMessages.IsReserved(first) : ReservedControlMessages.MayStartOne(first))
            {
                return false;
            }
        }

        passed = Track(result);
        return true;
    }

    /// <summary>
    /// Every receive that is not a plain pass-through: after WsAuth closed the session, a replay of held-back bytes, a
    /// refresh, a message that must be screened. <paramref name="first"/> is a read already made, to be handled first.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ValueWebSocketReceiveResult> ReceiveSlowAsync(Memory<byte> buffer, ValueWebSocketReceiveResult? first, CancellationToken cancellationToken)
    {
        while (true)
        {
            ValueWebSocketReceiveResult result;
            if (first is { } given)
            {
                result = given;
                first = null;
            }
            else
            {
                if (_closedBy is { } closed)
                {
                    await closed.Sent.Task; // the close frame is out before endpoint code can return and end the connection
                    return ClosedResult;
                }

                if (HasStash)
                {
                    return Replay(buffer.Span);
                }

                result = await ReceiveInnerAsync(buffer, cancellationToken);
            }

            if (_closedBy is not null)
            {
                continue; // nothing that arrives after WsAuth closed the session reaches endpoint code
            }

            if (_inMessage || result.MessageType != WebSocketMessageType.Text)
            {
                return Track(result);
            }

            var prefix = Prefix;
            if (prefix is null)
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
            var stash = EnsureStash(prefix.Length);
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

            if (length == prefix.Length && stash.AsSpan(0, length).SequenceEqual(prefix))
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
        var extras = More;
        var count = Math.Min(destination.Length, extras.StashLength - extras.StashOffset);
        extras.Stash.AsSpan(extras.StashOffset, count).CopyTo(destination);
        extras.StashOffset += count;
        var endOfMessage = false;
        if (extras.StashOffset == extras.StashLength)
        {
            endOfMessage = extras.StashEndOfMessage;
            extras.StashOffset = extras.StashLength = 0;
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

    /// <summary>
    /// One read of the inner socket with the caller's token, as endpoint code would make it (cancelling it aborts the
    /// socket). Once WsAuth has closed the session, a read that fails because WsAuth stopped the socket is a Close.
    /// </summary>
    private ValueTask<ValueWebSocketReceiveResult> ReceiveInnerAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        ValueTask<ValueWebSocketReceiveResult> pending;
        try
        {
            pending = _inner.ReceiveAsync(buffer, cancellationToken);
        }
        catch (Exception) when (IsEndedByWsAuth(cancellationToken))
        {
            return new ValueTask<ValueWebSocketReceiveResult>(ClosedResult);
        }

        return pending.IsCompletedSuccessfully ? pending : AwaitInnerAsync(pending, cancellationToken);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ValueWebSocketReceiveResult> AwaitInnerAsync(ValueTask<ValueWebSocketReceiveResult> pending, CancellationToken cancellationToken)
    {
        try
        {
            return await pending;
        }
        catch (Exception) when (IsEndedByWsAuth(cancellationToken))
        {
            return ClosedResult;
        }
    }
}
