namespace Generated.OpenAI.Realtime;

/// <summary>
/// Where a realtime session stands, for an app that shows "reconnecting" or "unavailable" (see
/// <c>RealtimeSession.State</c> and <c>RealtimeSession.StateChanged</c>). Without a
/// <see cref="RealtimeReconnectPolicy"/> a session only goes from <see cref="Open"/> to <see cref="Closed"/>.
/// </summary>
public enum RealtimeSessionState
{
    /// <summary>The first connection is being made (the session object exists only once it is up, so apps rarely see this).</summary>
    Connecting,

    /// <summary>Connected: sends go out, events come in.</summary>
    Open,

    /// <summary>
    /// The connection was lost (or is being renewed before the session's maximum length): the session waits out a backoff,
    /// connects again and resumes. Sends wait or fail fast (<see cref="RealtimeReconnectPolicy.WhileReconnecting"/>).
    /// </summary>
    Reconnecting,

    /// <summary>
    /// Reconnecting failed for good: the server refused the connection in a way that retrying cannot fix (401, 403,
    /// an invalid request), or every attempt failed. The session has ended; <c>TerminalException</c> says why.
    /// </summary>
    Unavailable,

    /// <summary>The session ended: closed by the app or the server, disposed, or failed in a way reconnecting does not address.</summary>
    Closed,
}
