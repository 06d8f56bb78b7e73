using System.Buffers;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;

namespace WsAuth.Internal;

/// <summary>
/// Closes sockets from WsAuth's side: the close frame goes out, then WsAuth lingers at most <see cref="Grace"/> for the
/// client's close frame (discarding anything else) and aborts the connection if it does not come.
/// </summary>
/// <remarks>
/// Aborting right after the close frame would lose it: ASP.NET Core turns an aborted WebSocket into
/// <c>HttpContext.Abort()</c>, a TCP reset that can overtake the frame. Waiting for the client's close frame without a
/// bound would let a silent client hold the socket. A short linger gives well-behaved clients (browsers answer at once)
/// a clean close and silent ones at most <see cref="Grace"/>.
/// </remarks>
internal static class WebSocketCloser
{
    /// <summary>How long WsAuth waits for the client's close frame after sending its own.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(2);
    private const int MaxDrainBytes = 64 * 1024;

    /// <summary>Sends the close frame, then lingers for the client's (see the remarks of the class).</summary>
    public static async Task CloseAsync(WebSocket socket, int code, string reason, bool policyViolation, TimeProvider time, HttpContext context)
    {
        var sent = await SendCloseAsync(socket, code, reason, policyViolation, time, context);
        using var receiveStop = new CancellationTokenSource();
        using var grace = Linger(sent, receiveStop, time);
        if (sent)
        {
            await DrainAsync(socket, receiveStop.Token);
        }
    }

    /// <summary>
    /// The "then wait for the client's close" half of every WsAuth close (the session's, the first-message deadline's
    /// and <see cref="CloseAsync"/>). When the close frame was <paramref name="sent"/>, a receive stopped by
    /// <paramref name="receiveStop"/> may go on for the client's close frame: the returned grace timer cancels
    /// <paramref name="receiveStop"/> after <see cref="Grace"/> (dispose it when done). When it was not sent,
    /// <paramref name="receiveStop"/> is cancelled at once and this returns null.
    /// </summary>
    public static CancellationTokenSource? Linger(bool sent, CancellationTokenSource receiveStop, TimeProvider time)
    {
        if (!sent)
        {
            Cancel(receiveStop);
            return null;
        }

        var grace = new CancellationTokenSource(Grace, time);
        grace.Token.UnsafeRegister(static s => Cancel((CancellationTokenSource)s!), receiveStop);
        return grace;
    }

    /// <summary>Cancels <paramref name="source"/>; one that is disposed or whose callbacks threw is cancelled enough.</summary>
    public static void Cancel(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (Exception ex) when (ex is ObjectDisposedException or AggregateException)
        {
            // Already finished, or a registration on the inner socket threw: the socket is aborted either way.
        }
    }

    /// <summary>
    /// Sends the close frame with <paramref name="code"/> and <paramref name="reason"/> (or 1008 without a reason when the
    /// app hides them). When it cannot be sent within 2 seconds the connection is aborted and this returns false.
    /// </summary>
    public static async Task<bool> SendCloseAsync(WebSocket socket, int code, string reason, bool policyViolation, TimeProvider time, HttpContext context)
    {
        var (status, description) = CloseCodes.Resolve(code, reason, policyViolation);
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(SendTimeout, time);
                await socket.CloseOutputAsync(status, description, timeout.Token);
                return true;
            }
        }
        catch (Exception ex) when (IsConnectionFailure(ex))
        {
            // The client is gone or not reading: nothing more to tell it.
        }

        context.Abort();
        return false;
    }

    /// <summary>
    /// Reads and discards until the client's close frame or the end of the connection. Cancelling
    /// <paramref name="cancellationToken"/> (or more than 64 KiB of data) aborts the socket.
    /// </summary>
    public static async Task DrainAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        var scratch = ArrayPool<byte>.Shared.Rent(4096);
        var drained = 0;
        try
        {
            while (socket.State is WebSocketState.Open or WebSocketState.CloseSent && drained < MaxDrainBytes)
            {
                var result = await socket.ReceiveAsync(scratch.AsMemory(), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                drained += result.Count;
            }

            if (drained >= MaxDrainBytes)
            {
                socket.Abort();
            }
        }
        catch (Exception ex) when (IsConnectionFailure(ex))
        {
            // Gone, or aborted at the end of the grace period.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    public static bool IsConnectionFailure(Exception ex)
        => ex is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException or InvalidOperationException;
}
