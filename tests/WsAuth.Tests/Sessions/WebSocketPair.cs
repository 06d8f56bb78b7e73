using System.IO.Pipelines;
using System.Net.WebSockets;

namespace WsAuth.Tests.Sessions;

/// <summary>Two real (managed) WebSockets connected in memory: no network, no clock.</summary>
internal sealed class WebSocketPair : IDisposable
{
    public WebSocketPair()
    {
        var toServer = new Pipe();
        var toClient = new Pipe();
        Server = WebSocket.CreateFromStream(new DuplexStream(toServer.Reader, toClient.Writer), new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = Timeout.InfiniteTimeSpan });
        Client = WebSocket.CreateFromStream(new DuplexStream(toClient.Reader, toServer.Writer), new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = Timeout.InfiniteTimeSpan });
    }

    public WebSocket Server { get; }

    public WebSocket Client { get; }

    public void Dispose()
    {
        Server.Dispose();
        Client.Dispose();
    }

    private sealed class DuplexStream(PipeReader reader, PipeWriter writer) : Stream
    {
        private readonly Stream _read = reader.AsStream();
        private readonly Stream _write = writer.AsStream();

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => _write.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => _write.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => _read.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _read.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _read.ReadAsync(buffer, offset, count, cancellationToken);

        public override void Write(byte[] buffer, int offset, int count) => _write.Write(buffer, offset, count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => _write.WriteAsync(buffer, cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _write.WriteAsync(buffer, offset, count, cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                // As a server's transport does when the socket is aborted (ASP.NET Core aborts the connection; see
                // SessionTests.SilentClientAfterExpiry_... on Kestrel): a read still pending ends.
                reader.CancelPendingRead();
                _read.Dispose();
                _write.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
