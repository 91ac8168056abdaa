using System;
using Generated.OpenAI.Audio;
using Xunit;

namespace Generated.OpenAI.Runtime.Tests.Audio;

/// <summary>
/// <see cref="RealtimeAudioDeltaLayout"/>: the one pass over a typed delta's base64 (vector code, 64 bytes at a time
/// with an overlapping last pair; 32 at a time while copying) against a scalar oracle at every length around the
/// vector sizes and every position.
/// The layout's agreement with the generated reader is tested in the SDK (RealtimeAudioDeltaBuilderTests).
/// </summary>
public sealed class RealtimeAudioDeltaLayoutTests
{
    [Fact]
    public void The_base64_range_check_and_its_copying_form_agree_with_a_scalar_oracle_at_every_position_and_length()
    {
        byte[] alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="u8.ToArray();
        var random = new Random(12);
        for (int length = 0; length <= 200; length++)
        {
            byte[] body = new byte[length];
            for (int i = 0; i < length; i++)
            {
                body[i] = alphabet[random.Next(alphabet.Length)];
            }

            Assert.True(RealtimeAudioDeltaLayout.IsUnescapedBase64Range(body));
            for (int i = 0; i < length; i++)
            {
                byte original = body[i];
                foreach (byte b in (byte[])[0x00, 0x1F, (byte)' ', (byte)'"', (byte)'*', (byte)'+', (byte)'\\', (byte)'[', (byte)'z', (byte)'{', 0x7F, 0x80, 0xFF])
                {
                    body[i] = b;
                    bool oracle = b is >= (byte)'+' and <= 0x7F and not (byte)'\\';
                    Assert.True(oracle == RealtimeAudioDeltaLayout.IsUnescapedBase64Range(body), $"length {length}, 0x{b:X2} at {i}");
                    byte[] copy = new byte[length + 3];
                    Assert.True(oracle == RealtimeAudioDeltaLayout.CopyUnescapedBase64Range(body, copy), $"copied: length {length}, 0x{b:X2} at {i}");
                    Assert.True(copy.AsSpan(0, length).SequenceEqual(body) && copy.AsSpan(length).IndexOfAnyExcept((byte)0) < 0, $"copied bytes: length {length}, 0x{b:X2} at {i}");
                }

                body[i] = original;
            }
        }
    }

    /// <summary>
    /// Where Vector512 is accelerated the check loads its first block where the body starts, then loops from the next
    /// 64-byte boundary: bodies that start at every offset from a boundary, of lengths around the loop's edges, with a
    /// bad byte at every position.
    /// </summary>
    [Fact]
    public void The_base64_range_check_agrees_with_a_scalar_oracle_wherever_the_body_starts_in_its_buffer()
    {
        byte[] alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="u8.ToArray();
        var random = new Random(13);
        byte[] buffer = new byte[64 + 64 + 400];
        for (int i = 0; i < buffer.Length; i++)
        {
            buffer[i] = alphabet[random.Next(alphabet.Length)];
        }

        foreach (int length in (int[])[127, 128, 129, 191, 192, 193, 255, 256, 300, 400])
        {
            for (int offset = 0; offset < 64 + 64; offset++)
            {
                Span<byte> body = buffer.AsSpan(offset, length);
                byte[] copy = new byte[length];
                Assert.True(RealtimeAudioDeltaLayout.IsUnescapedBase64Range(body), $"length {length} at offset {offset}");
                for (int i = 0; i < length; i++)
                {
                    byte original = body[i];
                    foreach (byte b in (byte[])[0x1F, (byte)'"', (byte)'\\', 0x80])
                    {
                        body[i] = b;
                        Assert.False(RealtimeAudioDeltaLayout.IsUnescapedBase64Range(body), $"length {length} at offset {offset}, 0x{b:X2} at {i}");
                        Assert.False(RealtimeAudioDeltaLayout.CopyUnescapedBase64Range(body, copy), $"copied: length {length} at offset {offset}, 0x{b:X2} at {i}");
                        Assert.True(copy.AsSpan(0, length).SequenceEqual(body), $"copied bytes: length {length} at offset {offset}, 0x{b:X2} at {i}");
                    }

                    body[i] = original;
                }
            }
        }
    }
}
