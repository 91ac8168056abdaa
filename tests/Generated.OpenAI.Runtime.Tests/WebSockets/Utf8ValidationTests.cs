using System;
using System.Text.Unicode;
using Generated.OpenAI.WebSockets;
using Xunit;

namespace Generated.OpenAI.Runtime.Tests.WebSockets;

/// <summary>
/// The UTF-8 check that also finds where a text message's plain tail starts (the pass a realtime session's typed audio
/// deltas rely on instead of checking their body again): against <see cref="Utf8.IsValid(ReadOnlySpan{byte})"/> and a
/// scalar oracle of the tail, for every length around the vector loops' edges, every offset from a 64-byte boundary,
/// and a stop byte, a non-ASCII sequence or a broken one at every position.
/// </summary>
public sealed class Utf8ValidationTests
{
    /// <summary>One past the last byte before the last two that is below '+', from 0x80, or a backslash; 0 for none.</summary>
    private static int OracleTailStart(ReadOnlySpan<byte> text)
    {
        for (int i = text.Length - 3; i >= 0; i--)
        {
            if ((sbyte)text[i] < (sbyte)'+' || text[i] == (byte)'\\')
            {
                return i + 1;
            }
        }

        return 0;
    }

    private static void AssertAgrees(ReadOnlySpan<byte> text, string what)
    {
        bool valid = Utf8Validation.IsValid(text, out int tailStart);
        Assert.True(Utf8.IsValid(text) == valid, $"valid: {what}");
        if (tailStart != -1)
        {
            Assert.True(OracleTailStart(text) == tailStart, $"tail {tailStart}, oracle {OracleTailStart(text)}: {what}");
        }
        else
        {
            // Only a message too short for one vector block (or with no Vector256) is not looked at.
            Assert.True(text.Length < 2 + 32 || !System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated, $"not found: {what}");
        }
    }

    [Fact]
    public void The_tail_and_the_verdict_agree_with_the_oracles_for_every_length_and_a_bad_byte_at_every_position()
    {
        byte[] alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="u8.ToArray();
        var random = new Random(17);
        foreach (int length in (int[])[0, 1, 2, 3, 33, 34, 35, 65, 66, 67, 97, 129, 130, 131, 200, 258, 300])
        {
            byte[] text = new byte[length];
            for (int i = 0; i < length; i++)
            {
                text[i] = alphabet[random.Next(alphabet.Length)];
            }

            AssertAgrees(text, $"length {length}, plain");
            for (int i = 0; i < length; i++)
            {
                byte original = text[i];
                foreach (byte b in (byte[])[0x00, 0x1F, (byte)' ', (byte)'"', (byte)'*', (byte)'+', (byte)'\\', 0x7F, 0x80, 0xC3, 0xFF])
                {
                    text[i] = b;
                    AssertAgrees(text, $"length {length}, 0x{b:X2} at {i}");
                }

                // A whole two-byte sequence (valid), and one cut at the end or split by a plain byte (invalid).
                if (i + 1 < length)
                {
                    byte next = text[i + 1];
                    (text[i], text[i + 1]) = ((byte)0xC3, (byte)0xA9);
                    AssertAgrees(text, $"length {length}, é at {i}");
                    text[i + 1] = next;
                }

                text[i] = original;
            }
        }
    }

    [Fact]
    public void The_tail_is_found_wherever_the_text_starts_from_a_64_byte_boundary()
    {
        byte[] buffer = new byte[64 + 400];
        buffer.AsSpan().Fill((byte)'A');
        foreach (int length in (int[])[66, 127, 128, 130, 194, 300])
        {
            for (int offset = 0; offset < 64; offset++)
            {
                Span<byte> text = buffer.AsSpan(offset, length);
                foreach (int stop in (int[])[0, 1, length / 2, length - 67, length - 66, length - 65, length - 64, length - 63, length - 4, length - 3, length - 2, length - 1])
                {
                    if (stop < 0)
                    {
                        continue;
                    }

                    text[stop] = (byte)'"';
                    AssertAgrees(text, $"length {length} at offset {offset}, quote at {stop}");
                    text[stop] = (byte)'A';
                }
            }
        }
    }

