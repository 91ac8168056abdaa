using System;
using System.Buffers;

namespace Generated.OpenAI.Benchmarks.Support;

/// <summary>
/// A player's buffer as the session's <c>AudioOutput</c>: <see cref="GetSpan"/> hands out the start of one reused
/// array (the player has played what was there), <see cref="Advance"/> records what was committed. The PCM is decoded
/// into it by the session: the app copies nothing.
/// </summary>
internal sealed class PlaybackBufferWriter(int capacity) : IBufferWriter<byte>
{
    private readonly byte[] _buffer = new byte[capacity];

    /// <summary>The bytes committed by the last <see cref="Advance"/>.</summary>
    public int LastCommitted { get; private set; }

    /// <summary>What the last delta put in the buffer.</summary>
    public ReadOnlySpan<byte> LastPcm => _buffer.AsSpan(0, LastCommitted);

    public void Advance(int count) => LastCommitted = count;

    public Memory<byte> GetMemory(int sizeHint = 0) => sizeHint <= _buffer.Length ? _buffer : throw new ArgumentOutOfRangeException(nameof(sizeHint));

    public Span<byte> GetSpan(int sizeHint = 0) => sizeHint <= _buffer.Length ? _buffer : throw new ArgumentOutOfRangeException(nameof(sizeHint));
}
