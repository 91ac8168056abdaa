namespace Generated.OpenAI.Realtime;

/// <summary>The audio format every session uses: PCM16, 24 kHz, mono, little-endian.</summary>
public static class RealtimeAudio
{
    /// <summary>Samples per second.</summary>
    public const int SampleRate = 24000;

    /// <summary>Bytes per second of PCM16 mono at <see cref="SampleRate"/>.</summary>
    public const int BytesPerSecond = SampleRate * 2;

    /// <summary>100 ms of audio: the default chunk of voice and transcription sessions.</summary>
    public const int BytesPer100Milliseconds = BytesPerSecond / 10;

    /// <summary>200 ms of audio (9,600 bytes): the chunk of translation sessions.</summary>
    public const int BytesPer200Milliseconds = BytesPerSecond / 5;
}
