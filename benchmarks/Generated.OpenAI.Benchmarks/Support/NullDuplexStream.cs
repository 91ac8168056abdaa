using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Generated.OpenAI.Benchmarks.Support;

/// <summary>
/// A stream for a <see cref="Generated.OpenAI.WebSockets.WebSocketConnection"/> built with <c>CreateFromStream</c>:
/// reads replay a fixed byte script forever (nothing when it is empty), writes are dropped; both complete
/// synchronously, so the connection's real send and receive paths run inline with no I/O.
/// </summary>
internal sealed class NullDuplexStream : Stream
{
    private readonly byte[] _incoming;
    private int _position;

    public NullDuplexStream(byte[]? incoming = null)
    {
        _incoming = incoming ?? [];
    }

    /// <summary>The length of the last write (a whole frame when the connection flushes once per frame).</summary>
    public int LastWriteLength { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        => new(Read(buffer.Span));

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_incoming.Length == 0)
        {
            return 0;
        }

        int count = Math.Min(buffer.Length, _incoming.Length - _position);
        _incoming.AsSpan(_position, count).CopyTo(buffer);
        _position = (_position + count) % _incoming.Length;
        return count;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        LastWriteLength = buffer.Length;
        return default;
    }

    public override void Write(byte[] buffer, int offset, int count) => LastWriteLength = count;

    public override void Write(ReadOnlySpan<byte> buffer) => LastWriteLength = buffer.Length;

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
