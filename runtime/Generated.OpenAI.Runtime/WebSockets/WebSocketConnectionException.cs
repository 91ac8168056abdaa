using System;
using System.Net.WebSockets;

namespace Generated.OpenAI.WebSockets;

/// <summary>
/// The connection can no longer be used. The base of a closed set: <see cref="WebSocketHandshakeException"/>
/// (the upgrade failed) and <see cref="WebSocketProtocolException"/> (the server broke the protocol; the client
/// closed with <see cref="CloseStatus"/>). Any other death (dropped socket, close timeout, cancellation, dispose)
/// is this type itself, with <see cref="Reason"/> saying which.
/// </summary>
public class WebSocketConnectionException : Exception
{
    internal WebSocketConnectionException(ShutdownReason reason, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Reason = reason;
    }

    internal WebSocketConnectionException(ShutdownReason reason, WebSocketCloseStatus? closeStatus, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Reason = reason;
        CloseStatus = closeStatus;
    }

    /// <summary>Why the connection ended.</summary>
    public ShutdownReason Reason { get; }

    /// <summary>The close status the client sent (protocol errors) or received, when there was one.</summary>
    public WebSocketCloseStatus? CloseStatus { get; }
}
