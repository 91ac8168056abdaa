namespace Generated.OpenAI.Audio.Tests;

/// <summary>How the chunks of a test WAV are laid out.</summary>
public enum WavLayout
{
    /// <summary>RIFF, fmt, data: the 44-byte (or 68-byte) header.</summary>
    Plain,

    /// <summary>An odd-sized JUNK chunk (with its pad byte) before fmt, a fact and an odd LIST chunk between fmt and data, a LIST after data.</summary>
    ChunksAround,

    /// <summary>RIFF and data sizes 0, as a writer that could not seek back leaves them.</summary>
    StreamingSizeZero,

    /// <summary>RIFF and data sizes 0xFFFFFFFF, as ffmpeg writes to a pipe.</summary>
    StreamingSizeUnknown,
}
