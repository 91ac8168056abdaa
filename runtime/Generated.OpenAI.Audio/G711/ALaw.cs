using System;

namespace Generated.OpenAI.Audio;

/// <summary>
/// G.711 A-law (<c>audio/pcma</c> in realtime sessions, 8 kHz): 16-bit linear PCM to one byte per sample and back, as
/// the ITU-T reference (G.191's <c>alaw_compress</c>/<c>alaw_expand</c>) does it: the 13 high bits are coded, negative
/// values in one's complement, even bits inverted (XOR 0x55), so 0 is <c>0xD5</c> and -1 is <c>0x55</c>; decoding
/// gives the middle of each step, at most ±32,256. Every method works on caller-owned spans and allocates nothing.
/// </summary>
public static class ALaw
{
    private const int EvenBitInversion = 0x55;

    private static readonly short[] s_decodeTable = CreateDecodeTable();

    /// <summary>Encodes one 16-bit sample.</summary>
    public static byte Encode(short sample)
    {
        // 12-bit magnitude; one's complement for negatives (~x), as the reference.
        int magnitude = (sample < 0 ? ~sample : sample) >> 4;
        int code;
        if (magnitude < 32)
        {
            // Segments 0 and 1 share the finest step: the magnitude is the code.
            code = magnitude;
        }
        else
        {
            // Segment s (2..7) holds 16·2^(s-1) ≤ magnitude < 32·2^(s-1); the mantissa is the 4 bits below the top one.
            int segment = 31 - int.LeadingZeroCount(magnitude) - 3;
            code = (segment << 4) | ((magnitude >> (segment - 1)) & 0x0F);
        }

        if (sample >= 0)
        {
            code |= 0x80;
        }

        return (byte)(code ^ EvenBitInversion);
    }

    /// <summary>Decodes one byte to a 16-bit sample (the middle of its step).</summary>
    public static short Decode(byte code) => s_decodeTable[code];

    /// <summary>Encodes samples, one byte each.</summary>
    /// <returns>The number of bytes written: <c>samples.Length</c>.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="samples"/>.</exception>
    public static int Encode(ReadOnlySpan<short> samples, Span<byte> destination) => G711<Law>.Encode(samples, destination);

    /// <summary>Decodes bytes, one 16-bit sample each.</summary>
    /// <returns>The number of samples written: <c>codes.Length</c>.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="codes"/>.</exception>
    public static int Decode(ReadOnlySpan<byte> codes, Span<short> destination) => G711<Law>.Decode(codes, destination);

    /// <summary>
    /// Encodes PCM16 little-endian bytes (what realtime sessions and <see cref="Pcm16MonoStream"/> carry), one byte per
    /// sample; a trailing odd byte is not a sample and is ignored.
    /// </summary>
    /// <returns>The number of bytes written: <c>pcm16.Length / 2</c>.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <c>pcm16.Length / 2</c>.</exception>
    public static int EncodePcm16(ReadOnlySpan<byte> pcm16, Span<byte> destination) => G711<Law>.EncodePcm16(pcm16, destination);

    /// <summary>Decodes bytes to PCM16 little-endian, two bytes per code.</summary>
    /// <returns>The number of bytes written: <c>2 × codes.Length</c>.</returns>
    /// <exception cref="ArgumentException"><paramref name="pcm16"/> is shorter than <c>2 × codes.Length</c>.</exception>
    public static int DecodePcm16(ReadOnlySpan<byte> codes, Span<byte> pcm16) => G711<Law>.DecodePcm16(codes, pcm16);

    /// <summary>ALaw for the shared span loops.</summary>
    private readonly struct Law : IG711Law
    {
        public static byte Encode(short sample) => ALaw.Encode(sample);

        public static ReadOnlySpan<short> DecodeTable => s_decodeTable;
    }

    private static short[] CreateDecodeTable()
    {
        var table = new short[256];
        for (int code = 0; code < 256; code++)
        {
            int plain = (code ^ EvenBitInversion) & 0x7F;
            int segment = plain >> 4;
            int mantissa = plain & 0x0F;
            if (segment > 0)
            {
                mantissa += 16; // the implicit leading one of segments 1..7
            }

            // The middle of the step in 16-bit units: (mantissa << 4) + 8, scaled by the segment.
            int magnitude = (mantissa << 4) + 8;
            if (segment > 1)
            {
                magnitude <<= segment - 1;
            }

            table[code] = (short)((code & 0x80) != 0 ? magnitude : -magnitude);
        }

        return table;
    }
}
