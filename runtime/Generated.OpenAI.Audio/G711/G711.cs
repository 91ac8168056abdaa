using System;
using System.Buffers.Binary;

namespace Generated.OpenAI.Audio;

/// <summary>One G.711 law's coding of a sample: what the span methods of <see cref="MuLaw"/> and <see cref="ALaw"/> run over.</summary>
internal interface IG711Law
{
    /// <summary>Encodes one 16-bit sample.</summary>
    static abstract byte Encode(short sample);

    /// <summary>The 16-bit sample each of the 256 codes decodes to.</summary>
    static abstract ReadOnlySpan<short> DecodeTable { get; }
}

/// <summary>
/// The span loops both G.711 laws share, specialised per law (<typeparamref name="TLaw"/> is a struct, so the JIT
/// inlines its per-sample coding). The caller owns every span; nothing is allocated.
/// </summary>
internal static class G711<TLaw>
    where TLaw : struct, IG711Law
{
    public static int Encode(ReadOnlySpan<short> samples, Span<byte> destination)
    {
        if (destination.Length < samples.Length)
        {
            throw new ArgumentException($"The destination holds {destination.Length} bytes; {samples.Length} are needed.", nameof(destination));
        }

        for (int i = 0; i < samples.Length; i++)
        {
            destination[i] = TLaw.Encode(samples[i]);
        }

        return samples.Length;
    }

    public static int Decode(ReadOnlySpan<byte> codes, Span<short> destination)
    {
        if (destination.Length < codes.Length)
        {
            throw new ArgumentException($"The destination holds {destination.Length} samples; {codes.Length} are needed.", nameof(destination));
        }

        ReadOnlySpan<short> table = TLaw.DecodeTable;
        for (int i = 0; i < codes.Length; i++)
        {
            destination[i] = table[codes[i]];
        }

        return codes.Length;
    }

    public static int EncodePcm16(ReadOnlySpan<byte> pcm16, Span<byte> destination)
    {
        int samples = pcm16.Length / 2;
        if (destination.Length < samples)
        {
            throw new ArgumentException($"The destination holds {destination.Length} bytes; {samples} are needed.", nameof(destination));
        }

        for (int i = 0; i < samples; i++)
        {
            destination[i] = TLaw.Encode(BinaryPrimitives.ReadInt16LittleEndian(pcm16[(2 * i)..]));
        }

        return samples;
    }

    public static int DecodePcm16(ReadOnlySpan<byte> codes, Span<byte> pcm16)
    {
        if (pcm16.Length / 2 < codes.Length)
        {
            throw new ArgumentException($"The destination holds {pcm16.Length} bytes; {2 * codes.Length} are needed.", nameof(pcm16));
        }

        ReadOnlySpan<short> table = TLaw.DecodeTable;
        for (int i = 0; i < codes.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(pcm16[(2 * i)..], table[codes[i]]);
        }

        return 2 * codes.Length;
    }
}
