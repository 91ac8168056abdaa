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
}
