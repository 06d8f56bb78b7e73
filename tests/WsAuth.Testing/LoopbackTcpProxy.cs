using System.Net;
using System.Net.Sockets;

namespace WsAuth.Testing;

/// <summary>
/// A TCP proxy on 127.0.0.1 between one app and PostgreSQL that a test can cut (every connection reset, new ones
/// refused: the database is down or restarting), stall (bytes stop flowing both ways: a hung network or server) and
/// restore. Only the app behind it is affected, so tests running in parallel are not.
/// </summary>
public sealed class LoopbackTcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly List<Socket> _sockets = [];
    private readonly Task _acceptLoop;
    private TaskCompletionSource _flowing = NewOpenGate();
    private bool _cut;
    private volatile bool _dropReplies;

    public LoopbackTcpProxy(string targetHost, int targetPort)
    {
        _targetHost = targetHost;
        _targetPort = targetPort;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port { get; }

    /// <summary>Resets every open connection and refuses new ones until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        List<Socket> open;
        lock (_gate)
        {
            _cut = true;
            open = [.. _sockets];
            _sockets.Clear();
        }

        foreach (var socket in open)
        {
            Reset(socket);
        }
    }

    /// <summary>Keeps connections open but forwards nothing (new connections are accepted and hang too).</summary>
    public void Stall()
    {
        lock (_gate)
        {
            if (_flowing.Task.IsCompleted)
            {
                _flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>
    /// Forwards what the app sends but throws away what the server answers: the command runs and commits, its reply is
    /// lost (matrix P2).
    /// </summary>
    public void DropReplies() => _dropReplies = true;

    /// <summary>Back to forwarding.</summary>
    public void Restore()
    {
        lock (_gate)
        {
            _cut = false;
            _dropReplies = false;
            _flowing.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        Restore();
        Cut();
        try
        {
            await _acceptLoop;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stopping.Dispose();
    }

    private static TaskCompletionSource NewOpenGate()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        return gate;
    }

    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0); // RST, as a dying server's kernel would send
            socket.Close();
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = HandleAsync(client);
        }
    }

    private async Task HandleAsync(Socket client)
    {
        lock (_gate)
        {
            if (_cut)
            {
                Reset(client);
                return;
            }

            _sockets.Add(client);
        }

        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await server.ConnectAsync(_targetHost, _targetPort, _stopping.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException)
        {
            Reset(client);
            server.Dispose();
            return;
        }

        lock (_gate)
        {
            if (_cut)
            {
                Reset(client);
                Reset(server);
                return;
            }

            _sockets.Add(server);
        }

        await Task.WhenAll(PumpAsync(client, server, isReply: false), PumpAsync(server, client, isReply: true));
        Reset(client);
        Reset(server);
    }

    private async Task PumpAsync(Socket from, Socket to, bool isReply)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stopping.Token);
                if (read == 0)
                {
                    return;
                }

                Task gate;
                lock (_gate)
                {
                    gate = _flowing.Task;
                }

                await gate.WaitAsync(_stopping.Token);
                if (isReply && _dropReplies)
                {
                    continue;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stopping.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            Reset(from);
            Reset(to);
        }
    }
}
