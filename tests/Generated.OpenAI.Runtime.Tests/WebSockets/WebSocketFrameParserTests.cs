using System;
using System.Buffers;
using System.Collections.Generic;
using Generated.OpenAI.WebSockets;
using Xunit;

namespace Generated.OpenAI.Runtime.Tests.WebSockets;

public sealed class WebSocketFrameParserTests
{
    public static IEnumerable<object[]> Headers()
    {
        // bytes, fin, rsv, opcode, mask, maskKey bytes, payload length, header length
        yield return [new byte[] { 0x81, 0x05 }, true, 0, (int)Opcode.Text, false, 5UL, 2];
        yield return [new byte[] { 0x02, 0x7D }, false, 0, (int)Opcode.Binary, false, 125UL, 2];
        yield return [new byte[] { 0x82, 0x7E, 0x00, 0x7E }, true, 0, (int)Opcode.Binary, false, 126UL, 4];
        yield return [new byte[] { 0x82, 0x7E, 0xFF, 0xFF }, true, 0, (int)Opcode.Binary, false, 65535UL, 4];
        yield return [new byte[] { 0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0 }, true, 0, (int)Opcode.Binary, false, 65536UL, 10];
        yield return [new byte[] { 0x80, 0x7F, 0, 0, 0, 0, 0x01, 0, 0, 0 }, true, 0, (int)Opcode.Continuation, false, 16UL * 1024 * 1024, 10];
        yield return [new byte[] { 0xF9, 0x80, 1, 2, 3, 4 }, true, 7, (int)Opcode.Ping, true, 0UL, 6];
        yield return [new byte[] { 0xC1, 0xFE, 0x01, 0x00, 9, 8, 7, 6 }, true, 4, (int)Opcode.Text, true, 256UL, 8];
        yield return [new byte[] { 0x8B, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4 }, true, 0, 0xB, true, 0x8000000000000000UL, 14];
    }

    [Theory]
    [MemberData(nameof(Headers))]
    public void Header_decodes_the_same_for_every_segmentation(byte[] bytes, bool fin, int rsv, int opcode, bool mask, ulong payloadLength, int headerLength)
    {
        // Trailing payload bytes after the header must not be consumed.
        byte[] withPayload = [.. bytes, 0xAA, 0xBB];
        foreach (int segmentSize in new[] { withPayload.Length, 1, 2, 3, 5 })
        {
            ReadOnlySequence<byte> sequence = SegmentedSequence.Create(withPayload, segmentSize);
            var reader = new SequenceReader<byte>(sequence);
            Assert.True(WebSocketFrameParser.TryReadFrameHeader(ref reader, out FrameHeader header), $"segment size {segmentSize}");
            Assert.Equal(fin, header.Fin);
            Assert.Equal(rsv, header.ReservedBits);
            Assert.Equal((Opcode)opcode, header.Opcode);
            Assert.Equal(mask, header.Mask);
            Assert.Equal(payloadLength, header.PayloadLength);
            Assert.Equal(headerLength, header.HeaderLength);
            Assert.Equal(headerLength, reader.Consumed);
            Assert.Equal(0xAA, reader.UnreadSpan[0]);
            if (mask)
            {
                byte[] key = new byte[4];
                int k = header.MaskKey;
                System.Runtime.InteropServices.MemoryMarshal.Write(key, in k);
                Assert.Equal(bytes.AsSpan(headerLength - 4, 4).ToArray(), key);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Headers))]
    public void Incomplete_header_returns_false_and_does_not_move_the_reader(byte[] bytes, bool fin, int rsv, int opcode, bool mask, ulong payloadLength, int headerLength)
    {
        _ = (fin, rsv, opcode, mask, payloadLength);
        for (int available = 0; available < headerLength; available++)
        {
            byte[] partial = bytes.AsSpan(0, available).ToArray();
            foreach (int segmentSize in new[] { Math.Max(1, available), 1 })
            {
                var reader = new SequenceReader<byte>(SegmentedSequence.Create(partial, segmentSize));
                Assert.False(WebSocketFrameParser.TryReadFrameHeader(ref reader, out _));
                Assert.Equal(0, reader.Consumed);
            }
        }
    }

    [Fact]
    public void Header_split_by_a_segment_boundary_inside_the_extended_length()
    {
        ReadOnlySequence<byte> sequence = SegmentedSequence.Create([0x82, 0x7F, 0, 0], [0, 0, 0, 1, 0], [0, 0xCC]);
        var reader = new SequenceReader<byte>(sequence);
        Assert.True(WebSocketFrameParser.TryReadFrameHeader(ref reader, out FrameHeader header));
        Assert.Equal(65536UL, header.PayloadLength);
        Assert.True(reader.TryRead(out byte next));
        Assert.Equal(0xCC, next);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(125)]
    [InlineData(126)]
    [InlineData(65535)]
    [InlineData(65536)]
    [InlineData(16 * 1024 * 1024)]
    public void Client_header_round_trips_through_the_parser(int payloadLength)
    {
        Span<byte> buffer = stackalloc byte[FrameHeader.MaxHeaderLength];
        int written = WebSocketFrameParser.WriteClientHeader(buffer, Opcode.Text, fin: true, payloadLength, maskKey: 0x04030201);
        Assert.Equal(WebSocketFrameParser.GetClientHeaderLength(payloadLength), written);
        Assert.True(WebSocketFrameParser.TryParse(buffer.Slice(0, written), out FrameHeader header));
        Assert.True(header.Fin);
        Assert.True(header.Mask);
        Assert.Equal(Opcode.Text, header.Opcode);
        Assert.Equal((ulong)payloadLength, header.PayloadLength);
        Assert.Equal(0x04030201, header.MaskKey);
        Assert.Equal(written, header.HeaderLength);
    }
}
