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
}
