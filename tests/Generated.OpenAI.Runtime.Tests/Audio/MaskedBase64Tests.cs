using System;
using System.Buffers.Text;
using System.Runtime.InteropServices;
using Generated.OpenAI.Audio;
using Generated.OpenAI.WebSockets;
using Xunit;

namespace Generated.OpenAI.Runtime.Tests.Audio;

/// <summary>
/// The fused encode-and-mask (AVX-512 VBMI where the machine has it, chunked BCL encode plus mask elsewhere) against
/// the reference: the BCL's base64, then the byte-at-a-time RFC 6455 mask. On a machine with AVX-512 VBMI the
/// fallback runs with <c>DOTNET_EnableAVX512v2=0</c> (no VBMI) or <c>DOTNET_EnableAVX512=0</c> (no AVX-512 at all).
/// </summary>
public sealed class MaskedBase64Tests
{
    private static byte[] Reference(ReadOnlySpan<byte> source, int maskKey, int maskOffset, out int endOffset)
    {
        byte[] expected = new byte[Base64.GetMaxEncodedToUtf8Length(source.Length)];
        Base64.EncodeToUtf8(source, expected, out _, out int written);
        Assert.Equal(expected.Length, written);
        endOffset = WebSocketMask.ApplyScalar(expected, maskKey, maskOffset);
        return expected;
    }

    [Fact]
    public void Fused_encode_and_mask_equals_base64_then_the_scalar_mask_for_every_length_offset_and_alignment()
    {
        var random = new Random(17);
        // Every length to past three 48-byte groups (the vector loop, its shifted last group, and every tail), then
        // lengths around the fallback's chunk boundary and a 1 s append.
        int[] lengths = [.. System.Linq.Enumerable.Range(0, 260), 6_143, 6_144, 6_145, 12_289, 48_000];
        foreach (int length in lengths)
        {
            for (int maskOffset = 0; maskOffset <= 3; maskOffset++)
            {
                int start = (length + maskOffset) % 5; // the source and the destination at varied alignments
                byte[] buffer = new byte[length + start];
                random.NextBytes(buffer);
                ReadOnlySpan<byte> source = buffer.AsSpan(start, length);
                int key = random.Next(int.MinValue, int.MaxValue);
                byte[] expected = Reference(source, key, maskOffset, out int expectedEnd);

                byte[] destination = new byte[expected.Length + 64 + start];
                random.NextBytes(destination);
                byte[] untouched = (byte[])destination.Clone();
                int end = MaskedBase64.EncodeToUtf8Masked(source, destination.AsSpan(start, expected.Length + 64), key, maskOffset, out int written);

                Assert.Equal(expected.Length, written);
                Assert.Equal(expectedEnd, end);
                Assert.True(expected.AsSpan().SequenceEqual(destination.AsSpan(start, written)), $"length {length}, offset {maskOffset}");
                // Nothing written outside the encoded bytes.
                Assert.True(untouched.AsSpan(0, start).SequenceEqual(destination.AsSpan(0, start)), $"length {length}: before");
                Assert.True(untouched.AsSpan(start + written).SequenceEqual(destination.AsSpan(start + written)), $"length {length}: after");
            }
        }
    }

    [Fact]
    public void Every_byte_value_in_every_position_of_a_group_encodes_to_the_standard_alphabet()
    {
        // 256 groups of 3 bytes, each byte value at each position, so that every sextet value is looked up.
        byte[] source = new byte[3 * 256];
        for (int i = 0; i < 256; i++)
        {
            source[3 * i] = (byte)i;
            source[(3 * i) + 1] = (byte)(255 - i);
            source[(3 * i) + 2] = (byte)(i * 37);
        }

        byte[] expected = Reference(source, maskKey: 0, maskOffset: 0, out _);
        byte[] actual = new byte[expected.Length];
        MaskedBase64.EncodeToUtf8Masked(source, actual, maskKey: 0, maskOffset: 0, out int written);
        Assert.Equal(expected.Length, written);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void A_destination_shorter_than_the_base64_is_refused()
    {
        byte[] source = new byte[96];
        Assert.Throws<ArgumentException>(() => MaskedBase64.EncodeToUtf8Masked(source, new byte[127], 0x12345678, 0, out _));
    }

    [Fact]
    public void The_masked_append_event_equals_the_unmasked_event_masked_byte_by_byte()
    {
        var random = new Random(5);
        foreach (int size in new[] { 0, 2, 46, 48, 50, 94, 96, 960, 4_800, 48_000 })
        {
            byte[] pcm = new byte[size];
            random.NextBytes(pcm);
            foreach (byte[] eventId in new[] { Array.Empty<byte>(), "evt_1"u8.ToArray(), "evt_0a1b2c3d_a1000"u8.ToArray() })
            {
                int key = random.Next(int.MinValue, int.MaxValue);
                int length = RealtimeAudioEvents.GetValidatedAppendEventLength(RealtimeEventTypes.InputAudioBufferAppend, size, eventId);
                Assert.Equal(RealtimeAudioEvents.GetAppendEventLength(RealtimeEventTypes.InputAudioBufferAppend, size, eventId), length);

                byte[] expected = new byte[length];
                Assert.Equal(length, RealtimeAudioEvents.WriteAppendEvent(expected, RealtimeEventTypes.InputAudioBufferAppend, pcm, eventId));
                WebSocketMask.ApplyScalar(expected, key, 0);

                byte[] actual = new byte[length];
                RealtimeAudioEvents.WriteMaskedAppendEvent(actual, RealtimeEventTypes.InputAudioBufferAppend, pcm, eventId, key);
                Assert.Equal(expected, actual);

                // The sample overload puts the same bytes on the wire.
                byte[] fromSamples = new byte[length];
                RealtimeAudioEvents.WriteMaskedAppendEvent(fromSamples, RealtimeEventTypes.InputAudioBufferAppend, MemoryMarshal.Cast<byte, short>(pcm), eventId, key);
                Assert.Equal(expected, fromSamples);
            }
        }
    }

    [Theory]
    [InlineData("bad\"type", "")]
    [InlineData("type", "id\\x")]
    [InlineData("type", "id\n")]
    public void The_one_validation_refuses_a_type_or_id_that_would_need_escaping(string eventType, string eventId)
    {
        Assert.Throws<ArgumentException>(() => RealtimeAudioEvents.GetValidatedAppendEventLength(
            System.Text.Encoding.UTF8.GetBytes(eventType), 960, System.Text.Encoding.UTF8.GetBytes(eventId)));
    }
}
