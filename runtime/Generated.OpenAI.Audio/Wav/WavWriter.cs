using System;
using System.Buffers.Binary;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Generated.OpenAI.Audio;

/// <summary>
/// Writes a WAV file as it streams: the header before the first sample, the samples as given, and on dispose the
/// sizes. On a seekable stream the header's RIFF, <c>data</c> (and, for float, <c>fact</c>) sizes are then fixed to
/// the true length; on a stream that cannot seek (a pipe, a socket, an HTTP body) they stay <c>0xFFFFFFFF</c>, the
/// streaming writers' convention for "to the end of the stream", which <see cref="WavReader"/>, ffmpeg and sox read.
/// </summary>
/// <remarks>
/// The header is the shortest that describes the format: 44 bytes for PCM with at most 2 channels and 16 bits (plain
/// <c>WAVE_FORMAT_PCM</c>); <c>WAVE_FORMAT_EXTENSIBLE</c> (68 bytes) when the format asks for it or has more channels
/// or bits, as the format's specification requires; a plain <c>fmt </c> of 18 bytes and a <c>fact</c> chunk for
/// float and G.711. Writes go straight to the stream (the caller's buffer is not kept). A WAV holds at most 4 GiB;
/// a write beyond that throws. Not thread-safe.
/// </remarks>
public sealed class WavWriter : IDisposable, IAsyncDisposable
{
    private const uint UnknownSize = WavHeaderParser.UnknownSize;
    private const ushort FormatTagExtensible = WavHeaderParser.FormatTagExtensible;
    private const long MaxDataLength = uint.MaxValue - 1 - 128; // the RIFF size must fit in 32 bits with the header

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly byte[] _header;
    private readonly int _riffSizeOffset;
    private readonly int _factSamplesOffset;
    private readonly int _dataSizeOffset;
    private readonly long _startPosition;
    private bool _headerWritten;
    private bool _disposed;

    /// <summary>Creates a writer; nothing is written until the first write or dispose.</summary>
    /// <param name="stream">Where the WAV goes, from its current position.</param>
    /// <param name="format">The format of the samples that will be written.</param>
    /// <param name="leaveOpen">Whether <paramref name="stream"/> stays open when the writer is disposed; otherwise the writer owns it.</param>
    public WavWriter(Stream stream, WavFormat format, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(format);
        if (!stream.CanWrite)
        {
            throw new ArgumentException("The stream cannot be written.", nameof(stream));
        }

        _stream = stream;
        _leaveOpen = leaveOpen;
        Format = format;
        _startPosition = stream.CanSeek ? stream.Position : -1;
        _header = BuildHeader(format, out _riffSizeOffset, out _factSamplesOffset, out _dataSizeOffset);
    }

