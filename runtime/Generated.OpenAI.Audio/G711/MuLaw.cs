using System;

namespace Generated.OpenAI.Audio;

/// <summary>
/// G.711 µ-law (<c>audio/pcmu</c> in realtime sessions, 8 kHz): 16-bit linear PCM to one byte per sample and back, as
/// the ITU-T reference (G.191's <c>ulaw_compress</c>/<c>ulaw_expand</c>) does it: the 14 high bits are coded, negative
/// values in one's complement, so 0 is <c>0xFF</c> and -1 is <c>0x7F</c>; decoding gives the middle of each step, at
/// most ±32,124. Every method works on caller-owned spans and allocates nothing.
/// </summary>
public static class MuLaw
{
    // The magnitude is biased by 33 (in 14-bit units) so that each segment starts at a power of two; 8,191 (0x1FFF)
    // is the largest biased magnitude (segment 7, mantissa 15).
    private const int Bias = 33;
    private const int MaxBiasedMagnitude = 0x1FFF;

    private static readonly short[] s_decodeTable = CreateDecodeTable();

    /// <summary>Encodes one 16-bit sample.</summary>
    public static byte Encode(short sample)
    {
        // One's complement for negatives (~x), as the reference: -1 and 0 have the same magnitude.
        int magnitude = ((sample < 0 ? ~sample : sample) >> 2) + Bias;
        if (magnitude > MaxBiasedMagnitude)
        {
            magnitude = MaxBiasedMagnitude;
        }

        // The segment is the position of the highest set bit above bit 5: 0 for 33..63, 7 for 4096..8191.
        int segment = 31 - int.LeadingZeroCount(magnitude) - 5;
        int mantissa = (magnitude >> (segment + 1)) & 0x0F;
        int code = ~((segment << 4) | mantissa) & 0x7F;
        return (byte)(sample >= 0 ? code | 0x80 : code);
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

    /// <summary>MuLaw for the shared span loops.</summary>
    private readonly struct Law : IG711Law
    {
        public static byte Encode(short sample) => MuLaw.Encode(sample);

        public static ReadOnlySpan<short> DecodeTable => s_decodeTable;
    }

    private static short[] CreateDecodeTable()
    {
        var table = new short[256];
        for (int code = 0; code < 256; code++)
        {
            int inverted = ~code & 0x7F;
            int segment = inverted >> 4;
            int mantissa = inverted & 0x0F;

            // In 16-bit units: the segment starts at (0x80 << segment) - 4 × Bias, steps are (8 << segment) wide, and
            // the decoded value is the middle of the step.
            int step = 8 << segment;
            int magnitude = (0x80 << segment) + (step * mantissa) + (step / 2) - (4 * Bias);
            table[code] = (short)((code & 0x80) != 0 ? magnitude : -magnitude);
        }

        return table;
    }
}
