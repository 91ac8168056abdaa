using System;
using System.Collections.Generic;

namespace Generated.OpenAI.WebSockets;

/// <summary>
/// The HTTP/1.1 upgrade did not produce a WebSocket: the server answered with a status other than 101, or a 101
/// that fails RFC 6455 section 4.1 checks (Upgrade, Connection, Sec-WebSocket-Accept, subprotocol, extensions).
/// Messages never contain request header values (the Authorization header in particular).
/// </summary>
public sealed class WebSocketHandshakeException : WebSocketConnectionException
{
    internal WebSocketHandshakeException(int statusCode, string? reasonPhrase, IReadOnlyList<KeyValuePair<string, string>> responseHeaders, string message, Exception? innerException = null)
        : base(ShutdownReason.HandshakeFailed, message, innerException)
    {
        StatusCode = statusCode;
        ReasonPhrase = reasonPhrase;
        ResponseHeaders = responseHeaders;
    }

    /// <summary>The HTTP status code of the response (101 when the response was a bad upgrade), 0 when none was read.</summary>
    public int StatusCode { get; }

    /// <summary>The reason phrase of the status line, if any.</summary>
    public string? ReasonPhrase { get; }

    /// <summary>
    /// The body of a refused upgrade (e.g. the server's error JSON) when it declared a Content-Length of at most
    /// 64 KiB; otherwise <see langword="null"/>. Never part of <see cref="Exception.Message"/>.
    /// </summary>
    public string? ResponseBody { get; internal init; }

    /// <summary>The response headers in wire order (credential-bearing headers redacted). Owned by the exception.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ResponseHeaders { get; }
}