    /// <summary>Creates the file at <paramref name="path"/> (and its folder), replacing any, and a writer that owns it.</summary>
    public static WavWriter Create(string path, WavFormat format)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        return new WavWriter(new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None), format);
    }

    /// <summary>The format of the samples.</summary>
    public WavFormat Format { get; }

    /// <summary>The bytes of audio written so far.</summary>
    public long DataLength { get; private set; }

    /// <summary>
    /// Writes encoded samples (interleaved frames in <see cref="Format"/>, little-endian). Frames may be split across
    /// calls; the data should end on a whole frame.
    /// </summary>
    /// <exception cref="IOException">The WAV would exceed 4 GiB.</exception>
    public void Write(ReadOnlySpan<byte> data)
    {
        CheckWrite(data.Length);
        if (!_headerWritten)
        {
            _stream.Write(_header);
            _headerWritten = true;
        }

        _stream.Write(data);
        DataLength += data.Length;
    }

    /// <summary>Writes encoded samples (see <see cref="Write(ReadOnlySpan{byte})"/>) with asynchronous writes.</summary>
    /// <exception cref="IOException">The WAV would exceed 4 GiB.</exception>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        CheckWrite(data.Length);
        if (!_headerWritten)
        {
            await _stream.WriteAsync(_header, cancellationToken).ConfigureAwait(false);
            _headerWritten = true;
        }

        await _stream.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        DataLength += data.Length;
    }

    /// <summary>
    /// Finishes the file: writes the header if nothing was written, the pad byte after an odd-sized data chunk, and on
    /// a seekable stream the true sizes; then closes the stream unless it was left open.
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (!_headerWritten)
            {
                _stream.Write(_header);
                _headerWritten = true;
            }

            if ((DataLength & 1) != 0)
            {
                _stream.WriteByte(0);
            }

            if (_stream.CanSeek)
            {
                long end = _stream.Position;
                Span<byte> header = _header;
                FillSizes(header);
                _stream.Position = _startPosition;
                _stream.Write(header);
                _stream.Position = end;
            }

            _stream.Flush();
        }
        finally
        {
            if (!_leaveOpen)
            {
                _stream.Dispose();
            }
        }
    }

    /// <summary>Finishes the file as <see cref="Dispose"/> does, with asynchronous writes.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (!_headerWritten)
            {
                await _stream.WriteAsync(_header).ConfigureAwait(false);
                _headerWritten = true;
            }

            if ((DataLength & 1) != 0)
            {
                await _stream.WriteAsync(new byte[1]).ConfigureAwait(false);
            }

            if (_stream.CanSeek)
            {
                long end = _stream.Position;
                FillSizes(_header);
                _stream.Position = _startPosition;
                await _stream.WriteAsync(_header).ConfigureAwait(false);
                _stream.Position = end;
            }

            await _stream.FlushAsync().ConfigureAwait(false);
        }
        finally
        {
            if (!_leaveOpen)
            {
                await _stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private void CheckWrite(int length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (DataLength + length > MaxDataLength)
        {
            throw new IOException($"A WAV file holds at most {MaxDataLength} bytes of audio (RF64 is not written).");
        }
    }

    private void FillSizes(Span<byte> header)
    {
        long padded = DataLength + (DataLength & 1);
        BinaryPrimitives.WriteUInt32LittleEndian(header[_riffSizeOffset..], (uint)(header.Length - 8 + padded));
        BinaryPrimitives.WriteUInt32LittleEndian(header[_dataSizeOffset..], (uint)DataLength);
        if (_factSamplesOffset >= 0)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(header[_factSamplesOffset..], (uint)(DataLength / Format.BlockAlign));
        }
    }

    private static byte[] BuildHeader(WavFormat format, out int riffSizeOffset, out int factSamplesOffset, out int dataSizeOffset)
    {
        bool extensible = format.IsExtensible || format.Channels > 2 || (format.Encoding == WavSampleEncoding.Pcm && format.BitsPerSample > 16);
        bool fact = format.Encoding != WavSampleEncoding.Pcm;
        int fmtSize = extensible ? 40 : fact ? 18 : 16;
        int size = 12 + 8 + fmtSize + (fact ? 12 : 0) + 8;
        byte[] header = new byte[size];
        Span<byte> h = header;
        "RIFF"u8.CopyTo(h);
        riffSizeOffset = 4;
        BinaryPrimitives.WriteUInt32LittleEndian(h[4..], UnknownSize);
        "WAVE"u8.CopyTo(h[8..]);
        "fmt "u8.CopyTo(h[12..]);
        BinaryPrimitives.WriteInt32LittleEndian(h[16..], fmtSize);
        Span<byte> fmt = h.Slice(20, fmtSize);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt, extensible ? FormatTagExtensible : (ushort)format.Encoding);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt[2..], (ushort)format.Channels);
        BinaryPrimitives.WriteInt32LittleEndian(fmt[4..], format.SampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(fmt[8..], (uint)format.BytesPerSecond);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt[12..], (ushort)format.BlockAlign);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt[14..], (ushort)format.BitsPerSample);
        if (extensible)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(fmt[16..], 22);
            BinaryPrimitives.WriteUInt16LittleEndian(fmt[18..], (ushort)format.ValidBitsPerSample);
            BinaryPrimitives.WriteUInt32LittleEndian(fmt[20..], format.ChannelMask);
            BinaryPrimitives.WriteUInt32LittleEndian(fmt[24..], (uint)format.Encoding);
            WavHeaderParser.SubformatSuffix.CopyTo(fmt[28..]);
        }
        else if (fact)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(fmt[16..], 0);
        }

        int next = 20 + fmtSize;
        factSamplesOffset = -1;
        if (fact)
        {
            "fact"u8.CopyTo(h[next..]);
            BinaryPrimitives.WriteInt32LittleEndian(h[(next + 4)..], 4);
            factSamplesOffset = next + 8;
            BinaryPrimitives.WriteUInt32LittleEndian(h[factSamplesOffset..], UnknownSize);
            next += 12;
        }

        "data"u8.CopyTo(h[next..]);
        dataSizeOffset = next + 4;
        BinaryPrimitives.WriteUInt32LittleEndian(h[dataSizeOffset..], UnknownSize);
        return header;
    }
}
