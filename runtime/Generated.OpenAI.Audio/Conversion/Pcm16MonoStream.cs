using System;
using System.Buffers;
using System.Buffers.Binary;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Generated.OpenAI.Audio;

/// <summary>
/// A read-only stream of mono PCM16 little-endian bytes at <see cref="SampleRate"/> (24 kHz for realtime sessions'
/// <c>audio/pcm</c>), converted from a WAV file as it is read: each read decodes a block of frames, mixes them down to
/// mono (the mean of the channels, so a signal that is the same in every channel keeps its amplitude), resamples them
/// with <see cref="AudioResampler"/> (skipped when the rates are equal: PCM16 at the target rate comes out
/// bit-identical) and rounds to 16 bits, clipping at full scale. Made by <see cref="WavAudio"/>.
/// </summary>
/// <remarks>
/// Memory is fixed whatever the length of the file: pooled buffers of at most 64 KiB for the WAV bytes, 16,384 samples
/// for each conversion stage, and the resampler's filter. The stream owns its <see cref="WavReader"/> and disposes it.
/// One reader at a time: not thread-safe.
/// </remarks>
public sealed class Pcm16MonoStream : Stream
{
    private const int BlockSamples = 16 * 1024;
    private const int BytesPerSample = 2;

    private readonly WavReader _reader;
    private readonly AudioResampler _resampler;
    private readonly int _channels;
    private readonly int _framesPerBlock;
    private float[]? _frames;
    private float[]? _mono;
    private float[]? _resampled;
    private byte[]? _pcm;
    private int _monoStart;
    private int _monoCount;
    private int _pcmStart;
    private int _pcmCount;
    private bool _endOfInput;
    private bool _endOfOutput;
    private long _position;

    internal Pcm16MonoStream(WavReader reader, int sampleRate)
    {
        _reader = reader;
        _channels = reader.Format.Channels;
        _resampler = new AudioResampler(reader.Format.SampleRate, sampleRate);
        SampleRate = sampleRate;
        OutputLength = reader.FrameCount is long frames ? _resampler.GetOutputLength(frames) * BytesPerSample : null;
        _framesPerBlock = Math.Max(1, BlockSamples / _channels);
        _frames = ArrayPool<float>.Shared.Rent(_framesPerBlock * _channels);
        _mono = ArrayPool<float>.Shared.Rent(_framesPerBlock);
        _resampled = ArrayPool<float>.Shared.Rent(BlockSamples);
        _pcm = ArrayPool<byte>.Shared.Rent(BlockSamples * BytesPerSample);
    }

    /// <summary>The format of the WAV file, as its header gives it.</summary>
    public WavFormat SourceFormat => _reader.Format;

    /// <summary>The output rate in samples per second.</summary>
    public int SampleRate { get; }

    /// <summary>
    /// The number of bytes the whole stream will give, exact, when the WAV header gives the length of its audio; null
    /// when it leaves it open (a file from a streaming writer).
    /// </summary>
    public long? OutputLength { get; }

    /// <inheritdoc/>
    public override bool CanRead => true;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanWrite => false;

    /// <summary>Not supported (the stream cannot seek); see <see cref="OutputLength"/>.</summary>
    public override long Length => throw new NotSupportedException($"{nameof(Pcm16MonoStream)} cannot seek; {nameof(OutputLength)} gives its length when the header does.");

    /// <summary>The number of bytes read so far; cannot be set.</summary>
    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    /// <inheritdoc/>
    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        if (_pcmCount == 0)
        {
            ValueTask<bool> fill = FillAsync(useAsync: false, CancellationToken.None);
            if (!(fill.IsCompleted ? fill.Result : fill.AsTask().GetAwaiter().GetResult()))
            {
                return 0;
            }
        }

        return Take(buffer);
    }

    /// <inheritdoc/>
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        if (_pcmCount == 0 && !await FillAsync(useAsync: true, cancellationToken).ConfigureAwait(false))
        {
            return 0;
        }

        return Take(buffer.Span);
    }

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

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
            ReturnBuffers();
            _reader.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <inheritdoc/>
    public override async ValueTask DisposeAsync()
    {
        ReturnBuffers();
        await _reader.DisposeAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    private int Take(Span<byte> buffer)
    {
        int count = Math.Min(buffer.Length, _pcmCount);
        _pcm.AsSpan(_pcmStart, count).CopyTo(buffer);
        _pcmStart += count;
        _pcmCount -= count;
        _position += count;
        return count;
    }

    /// <summary>Converts the next block into the PCM buffer; false at the end of the audio.</summary>
    private async ValueTask<bool> FillAsync(bool useAsync, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_pcm is null, this);
        float[] resampled = _resampled!;
        while (!_endOfOutput)
        {
            int produced;
            if (_monoCount == 0 && !_endOfInput)
            {
                int read = useAsync
                    ? await _reader.ReadAsync(_frames.AsMemory(0, _framesPerBlock * _channels), cancellationToken).ConfigureAwait(false)
                    : _reader.Read(_frames.AsSpan(0, _framesPerBlock * _channels));
                if (read == 0)
                {
                    _endOfInput = true;
                }
                else
                {
                    MixDown(_frames.AsSpan(0, read), _mono, _channels);
                    _monoStart = 0;
                    _monoCount = read / _channels;
                }
            }

            if (_monoCount > 0)
            {
                produced = _resampler.Process(_mono.AsSpan(_monoStart, _monoCount), resampled.AsSpan(0, BlockSamples), out int consumed);
                _monoStart += consumed;
                _monoCount -= consumed;
            }
            else if (_endOfInput)
            {
                produced = _resampler.Flush(resampled.AsSpan(0, BlockSamples));
                _endOfOutput = produced == 0;
            }
            else
            {
                continue;
            }

            if (produced > 0)
            {
                ToPcm16(resampled.AsSpan(0, produced), _pcm);
                _pcmStart = 0;
                _pcmCount = produced * BytesPerSample;
                return true;
            }
        }

        return false;
    }

    private static void MixDown(ReadOnlySpan<float> frames, Span<float> mono, int channels)
    {
        if (channels == 1)
        {
            frames.CopyTo(mono);
            return;
        }

        float scale = 1f / channels;
        int count = frames.Length / channels;
        for (int f = 0; f < count; f++)
        {
            ReadOnlySpan<float> frame = frames.Slice(f * channels, channels);
            float sum = 0;
            foreach (float sample in frame)
            {
                sum += sample;
            }

            mono[f] = sum * scale;
        }
    }

    /// <summary>Full scale ±1.0 to 16 bits: × 32,768, rounded to nearest, clipped to [-32,768, 32,767].</summary>
    private static void ToPcm16(ReadOnlySpan<float> samples, Span<byte> pcm16)
    {
        for (int i = 0; i < samples.Length; i++)
        {
            float scaled = MathF.Round(samples[i] * 32768f);
            short value = (short)Math.Clamp(scaled, short.MinValue, short.MaxValue);
            BinaryPrimitives.WriteInt16LittleEndian(pcm16[(2 * i)..], value);
        }
    }

    private void ReturnBuffers()
    {
        if (_pcm is null)
        {
            return;
        }

        ArrayPool<float>.Shared.Return(_frames!);
        ArrayPool<float>.Shared.Return(_mono!);
        ArrayPool<float>.Shared.Return(_resampled!);
        ArrayPool<byte>.Shared.Return(_pcm);
        _frames = _mono = _resampled = null;
        _pcm = null;
    }
}
