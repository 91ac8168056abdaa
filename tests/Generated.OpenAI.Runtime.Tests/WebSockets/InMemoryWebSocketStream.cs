using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Generated.OpenAI.Runtime.Tests.WebSockets;

/// <summary>
/// A duplex stream whose reads replay a fixed byte script forever and whose writes are counted and dropped,
/// both completing synchronously: lets allocation tests run the real send and receive paths on one thread.
/// </summary>
internal sealed class InMemoryWebSocketStream : Stream
{
    private readonly byte[] _incoming;
    private int _position;

    public InMemoryWebSocketStream(byte[] incoming)
    {
        _incoming = incoming;
    }

    public long BytesWritten { get; private set; }

    public byte[] LastWrite { get; } = new byte[64 * 1024];

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
        Write(buffer.Span);
        return default;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        BytesWritten += buffer.Length;
        LastWriteLength = Math.Min(buffer.Length, LastWrite.Length);
        buffer.Slice(0, LastWriteLength).CopyTo(LastWrite);
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
