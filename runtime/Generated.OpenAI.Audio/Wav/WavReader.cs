using System;
using System.Buffers;
using System.Buffers.Binary;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Generated.OpenAI.Audio;

/// <summary>
/// Reads a WAV file as it streams: the header when opened (stopping at the first byte of audio), then the samples of
/// the <c>data</c> chunk as 32-bit floats at full scale ±1.0, interleaved, a block at a time. Reads PCM 8/16/24/32-bit,
/// IEEE float 32/64-bit, G.711 A-law and µ-law, plain or <c>WAVE_FORMAT_EXTENSIBLE</c>, 1 to
/// <see cref="WavFormat.MaxChannels"/> channels, with any chunks before the audio (<c>LIST</c>, <c>fact</c>, odd-sized
/// ones with their pad byte). The stream is never read past the data chunk, and never seeked except to skip chunks.
/// </summary>
/// <remarks>
/// <para>
/// Memory: one pooled buffer of at most 64 KiB, whatever the length of the file. A <c>data</c> size of 0 or
/// <c>0xFFFFFFFF</c> (what writers leave when they cannot seek back, ffmpeg to a pipe for one) means the audio runs to
/// the end of the stream (so a chunk or pad byte after such audio would be read as samples: such writers write none);
/// a size larger than what is left of a seekable stream (a recording cut short) reads what is there. A trailing
/// partial frame is dropped.
/// </para>
/// <para>
/// Malformed input (not RIFF/WAVE, a header cut short, an unknown format, absurd sizes or counts) throws
/// <see cref="WavFormatException"/> saying what and where, from <see cref="Open(Stream, bool)"/> or
/// <see cref="OpenAsync"/>, before any audio is read. One reader, one caller at a time: the type is not thread-safe.
/// </para>
/// </remarks>
public sealed class WavReader : IDisposable, IAsyncDisposable
{
    private const int BufferSize = 64 * 1024;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly int _blockAlign;
    private byte[]? _buffer;
    private long _dataRemaining;

