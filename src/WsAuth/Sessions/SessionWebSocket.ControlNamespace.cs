using System.Net.WebSockets;

namespace WsAuth.Internal;

internal sealed partial class SessionWebSocket
{
    /// <summary>
    /// Screens the start of a text message that is not a refresh: a message in WsAuth's control namespace closes the
    /// socket with 4400 <c>reserved_message_type</c> and never reaches endpoint code. Returns the result to hand to
    /// endpoint code unchanged, or null when the caller must loop (the message was stashed for replay, or the socket
    /// was closed). A message complete in its first read is checked in place; one that may begin such a message and
    /// continues is read on, up to <see cref="ReservedControlMessages.ScanLimit"/>, and replayed.
    /// </summary>
    private async ValueTask<ValueWebSocketReceiveResult?> ScreenAsync(Memory<byte> buffer, ValueWebSocketReceiveResult result, CancellationToken cancellationToken)
    {
        var first = buffer.Span[..result.Count];
        if (result.EndOfMessage)
        {
            if (!ReservedControlMessages.IsReserved(first))
            {
                return result;
            }

            first.Clear();
            await RefuseReservedAsync();
            return null;
        }

        if (!ReservedControlMessages.MayStartOne(first))
        {
            return result;
        }

        var stash = EnsureStash(ReservedControlMessages.ScanLimit);
        first.CopyTo(stash);
        return await ScreenStashAsync(result.Count, endOfMessage: false, cancellationToken);
    }

    /// <summary>
    /// Screens a message start held in the stash: reads on until its end or the scan limit, then either refuses it or
    /// leaves it stashed for replay. Returns a Close result if the peer closed meanwhile, else null.
    /// </summary>
    private async ValueTask<ValueWebSocketReceiveResult?> ScreenStashAsync(int length, bool endOfMessage, CancellationToken cancellationToken)
    {
        var stash = EnsureStash(ReservedControlMessages.ScanLimit);
        while (!endOfMessage && length < ReservedControlMessages.ScanLimit)
        {
            var more = await ReceiveInnerAsync(stash.AsMemory(length, ReservedControlMessages.ScanLimit - length), cancellationToken);
            if (_closedBy is not null)
            {
                return null;
            }

            if (more.MessageType == WebSocketMessageType.Close)
            {
                return more; // the unfinished message is dropped with the connection
            }

            length += more.Count;
            endOfMessage = more.EndOfMessage;
        }

        if (endOfMessage && ReservedControlMessages.IsReserved(stash.AsSpan(0, length)))
        {
            stash.AsSpan(0, length).Clear();
            await RefuseReservedAsync();
            return null;
        }

        var extras = More;
        extras.StashLength = length;
        extras.StashOffset = 0;
        extras.StashEndOfMessage = endOfMessage;
        return null;
    }

    private byte[] EnsureStash(int size)
    {
        var extras = More;
        if (extras.Stash is not { } stash || stash.Length < size)
        {
            var grown = new byte[size];
            extras.Stash?.AsSpan(0, Math.Min(extras.Stash.Length, size)).CopyTo(grown);
            extras.Stash = grown;
        }

        return extras.Stash;
    }

    private async Task RefuseReservedAsync()
    {
        _settings.RecordFailure(_http);
        if (_settings.Events is { } events)
        {
            // Never throws: the session closes with this code whatever the handler does.
            await RejectedEvent.RaiseAfterUpgradeAsync(events(_http), _http, _feature.Method, WebSocketAuthFailureReasons.ReservedMessageType, WebSocketAuthCloseCodes.Malformed, _settings.CloseWithPolicyViolation, _settings.Logger);
        }

        await CloseAsync(WebSocketAuthCloseCodes.Malformed, WebSocketAuthFailureReasons.ReservedMessageType);
    }
}
