using System;
using System.Buffers;

namespace Generated.OpenAI.WebSockets;

/// <summary>
/// Decodes an HTTP/1.1 chunked body (RFC 9112 section 7.1) piece by piece as pipe buffers arrive, keeping at most a
/// given number of decoded bytes. Used only for the error body of a refused upgrade, so trailers after the last chunk
/// are never read. Owns no buffer: it copies into the caller's writer and remembers only where it is in the framing.
/// </summary>
internal sealed class ChunkedBodyDecoder
{
    /// <summary>The longest chunk-size line (size, extensions) accepted; a longer one ends decoding as broken framing.</summary>
    public const int MaxChunkSizeLineLength = 1024;

    private const int MaxChunkSizeDigits = 15; // fits a long

    private long _chunkRemaining;
    private bool _expectDataTerminator;

    /// <summary>
    /// Copies the chunk data in <paramref name="buffer"/> into <paramref name="body"/>. Returns true when decoding is
    /// over: the last chunk arrived, <paramref name="body"/> holds <paramref name="maxBodyLength"/> bytes, or the
    /// framing is broken (what was decoded so far stands). Otherwise more input is needed, starting at
    /// <paramref name="consumed"/>; the bytes before it were used and the buffer is not kept.
    /// </summary>
    public bool Decode(in ReadOnlySequence<byte> buffer, ArrayBufferWriter<byte> body, int maxBodyLength, out SequencePosition consumed)
    {
        var reader = new SequenceReader<byte>(buffer);
        bool done = Decode(ref reader, body, maxBodyLength);
        consumed = reader.Position;
        return done;
    }

    private bool Decode(ref SequenceReader<byte> reader, ArrayBufferWriter<byte> body, int maxBodyLength)
    {
        while (true)
        {
            if (_expectDataTerminator)
            {
                if (reader.Remaining < 2)
                {
                    return false;
                }

                if (!reader.IsNext("\r\n"u8, advancePast: true))
                {
                    return true; // chunk data not followed by CRLF
                }

                _expectDataTerminator = false;
            }

            if (_chunkRemaining == 0)
            {
                if (!reader.TryReadTo(out ReadOnlySequence<byte> line, "\r\n"u8, advancePastDelimiter: true))
                {
                    return reader.Remaining > MaxChunkSizeLineLength; // a size line that never ends
                }

                if (line.Length > MaxChunkSizeLineLength || !TryParseChunkSize(line, out long size))
                {
                    return true;
                }

                if (size == 0)
                {
                    return true; // last-chunk
                }

                _chunkRemaining = size;
            }

            long take = Math.Min(Math.Min(_chunkRemaining, reader.Remaining), maxBodyLength - body.WrittenCount);
            if (take > 0)
            {
                reader.UnreadSequence.Slice(0, take).CopyTo(body.GetSpan((int)take));
                body.Advance((int)take);
                reader.Advance(take);
                _chunkRemaining -= take;
            }

            if (body.WrittenCount >= maxBodyLength)
            {
                return true;
            }

            if (_chunkRemaining > 0)
            {
                return false;
            }

            _expectDataTerminator = true;
        }
    }

    /// <summary>chunk-size = 1*HEXDIG, optionally followed by whitespace and chunk extensions (ignored).</summary>
    private static bool TryParseChunkSize(ReadOnlySequence<byte> line, out long size)
    {
        size = 0;
        var reader = new SequenceReader<byte>(line);
        int digits = 0;
        while (reader.TryPeek(out byte b))
        {
            int value = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
                _ => -1,
            };
            if (value < 0)
            {
                break;
            }

            if (++digits > MaxChunkSizeDigits)
            {
                return false;
            }

            size = (size << 4) | (uint)value;
            reader.Advance(1);
        }

        return digits > 0 && (reader.End || reader.IsNext((byte)';') || reader.IsNext((byte)' ') || reader.IsNext((byte)'\t'));
    }
}
