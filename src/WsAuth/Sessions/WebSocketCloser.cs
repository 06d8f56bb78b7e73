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
        if (await SendCloseAsync(socket, code, reason, policyViolation, time, context))
        {
            using var receiveStop = new CancellationTokenSource();
            using var grace = LingerThenStop(receiveStop, time);
            await DrainAsync(socket, receiveStop.Token);
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

    /// <summary>
    /// After WsAuth's close frame went out while a receive is pending elsewhere (the endpoint's, or the first-message
    /// read), or here in <see cref="CloseAsync"/>: the one "then wait for the client's close" of every WsAuth close. Lets that receive see the client's close frame for at most <see cref="Grace"/>, then cancels
    /// <paramref name="receiveStop"/>, which aborts the socket. Dispose the returned source once the socket is done.
    /// </summary>
    public static CancellationTokenSource LingerThenStop(CancellationTokenSource receiveStop, TimeProvider time)
        => LingerThenStop(static s => StopQuietly((CancellationTokenSource)s!), receiveStop, time);

    /// <summary>As <see cref="LingerThenStop(CancellationTokenSource, TimeProvider)"/>, calling <paramref name="stop"/> with <paramref name="state"/> when the grace period ends.</summary>
    public static CancellationTokenSource LingerThenStop(Action<object?> stop, object state, TimeProvider time)
    {
        var grace = new CancellationTokenSource(Grace, time);
        grace.Token.UnsafeRegister(stop, state);
        return grace;
    }

    /// <summary>Cancels <paramref name="receiveStop"/>, ignoring a source already disposed or a callback that throws.</summary>
    public static void StopQuietly(CancellationTokenSource receiveStop)
    {
        try
        {
            receiveStop.Cancel();
        }
        catch (Exception ex) when (ex is ObjectDisposedException or AggregateException)
        {
            // Already finished, or a registration on the inner socket threw: the socket is aborted either way.
        }
    }

    public static bool IsConnectionFailure(Exception ex)
        => ex is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException or InvalidOperationException;
}
