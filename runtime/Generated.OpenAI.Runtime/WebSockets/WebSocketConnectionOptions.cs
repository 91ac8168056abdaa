using System;
using System.Collections.Generic;
using System.Net.Security;

namespace Generated.OpenAI.WebSockets;

/// <summary>
/// Settings for <see cref="WebSocketConnection.ConnectAsync"/>. Read once at connect time; changing the instance
/// afterwards does not affect a connection that already exists.
/// </summary>
public sealed class WebSocketConnectionOptions
{
    /// <summary>The default <see cref="MaxMessageSize"/>: 16 MiB plus 1 MiB of room for JSON around base64 audio.</summary>
    public const int DefaultMaxMessageSize = (16 * 1024 * 1024) + (1024 * 1024);

    /// <summary>
    /// Extra request headers for the upgrade request, e.g. <c>Authorization: Bearer ...</c> and
    /// <c>OpenAI-Safety-Identifier</c>. Names and values must not contain CR or LF; the handshake headers
    /// (Host, Upgrade, Connection, Sec-WebSocket-*) are written by the connection and may not be set here.
    /// Values are never copied into exception messages.
    /// </summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Subprotocols offered in Sec-WebSocket-Protocol, in order of preference.</summary>
    public IList<string> SubProtocols { get; } = new List<string>();

    /// <summary>
    /// The largest message (sum of fragment payloads) the client accepts; larger ones close the connection with
    /// 1009. Default <see cref="DefaultMaxMessageSize"/>.
    /// </summary>
    public int MaxMessageSize { get; set; } = DefaultMaxMessageSize;

    /// <summary>The default <see cref="KeepAliveTimeout"/>: 30 seconds.</summary>
    public static readonly TimeSpan DefaultKeepAliveTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Interval between unsolicited pings; <see cref="TimeSpan.Zero"/> (default) sends none.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// How long the peer has to show it is alive after a keep-alive ping: if nothing at all arrives from it in that
    /// time (no pong, no data, no ping), the connection is aborted with <see cref="ShutdownReason.KeepAliveTimeout"/>
    /// and a pending or later <see cref="WebSocketConnection.ReceiveMessageAsync"/> throws
    /// <see cref="WebSocketConnectionException"/> with that reason. Default <see cref="DefaultKeepAliveTimeout"/>
    /// (30 s, a fixed value rather than a multiple of the interval, so that it means the same whatever the interval);
    /// <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> turns the check off. Used only when
    /// <see cref="KeepAliveInterval"/> is positive; a ping that is still unanswered keeps its deadline when further
    /// pings go out.
    /// </summary>
    /// <remarks>
    /// The connection reads from the socket only while a <see cref="WebSocketConnection.ReceiveMessageAsync"/> is
    /// pending, so only then can a pong be seen. A deadline that passes while no receive is pending gives no verdict
    /// (the next ping starts a new one); keep a receive loop running, as the realtime session does.
    /// </remarks>
    public TimeSpan KeepAliveTimeout { get; set; } = DefaultKeepAliveTimeout;

    /// <summary>Time allowed for TCP connect, TLS and the upgrade handshake together. Default 30 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Time <see cref="WebSocketConnection.CloseAsync"/> waits for the server's close frame before closing the socket. Default 5 s.</summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Validates the server certificate for wss://. <see langword="null"/> (default) means the platform's standard
    /// validation; certificate validation is never turned off unless this callback does so.
    /// </summary>
    public RemoteCertificateValidationCallback? RemoteCertificateValidationCallback { get; set; }
}