    private WavReader(Stream stream, bool leaveOpen, WavHeaderParser.Header header)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        Format = header.Format;
        DataLength = header.DataLength;
        DataOffset = header.DataOffset;
        _blockAlign = Format.BlockAlign;
        _dataRemaining = header.DataLength ?? long.MaxValue;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(BufferSize, _blockAlign));
    }

    /// <summary>The format of the samples, as the header gives it.</summary>
    public WavFormat Format { get; }

    /// <summary>The length of the audio in bytes, or null when the header leaves it open (the audio runs to the end of the stream).</summary>
    public long? DataLength { get; }

    /// <summary>The number of frames the header promises, or null when it leaves the length open.</summary>
    public long? FrameCount => DataLength / _blockAlign;

    /// <summary>The offset of the first byte of audio from the start of the WAV.</summary>
    public long DataOffset { get; }

    /// <summary>The number of frames read so far.</summary>
    public long FramesRead { get; private set; }

    /// <summary>
    /// Reads the header of the WAV file at <paramref name="path"/> (see <see cref="Open(Stream, bool)"/>); the reader
    /// owns the file and closes it when disposed.
    /// </summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="WavFormatException">The file is not a WAV file this reader can read.</exception>
    public static WavReader Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        try
        {
            return Open(file, leaveOpen: false);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads the header from <paramref name="stream"/>, up to the first byte of audio.
    /// </summary>
    /// <param name="stream">The WAV, positioned at its first byte; read forward only (chunks are skipped by seeking when it can).</param>
    /// <param name="leaveOpen">Whether <paramref name="stream"/> stays open when the reader is disposed; otherwise the reader owns it.</param>
    /// <exception cref="WavFormatException">The stream is not a WAV file this reader can read.</exception>
    public static WavReader Open(Stream stream, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ValueTask<WavHeaderParser.Header> header = WavHeaderParser.ReadAsync(stream, useAsync: false, CancellationToken.None);
        return new WavReader(stream, leaveOpen, header.IsCompleted ? header.Result : header.AsTask().GetAwaiter().GetResult());
    }

    /// <summary>
    /// Reads the header from <paramref name="stream"/> with asynchronous reads, up to the first byte of audio.
    /// </summary>
    /// <param name="stream">The WAV, positioned at its first byte; read forward only (chunks are skipped by seeking when it can).</param>
    /// <param name="leaveOpen">Whether <paramref name="stream"/> stays open when the reader is disposed; otherwise the reader owns it.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <exception cref="WavFormatException">The stream is not a WAV file this reader can read.</exception>
    public static async ValueTask<WavReader> OpenAsync(Stream stream, bool leaveOpen = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        WavHeaderParser.Header header = await WavHeaderParser.ReadAsync(stream, useAsync: true, cancellationToken).ConfigureAwait(false);
        return new WavReader(stream, leaveOpen, header);
    }

    /// <summary>
    /// Reads whole frames into <paramref name="samples"/> as interleaved floats at full scale ±1.0 (channel 0 of frame
    /// 0, channel 1 of frame 0, ...): as many frames as fit, fewer at the end of the audio.
    /// </summary>
    /// <returns>The number of samples written, a multiple of <see cref="WavFormat.Channels"/>; 0 at the end of the audio.</returns>
    /// <exception cref="ArgumentException"><paramref name="samples"/> cannot hold one frame.</exception>
    public int Read(Span<float> samples)
    {
        int frames = PrepareRead(samples.Length);
        int bytes = (int)Math.Min((long)frames * _blockAlign, _dataRemaining);
        int read = 0;
        while (read < bytes)
        {
            int n = _stream.Read(_buffer.AsSpan(read, bytes - read));
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return Decode(read, samples);
    }

    /// <summary>
    /// Reads whole frames into <paramref name="samples"/> as interleaved floats at full scale ±1.0, with asynchronous
    /// reads: as many frames as fit, fewer at the end of the audio. <paramref name="samples"/> must not be used by
    /// anything else until the returned task completes.
    /// </summary>
    /// <returns>The number of samples written, a multiple of <see cref="WavFormat.Channels"/>; 0 at the end of the audio.</returns>
    /// <exception cref="ArgumentException"><paramref name="samples"/> cannot hold one frame.</exception>
    public async ValueTask<int> ReadAsync(Memory<float> samples, CancellationToken cancellationToken = default)
    {
        int frames = PrepareRead(samples.Length);
        int bytes = (int)Math.Min((long)frames * _blockAlign, _dataRemaining);
        int read = await WavHeaderParser.ReadAtMostAsync(_stream, _buffer.AsMemory(0, bytes), useAsync: true, cancellationToken).ConfigureAwait(false);
        return Decode(read, samples.Span);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        ReturnBuffer();
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        ReturnBuffer();
        if (!_leaveOpen)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private int PrepareRead(int sampleCapacity)
    {
        ObjectDisposedException.ThrowIf(_buffer is null, this);
        int channels = Format.Channels;
        if (sampleCapacity < channels)
        {
            throw new ArgumentException($"The destination holds {sampleCapacity} samples; one frame is {channels}.", "samples");
        }

        return Math.Min(sampleCapacity / channels, _buffer.Length / _blockAlign);
    }

    private int Decode(int bytesRead, Span<float> samples)
    {
        int frames = bytesRead / _blockAlign;
        if (frames == 0)
        {
            // The end of the audio (a trailing partial frame is dropped).
            _dataRemaining = 0;
            return 0;
        }

        _dataRemaining -= bytesRead;
        FramesRead += frames;
        int count = frames * Format.Channels;
        SampleDecoder.Decode(Format, _buffer.AsSpan(0, frames * _blockAlign), samples[..count]);
        return count;
    }

    private void ReturnBuffer()
    {
        byte[]? buffer = _buffer;
        _buffer = null;
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Encoded samples to floats at full scale ±1.0: integers divided by 2^(bits-1), exactly as float rounds.</summary>
    private static class SampleDecoder
    {
        public static void Decode(WavFormat format, ReadOnlySpan<byte> source, Span<float> destination)
        {
            switch (format.Encoding, format.BytesPerSample)
            {
                case (WavSampleEncoding.Pcm, 1):
                    for (int i = 0; i < destination.Length; i++)
                    {
                        destination[i] = (source[i] - 128) * (1f / 128);
                    }

                    break;
                case (WavSampleEncoding.Pcm, 2):
                    for (int i = 0; i < destination.Length; i++)
                    {
                        destination[i] = BinaryPrimitives.ReadInt16LittleEndian(source[(2 * i)..]) * (1f / 32768);
                    }

                    break;
                case (WavSampleEncoding.Pcm, 3):
                    for (int i = 0; i < destination.Length; i++)
                    {
                        int j = 3 * i;
                        int value = source[j] | (source[j + 1] << 8) | ((sbyte)source[j + 2] << 16);
                        destination[i] = value * (1f / 8388608);
                    }

                    break;
                case (WavSampleEncoding.Pcm, 4):
                    for (int i = 0; i < destination.Length; i++)
                    {
                        destination[i] = BinaryPrimitives.ReadInt32LittleEndian(source[(4 * i)..]) * (1f / 2147483648);
                    }

                    break;
                case (WavSampleEncoding.IeeeFloat, 4):
                    for (int i = 0; i < destination.Length; i++)
                    {
                        destination[i] = BinaryPrimitives.ReadSingleLittleEndian(source[(4 * i)..]);
                    }

                    break;
                case (WavSampleEncoding.IeeeFloat, 8):
                    for (int i = 0; i < destination.Length; i++)
                    {
                        destination[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(source[(8 * i)..]);
                    }

                    break;
                case (WavSampleEncoding.ALaw, 1):
                    for (int i = 0; i < destination.Length; i++)
                    {
                        destination[i] = ALaw.Decode(source[i]) * (1f / 32768);
                    }

                    break;
                case (WavSampleEncoding.MuLaw, 1):
                    for (int i = 0; i < destination.Length; i++)
                    {
                        destination[i] = MuLaw.Decode(source[i]) * (1f / 32768);
                    }

                    break;
                default:
                    throw new InvalidOperationException($"No decoder for {format}."); // WavFormat admits no other combination
            }
        }
    }
}
