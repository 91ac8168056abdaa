namespace Generated.OpenAI.Audio;

/// <summary>How the samples of a WAV file are encoded (the <c>fmt </c> chunk's format tag, or the subformat of a
/// <c>WAVE_FORMAT_EXTENSIBLE</c> header).</summary>
public enum WavSampleEncoding
{
    /// <summary>Integer PCM (<c>WAVE_FORMAT_PCM</c>, 1): unsigned 8-bit, or signed little-endian 16, 24 or 32-bit.</summary>
    Pcm = 1,

    /// <summary>IEEE 754 floating point (<c>WAVE_FORMAT_IEEE_FLOAT</c>, 3), 32 or 64-bit little-endian, full scale ±1.0.</summary>
    IeeeFloat = 3,

    /// <summary>G.711 A-law (<c>WAVE_FORMAT_ALAW</c>, 6), one byte per sample.</summary>
    ALaw = 6,

    /// <summary>G.711 µ-law (<c>WAVE_FORMAT_MULAW</c>, 7), one byte per sample.</summary>
    MuLaw = 7,
}
