using System;
using System.Net.WebSockets;

namespace Generated.OpenAI.Realtime;

/// <summary>An operation waited for a server event, but the session ended first (normal close, dispose).</summary>
public sealed class RealtimeSessionClosedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RealtimeSessionClosedException(string message, WebSocketCloseStatus? closeStatus, Exception? innerException = null)
        : base(message, innerException)
    {
        CloseStatus = closeStatus;
    }

    /// <summary>The close status the server sent, if it closed the connection.</summary>
    public WebSocketCloseStatus? CloseStatus { get; }
}
