namespace Generated.OpenAI.Audio;

/// <summary>The client event that appends PCM16 audio to the server's input buffer.</summary>
public enum RealtimeAudioAppendEvent
{
    /// <summary><c>input_audio_buffer.append</c>: voice agent and transcription sessions.</summary>
    InputAudioBufferAppend,

    /// <summary><c>session.input_audio_buffer.append</c>: translation sessions.</summary>
    SessionInputAudioBufferAppend,
}
