using System;
using System.Buffers.Binary;
using System.IO;

namespace Generated.OpenAI.Audio.Tests;

/// <summary>
/// A long PCM16 WAV made on the fly (never held in memory): a 44-byte header, then one period of a sine repeated in
/// every channel, as many frames as asked. Not seekable, like a download.
/// </summary>
public sealed class SyntheticWavStream : Stream
{
    private readonly byte[] _header = new byte[44];
    private readonly byte[] _period;
    private readonly long _length;
    private long _position;

    /// <param name="sampleRate">Frames per second.</param>
    /// <param name="channels">The same sine in each.</param>
    /// <param name="frames">The length of the audio.</param>
    /// <param name="periodFrames">The sine's period in frames (its frequency is sampleRate / periodFrames).</param>
    /// <param name="amplitude">Peak, full scale 1.0.</param>
    public SyntheticWavStream(int sampleRate, int channels, long frames, int periodFrames, double amplitude)
    {
        int blockAlign = 2 * channels;
        long dataSize = frames * blockAlign;
        _length = 44 + dataSize;
        Span<byte> h = _header;
        "RIFF"u8.CopyTo(h);
        BinaryPrimitives.WriteUInt32LittleEndian(h[4..], (uint)(36 + dataSize));
        "WAVEfmt "u8.CopyTo(h[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(h[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(h[20..], 1);
        BinaryPrimitives.WriteInt16LittleEndian(h[22..], (short)channels);
        BinaryPrimitives.WriteInt32LittleEndian(h[24..], sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(h[28..], sampleRate * blockAlign);
        BinaryPrimitives.WriteInt16LittleEndian(h[32..], (short)blockAlign);
        BinaryPrimitives.WriteInt16LittleEndian(h[34..], 16);
        "data"u8.CopyTo(h[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(h[40..], (uint)dataSize);
        _period = new byte[periodFrames * blockAlign];
        for (int f = 0; f < periodFrames; f++)
        {
            short value = (short)Math.Round(amplitude * 32767 * Math.Sin(2 * Math.PI * f / periodFrames));
            for (int c = 0; c < channels; c++)
            {
                BinaryPrimitives.WriteInt16LittleEndian(_period.AsSpan((f * blockAlign) + (2 * c)), value);
            }
        }
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>The size of the whole file in bytes.</summary>
    public long FileLength => _length;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int written = 0;
        while (written < buffer.Length && _position < _length)
        {
            ReadOnlySpan<byte> source = _position < 44
                ? _header.AsSpan((int)_position)
                : _period.AsSpan((int)((_position - 44) % _period.Length));
            int count = (int)Math.Min(Math.Min(source.Length, buffer.Length - written), _length - _position);
            source[..count].CopyTo(buffer[written..]);
            written += count;
            _position += count;
        }

        return written;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
