using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Generated.OpenAI.WebSockets;

/// <summary>
/// Pure RFC 6455 frame header decoding over a <see cref="SequenceReader{T}"/>: no I/O, no state, no allocation.
/// </summary>
internal static class WebSocketFrameParser
{
    /// <summary>
    /// Decodes one frame header at the reader's position. On success the reader is advanced past the header
    /// (to the first payload byte); when the header is incomplete the reader is left where it was and
    /// <see langword="false"/> is returned. Legality (reserved bits, opcodes, lengths) is not judged here.
    /// </summary>
    public static bool TryReadFrameHeader(ref SequenceReader<byte> reader, out FrameHeader header)
    {
        // Fast path: the whole header is in the current segment, which is the common case by far.
        ReadOnlySpan<byte> span = reader.UnreadSpan;
        if (TryParse(span, out header))
        {
            reader.Advance(header.HeaderLength);
            return true;
        }

        if (span.Length >= FrameHeader.MaxHeaderLength || reader.Remaining <= span.Length)
        {
            // Either the span held a full header (cannot fail then) or there is nothing more to look at.
            return false;
        }

        // Slow path: the header straddles segments; gather at most 14 bytes on the stack.
        Span<byte> scratch = stackalloc byte[FrameHeader.MaxHeaderLength];
        int available = (int)Math.Min(reader.Remaining, FrameHeader.MaxHeaderLength);
        scratch = scratch.Slice(0, available);
        reader.TryCopyTo(scratch);
        if (!TryParse(scratch, out header))
        {
            return false;
        }

        reader.Advance(header.HeaderLength);
        return true;
    }

    /// <summary>Decodes a frame header from contiguous bytes; false when they hold less than a full header.</summary>
    public static bool TryParse(ReadOnlySpan<byte> source, out FrameHeader header)
    {
        if (source.Length < FrameHeader.MinHeaderLength)
        {
            header = default;
            return false;
        }

        byte b0 = source[0];
        byte b1 = source[1];
        bool mask = (b1 & 0x80) != 0;
        int length7 = b1 & 0x7F;
        int headerLength = FrameHeader.MinHeaderLength + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + (mask ? FrameHeader.MaskLength : 0);
        if (source.Length < headerLength)
        {
            header = default;
            return false;
        }

        ulong payloadLength;
        int offset = FrameHeader.MinHeaderLength;
        if (length7 == 126)
        {
            payloadLength = BinaryPrimitives.ReadUInt16BigEndian(source.Slice(offset));
            offset += 2;
        }
        else if (length7 == 127)
        {
            payloadLength = BinaryPrimitives.ReadUInt64BigEndian(source.Slice(offset));
            offset += 8;
        }
        else
        {
            payloadLength = (ulong)length7;
        }

        int maskKey = mask ? MemoryMarshal.Read<int>(source.Slice(offset)) : 0;
        header = new FrameHeader(
            fin: (b0 & 0x80) != 0,
            reservedBits: (byte)((b0 >> 4) & 0x7),
            opcode: (Opcode)(b0 & 0xF),
            mask: mask,
            maskKey: maskKey,
            payloadLength: payloadLength,
            headerLength: headerLength);
        return true;
    }

    /// <summary>
    /// For an incomplete header at the start of <paramref name="remaining"/> (fewer bytes than the header needs, maybe
    /// none): how many more bytes make it whole, or, with only its first byte, make its length known (0 with no byte:
    /// the bytes end at a frame boundary).
    /// </summary>
    public static long GetBytesToJudgeHeader(in ReadOnlySequence<byte> remaining)
    {
        long have = remaining.Length;
        if (have < FrameHeader.MinHeaderLength)
        {
            return have == 0 ? 0 : FrameHeader.MinHeaderLength - have;
        }

        // Off the hot path (a receive ended inside a header): the second byte, wherever the segments split.
        Span<byte> first = stackalloc byte[FrameHeader.MinHeaderLength];
        remaining.Slice(0, FrameHeader.MinHeaderLength).CopyTo(first);
        int length7 = first[1] & 0x7F;
        int headerLength = FrameHeader.MinHeaderLength + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + ((first[1] & 0x80) != 0 ? FrameHeader.MaskLength : 0);
        return Math.Max(0, headerLength - have);
    }

    /// <summary>The header length a client frame (always masked) with this payload length needs.</summary>
    public static int GetClientHeaderLength(long payloadLength)
        => (payloadLength <= 125 ? 2 : payloadLength <= ushort.MaxValue ? 4 : 10) + FrameHeader.MaskLength;

    /// <summary>
    /// Writes a masked client frame header into <paramref name="destination"/> (which must hold
    /// <see cref="GetClientHeaderLength"/> bytes) and returns its length.
    /// </summary>
    public static int WriteClientHeader(Span<byte> destination, Opcode opcode, bool fin, long payloadLength, int maskKey)
    {
        destination[0] = (byte)((fin ? 0x80 : 0) | (byte)opcode);
        int offset;
        if (payloadLength <= 125)
        {
            destination[1] = (byte)(0x80 | payloadLength);
            offset = 2;
        }
        else if (payloadLength <= ushort.MaxValue)
        {
            destination[1] = 0x80 | 126;
            BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(2), (ushort)payloadLength);
            offset = 4;
        }
        else
        {
            destination[1] = 0x80 | 127;
            BinaryPrimitives.WriteUInt64BigEndian(destination.Slice(2), (ulong)payloadLength);
            offset = 10;
        }

        MemoryMarshal.Write(destination.Slice(offset), in maskKey);
        return offset + FrameHeader.MaskLength;
    }
}
