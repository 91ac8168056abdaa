using System;
using System.Net.WebSockets;

namespace Generated.OpenAI.WebSockets;

/// <summary>
/// The server violated RFC 6455 (1002), sent invalid UTF-8 (1007) or a message larger than
/// <see cref="WebSocketConnectionOptions.MaxMessageSize"/> (1009). The client sent a close frame with
/// <see cref="WebSocketConnectionException.CloseStatus"/> and closed the socket.
/// </summary>
public sealed class WebSocketProtocolException : WebSocketConnectionException
{
    internal WebSocketProtocolException(ShutdownReason reason, WebSocketCloseStatus closeStatus, string message, Exception? innerException = null)
        : base(reason, closeStatus, message, innerException)
    {
    }
}
