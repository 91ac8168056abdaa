namespace Generated.OpenAI.Simulator;

/// <summary>The realtime session types, chosen by the WebSocket URL.</summary>
public enum RealtimeSessionKind
{
    /// <summary><c>/v1/realtime?model=…</c>: a speech-to-speech assistant (<c>session.type: realtime</c>).</summary>
    VoiceAgent,

    /// <summary><c>/v1/realtime?intent=transcription</c>: live speech to text (<c>session.type: transcription</c>).</summary>
    Transcription,

    /// <summary><c>/v1/realtime/translations?model=…</c>: continuous interpretation with its own event vocabulary.</summary>
    Translation,

    /// <summary>
    /// <c>/v1/realtime?call_id=…</c>: a server-side (sideband) voice-agent session attached to an accepted call
    /// (<see cref="RealtimeSimulator.StartIncomingCall"/>).
    /// </summary>
    Sideband,
}
