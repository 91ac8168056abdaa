namespace Generated.OpenAI.Runtime.Tests.Audio;

/// <summary>
/// Test data: realtime event types as UTF-8. The runtime names no realtime event (the SDK's generated constants do,
/// e.g. <c>RealtimeAudioBufferAppend.TypeUtf8</c>), and these tests do not reference the SDK, so they
/// spell the wire values they send and expect. Arrays, so that they can be passed as <c>ReadOnlyMemory&lt;byte&gt;</c>.
/// </summary>
internal static class RealtimeEventTypes
{
    /// <summary>The voice-agent and transcription audio append.</summary>
    public static readonly byte[] InputAudioBufferAppend = "input_audio_buffer.append"u8.ToArray();

    /// <summary>The translation audio append.</summary>
    public static readonly byte[] SessionInputAudioBufferAppend = "session.input_audio_buffer.append"u8.ToArray();

    /// <summary>The voice-agent output audio delta.</summary>
    public static readonly byte[] ResponseOutputAudioDelta = "response.output_audio.delta"u8.ToArray();

    /// <summary>The translation output audio delta.</summary>
    public static readonly byte[] SessionOutputAudioDelta = "session.output_audio.delta"u8.ToArray();
}
