using System;

namespace Generated.OpenAI.Realtime;

/// <summary>How <c>SendAudioAsync(Stream, ...)</c> cuts and paces a PCM16 stream.</summary>
public sealed class RealtimeAudioStreamOptions
{
    /// <summary>Bytes per append event (even); 0 means the session's default (100 ms = 4,800 bytes; translation 200 ms = 9,600 bytes).</summary>
    public int ChunkBytes { get; set; }

    /// <summary>Sleep between chunks so that audio is sent no faster than real time (24 kHz PCM16). Default: false.</summary>
    public bool PaceInRealTime { get; set; }

    /// <summary>Reports the total number of PCM bytes sent after each chunk.</summary>
    public IProgress<long>? Progress { get; set; }
}
