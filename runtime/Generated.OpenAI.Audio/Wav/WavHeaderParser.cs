using System;
using System.Buffers;
using System.Buffers.Binary;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Generated.OpenAI.Audio;

/// <summary>
/// Reads a WAV header from a stream up to the first byte of the <c>data</c> chunk, and no further: the RIFF/WAVE
/// preamble, then chunk after chunk, the <c>fmt </c> chunk parsed, any other chunk (<c>LIST</c>, <c>fact</c>,
/// <c>bext</c>, <c>JUNK</c>, ...) skipped with its pad byte. Memory is bounded: the <c>fmt </c> chunk is read into a
/// rented buffer of at most <see cref="MaxFormatChunkSize"/> bytes, other chunks are skipped by seeking or by reading
/// through that same buffer.
/// </summary>
internal static class WavHeaderParser
{
    /// <summary>The largest <c>fmt </c> chunk accepted: the formats read here need 16 to 40 bytes.</summary>
    public const int MaxFormatChunkSize = 1024;

    /// <summary>A <c>data</c> (or RIFF) size that streaming writers put when they do not know the length.</summary>
    public const uint UnknownSize = 0xFFFFFFFF;

    private const int RiffPreambleSize = 12;
    private const int ChunkHeaderSize = 8;
    /// <summary><c>WAVE_FORMAT_EXTENSIBLE</c>: the encoding is the subformat GUID in the extension.</summary>
    public const ushort FormatTagExtensible = 0xFFFE;
    private const int ExtensibleFormatSize = 40;
    private const int ExtensibleExtraSize = 22;

    // KSDATAFORMAT_SUBTYPE_*: the old format tag in the first four bytes, then this fixed suffix
    // ({xxxxxxxx-0000-0010-8000-00aa00389b71}).
    public static ReadOnlySpan<byte> SubformatSuffix => [0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];

    /// <summary>What the header says: the format, and the data chunk's length (null: up to the end of the stream).</summary>
    public readonly record struct Header(WavFormat Format, long? DataLength, long DataOffset);

