using System;

namespace Generated.OpenAI.Audio;

/// <summary>
/// The bytes are not a WAV file this package can read: not RIFF/WAVE, a header cut short, a format it does not
/// decode, or sizes no real file has. The message says what was wrong and where. A <see cref="FormatException"/>, so
/// code that already treats malformed input as such keeps working.
/// </summary>
public sealed class WavFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was wrong.</param>
    /// <param name="offset">The byte offset from the start of the WAV where it was found, or -1 if unknown.</param>
    public WavFormatException(string message, long offset = -1)
        : base(offset >= 0 ? $"{message} (at byte {offset})" : message)
    {
        Offset = offset;
    }

    /// <summary>The byte offset from the start of the WAV where the problem was found, or -1 if unknown.</summary>
    public long Offset { get; }
}
