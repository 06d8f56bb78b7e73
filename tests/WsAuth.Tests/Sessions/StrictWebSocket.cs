using System.Net.WebSockets;

namespace WsAuth.Tests.Sessions;

/// <summary>
/// Enforces the <see cref="WebSocket"/> contract that <see cref="ManagedWebSocket"/> happens to forgive: at most one
/// outstanding send. Sends yield first, to widen any race.
/// </summary>
internal sealed class StrictWebSocket(WebSocket inner) : WebSocket
{
    private int _sending;
    private int _violations;
    private TaskCompletionSource? _hold;

    public int Violations => Volatile.Read(ref _violations);

    /// <summary>When set, the next send stays outstanding until this completes.</summary>
    public TaskCompletionSource? HoldNextSend
    {
        get => Volatile.Read(ref _hold);
        set => Volatile.Write(ref _hold, value);
    }

    /// <summary>Completed when a send is being held by <see cref="HoldNextSend"/>.</summary>
    public TaskCompletionSource SendHeld { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override WebSocketCloseStatus? CloseStatus => inner.CloseStatus;

    public override string? CloseStatusDescription => inner.CloseStatusDescription;

    public override WebSocketState State => inner.State;

    public override string? SubProtocol => inner.SubProtocol;

    public override void Abort() => inner.Abort();

    public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
        => inner.CloseAsync(closeStatus, statusDescription, cancellationToken);

    public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
        => inner.CloseOutputAsync(closeStatus, statusDescription, cancellationToken);

    public override void Dispose() => inner.Dispose();

    public override Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken)
        => inner.ReceiveAsync(buffer, cancellationToken);

    public override ValueTask<ValueWebSocketReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        => inner.ReceiveAsync(buffer, cancellationToken);

    public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
        => SendAsync(buffer.AsMemory(), messageType, endOfMessage ? WebSocketMessageFlags.EndOfMessage : WebSocketMessageFlags.None, cancellationToken).AsTask();

    public override ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
        => SendAsync(buffer, messageType, endOfMessage ? WebSocketMessageFlags.EndOfMessage : WebSocketMessageFlags.None, cancellationToken);

    public override async ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, WebSocketMessageFlags messageFlags, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _sending) != 1)
        {
            Interlocked.Increment(ref _violations); // two sends outstanding at once
        }

        try
        {
            if (Interlocked.Exchange(ref _hold, null) is { } hold)
            {
                SendHeld.TrySetResult();
                await hold.Task;
            }

            await Task.Yield();
            await inner.SendAsync(buffer, messageType, messageFlags, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _sending);
        }
    }
}
