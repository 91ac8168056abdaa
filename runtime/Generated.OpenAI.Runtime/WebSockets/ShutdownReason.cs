namespace Generated.OpenAI.WebSockets;

/// <summary>
/// Why a <see cref="WebSocketConnection"/> stopped (or never started). Every way a connection can end has a
/// value here; <see cref="WebSocketConnection.ShutdownReason"/> and <see cref="WebSocketConnectionException.Reason"/> carry it.
/// </summary>
public enum ShutdownReason
{
    /// <summary>The connection is still open.</summary>
    None = 0,

    /// <summary>The client called <see cref="WebSocketConnection.CloseAsync"/> and the server answered the close frame.</summary>
    LocalClose,

    /// <summary>The server sent a close frame and the client answered it.</summary>
    RemoteClose,

    /// <summary>The client sent a close frame and the server did not answer within the close timeout; the socket was closed.</summary>
    CloseTimeout,

    /// <summary>The server broke RFC 6455 (reserved bits, unknown opcode, bad fragmentation, masked frame...); the client closed with 1002.</summary>
    ProtocolError,

    /// <summary>A text message or close reason was not valid UTF-8; the client closed with 1007.</summary>
    InvalidPayloadData,

    /// <summary>A message exceeded <see cref="WebSocketConnectionOptions.MaxMessageSize"/>; the client closed with 1009.</summary>
    MessageTooBig,

    /// <summary>The server closed the TCP connection between frames without a close handshake.</summary>
    RemoteDisconnected,

    /// <summary>The server closed the TCP connection in the middle of a frame.</summary>
    RemoteDisconnectedMidFrame,

    /// <summary>The transport failed (socket or TLS error); see the inner exception.</summary>
    TransportError,

    /// <summary>A cancellation token fired during I/O; the connection was aborted because a frame may be half written or read.</summary>
    Canceled,

    /// <summary>The connection was disposed before a close handshake completed.</summary>
    Disposed,

    /// <summary>TCP connect, TLS and the upgrade handshake did not finish within <see cref="WebSocketConnectionOptions.ConnectTimeout"/>.</summary>
    ConnectTimeout,

    /// <summary>The HTTP upgrade was refused or its response was not a valid RFC 6455 handshake.</summary>
    HandshakeFailed,

    /// <summary>
    /// After a keep-alive ping the peer sent nothing (no pong, no data) within
    /// <see cref="WebSocketConnectionOptions.KeepAliveTimeout"/>; the socket was closed without a close handshake.
    /// </summary>
    KeepAliveTimeout,
}
