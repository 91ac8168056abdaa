namespace Generated.OpenAI.Realtime;

/// <summary>
/// A queued event's hold on memory it borrows (a lent audio delta's retained message, see
/// <see cref="RealtimeSessionOptions.CopyAudioDeltas"/>). The event queue releases it exactly once, under its lock: when
/// the app reads past the event, when the event is dropped, or when the queue is cleared.
/// </summary>
internal interface IRealtimeEventLease
{
    /// <summary>Gives the borrowed memory back; the event must not be read after this.</summary>
    void Release();
}
