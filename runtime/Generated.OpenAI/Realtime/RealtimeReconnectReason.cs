namespace Generated.OpenAI.Realtime;

/// <summary>Why a realtime session reconnected.</summary>
public enum RealtimeReconnectReason
{
    /// <summary>The connection dropped (TCP reset, transport error, no answer to keep-alive pings).</summary>
    ConnectionLost,

    /// <summary>The server closed the WebSocket with a status that invites a retry (1001, 1011, 1012, 1013, 1014 by default).</summary>
    ServerClosed,

    /// <summary>The server ended the session at its maximum length (an <c>error</c> with code <c>session_expired</c>, then a close).</summary>
    SessionExpired,

    /// <summary>
    /// The session renewed itself shortly before its maximum length (<see cref="RealtimeResumeOptions.RenewBeforeExpiry"/>):
    /// the client closed the old connection (1000) and opened a new one.
    /// </summary>
    Renewal,
}
