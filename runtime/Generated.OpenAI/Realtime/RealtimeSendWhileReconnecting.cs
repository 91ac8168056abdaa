namespace Generated.OpenAI.Realtime;

/// <summary>What a send does while the session is <see cref="RealtimeSessionState.Reconnecting"/>.</summary>
public enum RealtimeSendWhileReconnecting
{
    /// <summary>
    /// The send waits until the session is open again (or has ended), then goes out on the new connection, in the order
    /// the sends were made. At most <see cref="RealtimeReconnectPolicy.MaxQueuedSends"/> sends wait; one more fails
    /// with <see cref="RealtimeConnectionLostException"/>. A waiting send holds the caller's buffer, not a copy.
    /// </summary>
    Wait,

    /// <summary>The send fails at once with <see cref="RealtimeConnectionLostException"/>; audio it carried is counted as dropped.</summary>
    FailFast,
}