    public static async ValueTask<Header> ReadAsync(Stream stream, bool useAsync, CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(MaxFormatChunkSize + 1);
        try
        {
            long offset = 0;
            int read = await ReadAtMostAsync(stream, buffer.AsMemory(0, RiffPreambleSize), useAsync, cancellationToken).ConfigureAwait(false);
            if (read < RiffPreambleSize)
            {
                throw new WavFormatException(read == 0 ? "The stream is empty: no WAV header." : $"Not a WAV file: the stream ends after {read} bytes, inside the 12-byte RIFF header.", 0);
            }

            CheckPreamble(buffer.AsSpan(0, RiffPreambleSize));
            offset += RiffPreambleSize;

            WavFormat? format = null;
            while (true)
            {
                read = await ReadAtMostAsync(stream, buffer.AsMemory(0, ChunkHeaderSize), useAsync, cancellationToken).ConfigureAwait(false);
                if (read < ChunkHeaderSize)
                {
                    string missing = format is null ? "no 'fmt ' chunk" : "no 'data' chunk";
                    throw new WavFormatException(read == 0 ? $"The WAV file ends with {missing}." : $"The WAV file ends inside a chunk header ({read} of 8 bytes), with {missing}.", offset);
                }

                uint id = BinaryPrimitives.ReadUInt32LittleEndian(buffer);
                uint size = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(4));
                string name = ChunkName(buffer.AsSpan(0, 4), offset);
                long chunkOffset = offset;
                offset += ChunkHeaderSize;

                if (name == "fmt ")
                {
                    if (format is not null)
                    {
                        throw new WavFormatException("The WAV file has a second 'fmt ' chunk.", chunkOffset);
                    }

                    if (size > MaxFormatChunkSize)
                    {
                        throw new WavFormatException($"The 'fmt ' chunk claims {size} bytes; a format this reader knows takes 16 to 40 (at most {MaxFormatChunkSize} accepted).", chunkOffset);
                    }

                    int padded = (int)size + (int)(size & 1);
                    read = await ReadAtMostAsync(stream, buffer.AsMemory(0, padded), useAsync, cancellationToken).ConfigureAwait(false);
                    if (read < size)
                    {
                        throw new WavFormatException($"The WAV file ends inside its 'fmt ' chunk ({read} of {size} bytes).", offset);
                    }

                    format = ParseFormat(buffer.AsSpan(0, (int)size), offset);
                    offset += read;
                }
                else if (name == "data")
                {
                    if (format is null)
                    {
                        throw new WavFormatException("The 'data' chunk comes before the 'fmt ' chunk; a streaming reader cannot go back for it.", chunkOffset);
                    }

                    // 0 and 0xFFFFFFFF are what writers that could not seek back leave: the data runs to the end.
                    long? length = size is 0 or UnknownSize ? null : size;
                    if (length is long known && stream.CanSeek && known > stream.Length - stream.Position)
                    {
                        // A file cut short (a recording that crashed): read what is there.
                        length = stream.Length - stream.Position;
                    }

                    return new Header(format, length, offset);
                }
                else
                {
                    long skip = size + (size & 1);
                    await SkipAsync(stream, skip, name, chunkOffset, buffer, useAsync, cancellationToken).ConfigureAwait(false);
                    offset += skip;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void CheckPreamble(ReadOnlySpan<byte> preamble)
    {
        ReadOnlySpan<byte> riff = preamble[..4];
        if (riff.SequenceEqual("RF64"u8) || riff.SequenceEqual("BW64"u8))
        {
            throw new WavFormatException("RF64/BW64 (WAV over 4 GiB) is not supported.", 0);
        }

        if (riff.SequenceEqual("RIFX"u8))
        {
            throw new WavFormatException("Big-endian WAV (RIFX) is not supported.", 0);
        }

        if (!riff.SequenceEqual("RIFF"u8))
        {
            throw new WavFormatException($"Not a WAV file: it starts with {Describe(riff)}, not 'RIFF'.", 0);
        }

        if (!preamble.Slice(8, 4).SequenceEqual("WAVE"u8))
        {
            throw new WavFormatException($"Not a WAV file: a RIFF file of type {Describe(preamble.Slice(8, 4))}, not 'WAVE'.", 8);
        }
    }

    private static WavFormat ParseFormat(ReadOnlySpan<byte> fmt, long offset)
    {
        if (fmt.Length < 16)
        {
            throw new WavFormatException($"The 'fmt ' chunk has {fmt.Length} bytes; at least 16 are needed.", offset);
        }

        ushort tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
        int channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
        uint sampleRate = BinaryPrimitives.ReadUInt32LittleEndian(fmt[4..]);
        int blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(fmt[12..]);
        int bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);

        if (channels is < 1 or > WavFormat.MaxChannels)
        {
            throw new WavFormatException($"The WAV header gives {channels} channels; 1 to {WavFormat.MaxChannels} are accepted.", offset + 2);
        }

        if (sampleRate is < 1 or > WavFormat.MaxSampleRate)
        {
            throw new WavFormatException($"The WAV header gives a sample rate of {sampleRate} Hz; 1 to {WavFormat.MaxSampleRate} are accepted.", offset + 4);
        }

        WavSampleEncoding encoding;
        int validBits = bits;
        uint channelMask = 0;
        bool extensible = tag == FormatTagExtensible;
        if (extensible)
        {
            if (fmt.Length < ExtensibleFormatSize || BinaryPrimitives.ReadUInt16LittleEndian(fmt[16..]) < ExtensibleExtraSize)
            {
                throw new WavFormatException($"A WAVE_FORMAT_EXTENSIBLE header needs 40 bytes of 'fmt ' with 22 of extension; this one has {fmt.Length}.", offset);
            }

            validBits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[18..]);
            channelMask = BinaryPrimitives.ReadUInt32LittleEndian(fmt[20..]);
            ReadOnlySpan<byte> subformat = fmt.Slice(24, 16);
            uint subTag = BinaryPrimitives.ReadUInt32LittleEndian(subformat);
            if (!subformat[4..].SequenceEqual(SubformatSuffix) || !TryGetEncoding(subTag, out encoding))
            {
                throw new WavFormatException(
                    $"Unsupported WAVE_FORMAT_EXTENSIBLE subformat {new Guid(subformat)}; PCM, IEEE float, A-law and µ-law are supported.", offset + 24);
            }

            if (validBits == 0)
            {
                validBits = bits; // some writers leave it 0
            }
        }
        else if (!TryGetEncoding(tag, out encoding))
        {
            throw new WavFormatException($"Unsupported WAV format tag 0x{tag:X4} ({TagName(tag)}); PCM, IEEE float, A-law and µ-law are supported.", offset);
        }

        if (blockAlign == 0 || blockAlign % channels != 0)
        {
            throw new WavFormatException($"The WAV header's block align ({blockAlign} bytes) is not a whole number of bytes for each of its {channels} channels.", offset + 12);
        }

        // The container is what the block align says; a plain PCM header may give the significant bits (12, 20) only.
        int containerBits = blockAlign / channels * 8;
        bool containerFits = encoding switch
        {
            WavSampleEncoding.Pcm => containerBits is 8 or 16 or 24 or 32,
            WavSampleEncoding.IeeeFloat => containerBits is 32 or 64 && bits == containerBits,
            _ => containerBits == 8 && bits == 8,
        };
        if (!containerFits || bits == 0 || bits > containerBits || validBits > containerBits)
        {
            throw new WavFormatException(
                $"Unsupported sample size: {encoding} with {bits} bits per sample in {blockAlign / channels}-byte containers ({channels} channels, block align {blockAlign}).", offset + 12);
        }

        return new WavFormat(encoding, (int)sampleRate, channels, containerBits)
        {
            ValidBitsPerSample = Math.Min(validBits, containerBits),
            ChannelMask = channelMask,
            IsExtensible = extensible,
        };
    }

    private static bool TryGetEncoding(uint tag, out WavSampleEncoding encoding)
    {
        encoding = (WavSampleEncoding)tag;
        return tag is (uint)WavSampleEncoding.Pcm or (uint)WavSampleEncoding.IeeeFloat or (uint)WavSampleEncoding.ALaw or (uint)WavSampleEncoding.MuLaw;
    }

    private static string TagName(ushort tag) => tag switch
    {
        0x0002 => "Microsoft ADPCM",
        0x0011 => "IMA ADPCM",
        0x0031 => "GSM 6.10",
        0x0050 => "MPEG",
        0x0055 => "MPEG layer 3",
        0x00FF => "AAC",
        _ => "unknown",
    };

    private static string ChunkName(ReadOnlySpan<byte> id, long offset)
    {
        // A chunk id is four printable ASCII characters; anything else means the sizes before it were wrong.
        foreach (byte b in id)
        {
            if (b is < 0x20 or > 0x7E)
            {
                throw new WavFormatException($"Expected a chunk header, found {Describe(id)}: a chunk size before it is wrong or the file is damaged.", offset);
            }
        }

        return System.Text.Encoding.ASCII.GetString(id);
    }

    private static string Describe(ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            if (b is < 0x20 or > 0x7E)
            {
                return "bytes " + Convert.ToHexString(bytes);
            }
        }

        return "'" + System.Text.Encoding.ASCII.GetString(bytes) + "'";
    }

    private static async ValueTask SkipAsync(Stream stream, long count, string name, long chunkOffset, byte[] buffer, bool useAsync, CancellationToken cancellationToken)
    {
        if (stream.CanSeek)
        {
            long remaining = stream.Length - stream.Position;
            if (count > remaining)
            {
                throw new WavFormatException($"The '{name}' chunk claims {count} bytes but the stream ends after {remaining}, before any 'data' chunk.", chunkOffset);
            }

            stream.Seek(count, SeekOrigin.Current);
            return;
        }

        long left = count;
        while (left > 0)
        {
            int read = await ReadAtMostAsync(stream, buffer.AsMemory(0, (int)Math.Min(left, buffer.Length)), useAsync, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new WavFormatException($"The '{name}' chunk claims {count} bytes but the stream ends after {count - left}, before any 'data' chunk.", chunkOffset);
            }

            left -= read;
        }
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the stream ends; returns the bytes read.</summary>
    internal static async ValueTask<int> ReadAtMostAsync(Stream stream, Memory<byte> buffer, bool useAsync, CancellationToken cancellationToken)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int read = useAsync
                ? await stream.ReadAsync(buffer[total..], cancellationToken).ConfigureAwait(false)
                : stream.Read(buffer.Span[total..]);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }
}
