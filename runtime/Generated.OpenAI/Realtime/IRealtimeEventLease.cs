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

    /// <summary>
    /// The receive side is about to go on while the app still holds the event: a hold that so far relied on nothing
    /// being received (a delta a reader's step lent straight from the receive buffer) retains its message now. Called by
    /// whoever ends a soft park while no receive can run (the loop parked, no reader's step under way), under the
    /// queue's lock; a no-op for a hold that already retains, or one released.
    /// </summary>
    void KeepPastReceive();
}