    /// <summary>
    /// The walk loads the message's last block where it is, then four blocks a step down from the vector-aligned address
    /// below the end, then a block at a time to the stop, and ors together the blocks from there down for the ASCII
    /// check: for every offset from a 64-byte boundary (both widths' alignments), lengths around those steps' edges for
    /// 32- and 64-byte vectors, a quote or a non-ASCII byte at every position.
    /// </summary>
    [Fact]
    public void The_tail_and_the_verdict_agree_with_the_oracles_for_a_stop_at_every_position_wherever_the_text_starts()
    {
        byte[] buffer = new byte[64 + 700];
        foreach (int length in (int[])[34, 35, 66, 67, 97, 130, 131, 162, 163, 194, 258, 259, 290, 322, 323, 386, 514, 515, 578, 579, 650])
        {
            for (int offset = 0; offset < 64; offset++)
            {
                buffer.AsSpan().Fill((byte)'A');
                Span<byte> text = buffer.AsSpan(offset, length);
                AssertAgrees(text, $"length {length} at offset {offset}, plain");
                for (int stop = 0; stop < length; stop++)
                {
                    foreach (byte b in (byte[])[(byte)'"', 0x80])
                    {
                        text[stop] = b;
                        AssertAgrees(text, $"length {length} at offset {offset}, 0x{b:X2} at {stop}");
                    }

                    text[stop] = (byte)'A';
                }
            }
        }
    }

    /// <summary>
    /// Below the tail's stop the bytes are or'ed together a block at a time (the last block at 0, overlapping the one
    /// above): a non-ASCII byte, a whole two-byte sequence or a lone lead byte, at every position below a quote, in the
    /// stop's block, the blocks under it and the overlapping one, wherever the text starts.
    /// </summary>
    [Fact]
    public void A_non_ascii_byte_anywhere_before_the_tail_is_validated_as_utf8_wherever_the_text_starts()
    {
        byte[] buffer = new byte[64 + 700];
        foreach (int length in (int[])[66, 130, 323, 579])
        {
            for (int offset = 0; offset < 64; offset += 3)
            {
                buffer.AsSpan().Fill((byte)'A');
                Span<byte> text = buffer.AsSpan(offset, length);
                foreach (int quote in (int[])[1, 31, 32, 33, 63, 64, 65, 97, 128, 200, 255, 256, 257, length - 67, length - 66, length - 65, length - 4, length - 3])
                {
                    if (quote < 1 || quote > length - 3)
                    {
                        continue;
                    }

                    text[quote] = (byte)'"';
                    for (int i = 0; i < quote - 1; i++)
                    {
                        (byte first, byte second) = (text[i], text[i + 1]);
                        (text[i], text[i + 1]) = ((byte)0xC3, (byte)0xA9);
                        AssertAgrees(text, $"length {length} at offset {offset}, quote at {quote}, é at {i}");
                        text[i + 1] = (byte)'A';
                        AssertAgrees(text, $"length {length} at offset {offset}, quote at {quote}, lone 0xC3 at {i}");
                        (text[i], text[i + 1]) = (first, second);
                    }

                    text[quote] = (byte)'A';
                }
            }
        }
    }

    [Fact]
    public void Finding_the_tail_of_an_audio_delta_allocates_nothing()
    {
        // A 20 ms delta's shape: the members, then 1,280 bytes of base64 and the closing quote and brace.
        byte[] message = System.Text.Encoding.UTF8.GetBytes("{\"type\":\"response.output_audio.delta\",\"event_id\":\"event_1\",\"delta\":\"" + new string('A', 1280) + "\"}");
        int expected = message.Length - 2 - 1280;
        Assert.True(Utf8Validation.IsValid(message, out int tailStart) && (tailStart == expected || !System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated));
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            Utf8Validation.IsValid(message, out tailStart);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
