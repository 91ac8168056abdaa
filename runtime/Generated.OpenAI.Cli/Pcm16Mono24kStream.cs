using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using NAudio.Wave;
using NAudio.Wave.SampleProviders;

namespace Generated.OpenAI.Cli;

/// <summary>
/// A read-only stream of 24 kHz mono PCM16 little-endian bytes converted on the fly from a WAV file: each read pulls
/// as many frames as it needs from the file, mixes them down to mono (the mean of the channels) and resamples them
/// with NAudio's WDL resampler. Memory stays the same whatever the length of the file. Made by
/// <see cref="WavAudio.OpenPcm16Mono24k"/>.
/// </summary>
public sealed class Pcm16Mono24kStream : Stream
{
    private const int BytesPerSample = 2;

    private readonly WaveFileReader _reader;
    private readonly ISampleProvider _mono24k;
    private float[] _samples = [];
    private long _position;

    internal Pcm16Mono24kStream(WaveFileReader reader, ISampleProvider source, long sourceFrames)
    {
        _reader = reader;
        SourceFormat = reader.WaveFormat;
        ISampleProvider mono = source.WaveFormat.Channels == 1 ? source : new MixDownSampleProvider(source);
        _mono24k = mono.WaveFormat.SampleRate == WavAudio.SampleRate ? mono : new WdlResamplingSampleProvider(mono, WavAudio.SampleRate);
        EstimatedLength = (long)Math.Round(sourceFrames * (double)WavAudio.SampleRate / source.WaveFormat.SampleRate) * BytesPerSample;
    }

    /// <summary>The format of the WAV file as its header gives it.</summary>
    public WaveFormat SourceFormat { get; }

    /// <summary>The number of output bytes the header promises (exact without resampling; within a few samples with it).</summary>
    public long EstimatedLength { get; }

    /// <inheritdoc/>
    public override bool CanRead => true;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanWrite => false;

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();

    /// <summary>The number of bytes read so far.</summary>
    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    public override int Read(Span<byte> buffer)
    {
        int wanted = buffer.Length / BytesPerSample;
        if (wanted == 0)
        {
            return 0;
        }

        wanted = Math.Min(wanted, 16384);
        if (_samples.Length < wanted)
        {
            _samples = new float[wanted];
        }

        int read = _mono24k.Read(_samples, 0, wanted);
        for (int i = 0; i < read; i++)
        {
            float clamped = Math.Clamp(_samples[i], -1f, 1f);
            short sample = (short)Math.Round(clamped * short.MaxValue);
            buffer[2 * i] = (byte)sample;
            buffer[(2 * i) + 1] = (byte)(sample >> 8);
        }

        _position += read * BytesPerSample;
        return read * BytesPerSample;
    }

    /// <summary>Reads synchronously (a file read and a conversion of at most 16,384 samples).</summary>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<int>(Read(buffer.Span));
    }

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override void Flush()
    {
    }

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _reader.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Interleaved frames of any channel count in, the mean of each frame out.</summary>
    private sealed class MixDownSampleProvider(ISampleProvider source) : ISampleProvider
    {
        private readonly int _channels = source.WaveFormat.Channels;
        private float[] _frames = [];

        public WaveFormat WaveFormat { get; } = WaveFormat.CreateIeeeFloatWaveFormat(source.WaveFormat.SampleRate, 1);

        public int Read(float[] buffer, int offset, int count)
        {
            int needed = count * _channels;
            if (_frames.Length < needed)
            {
                _frames = new float[needed];
            }

            int read = 0;
            int got;
            while (read < needed && (got = source.Read(_frames, read, needed - read)) > 0)
            {
                read += got;
            }

            int frames = read / _channels;
            for (int f = 0; f < frames; f++)
            {
                float sum = 0;
                int first = f * _channels;
                for (int c = 0; c < _channels; c++)
                {
                    sum += _frames[first + c];
                }

                buffer[offset + f] = sum / _channels;
            }

            return frames;
        }
    }
}
