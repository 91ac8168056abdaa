using System;
using System.Collections.Generic;

namespace Generated.OpenAI.WebSockets;

/// <summary>
/// The HTTP/1.1 upgrade did not produce a WebSocket: the server answered with a status other than 101, or a 101
/// that fails RFC 6455 section 4.1 checks (HTTP/1.1, Upgrade, Connection, Sec-WebSocket-Accept, subprotocol, extensions).
/// For a refused upgrade the message includes the server's explanation (the <c>error.message</c> of OpenAI's error
/// JSON), e.g. <c>The server refused the WebSocket upgrade (HTTP 401 Unauthorized): Incorrect API key provided: sk-...wxyz.</c>
/// No text of this exception contains a credential: request header values never appear, and whatever the server
/// wrote (message, reason phrase, headers, body) is scrubbed of the request's credential values (the bearer token
/// among them) and of anything shaped like an OpenAI key (<c>sk-...</c>) or ephemeral secret (<c>ek_...</c>).
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
    /// The body of a refused upgrade (e.g. the server's error JSON), framed by Content-Length or chunked, redacted as
    /// described on the type: at most its first 64 KiB, and only what arrived within the connect timeout.
    /// <see langword="null"/> when there was no body the client could delimit. Only the error JSON's message is
    /// part of <see cref="Exception.Message"/>.
    /// </summary>
    public string? ResponseBody { get; internal init; }

    /// <summary>The response headers in wire order (credential headers hidden, other values scrubbed). Owned by the exception.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ResponseHeaders { get; }
}
