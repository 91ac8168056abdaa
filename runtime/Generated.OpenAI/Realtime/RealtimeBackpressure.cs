namespace Generated.OpenAI.Realtime;

/// <summary>What a session does when the app reads events more slowly than the server sends them.</summary>
public enum RealtimeBackpressure
{
    /// <summary>
    /// Stop reading the socket until the app has read events (the default): nothing is lost, TCP slows the server
    /// down, and audio arrives late rather than never. Keep reading events, or set an audio sink, so that it never
    /// has to.
    /// </summary>
    Wait,

    /// <summary>
    /// Drop the oldest queued audio deltas to make room (counted in <c>DroppedAudioDeltas</c>); every other event
    /// is kept, and the session waits as with <see cref="Wait"/> only when no audio delta is left to drop. For live
    /// playback, where late audio is worth less than current audio.
    /// </summary>
    DropOldestAudio,
}
