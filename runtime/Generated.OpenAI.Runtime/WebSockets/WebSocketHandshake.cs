using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Generated.OpenAI.WebSockets;

/// <summary>
/// The client side of the RFC 6455 section 4 opening handshake, written by hand over HTTP/1.1. The response is
/// parsed from the same <see cref="PipeReader"/> the frames arrive on, so bytes after the header block stay in the pipe.
/// </summary>
internal static class WebSocketHandshake
{
    private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private const int MaxResponseHeaderBytes = 32 * 1024;
    private const int MaxErrorBodyBytes = 64 * 1024;

    private static readonly string[] s_reservedHeaders =
    [
        "Host", "Upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version", "Sec-WebSocket-Protocol",
        "Sec-WebSocket-Extensions", "Sec-WebSocket-Accept", "Content-Length", "Transfer-Encoding",
    ];

    /// <summary>A fresh Sec-WebSocket-Key: 16 random bytes, base64.</summary>
    public static string CreateKey()
    {
        Span<byte> nonce = stackalloc byte[16];
        RandomNumberGenerator.Fill(nonce);
        return Convert.ToBase64String(nonce);
    }

    /// <summary>The Sec-WebSocket-Accept a server must send for <paramref name="key"/>.</summary>
    public static string ComputeAccept(string key)
    {
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(Encoding.ASCII.GetBytes(key + AcceptGuid), hash);
        return Convert.ToBase64String(hash);
    }

    /// <summary>Checks the caller's extra headers before anything is sent (CR/LF injection, reserved names).</summary>
    public static void ValidateOptions(WebSocketConnectionOptions options)
    {
        foreach (KeyValuePair<string, string> header in options.Headers)
        {
            if (string.IsNullOrEmpty(header.Key) || !IsToken(header.Key))
            {
                throw new ArgumentException("A request header name is empty or not an HTTP token.", nameof(options));
            }

            if (header.Value is null || header.Value.AsSpan().IndexOfAny('\r', '\n') >= 0)
            {
                // Deliberately no value in the message: it may be a credential.
                throw new ArgumentException($"The value of request header '{header.Key}' is null or contains CR/LF.", nameof(options));
            }

            foreach (string reserved in s_reservedHeaders)
            {
                if (string.Equals(reserved, header.Key, StringComparison.OrdinalIgnoreCase))
                {
                    throw new ArgumentException($"Request header '{header.Key}' is written by the connection and cannot be set.", nameof(options));
                }
            }
        }

        foreach (string protocol in options.SubProtocols)
        {
            if (string.IsNullOrEmpty(protocol) || !IsToken(protocol))
            {
                throw new ArgumentException("A subprotocol is empty or not an HTTP token.", nameof(options));
            }
        }

        if (options.MaxMessageSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MaxMessageSize must be positive.");
        }

        if (!IsValidTimeout(options.ConnectTimeout) || !IsValidTimeout(options.CloseTimeout))
        {
            throw new ArgumentOutOfRangeException(nameof(options), "ConnectTimeout and CloseTimeout must be positive or Timeout.InfiniteTimeSpan.");
        }

        if (options.KeepAliveInterval < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "KeepAliveInterval must not be negative.");
        }

        if (!IsValidTimeout(options.KeepAliveTimeout))
        {
            throw new ArgumentOutOfRangeException(nameof(options), "KeepAliveTimeout must be positive or Timeout.InfiniteTimeSpan.");
        }
    }

    /// <summary>The GET upgrade request as bytes.</summary>
    public static byte[] BuildRequest(Uri uri, string key, WebSocketConnectionOptions options)
    {
        var builder = new StringBuilder(256);
        builder.Append("GET ").Append(uri.PathAndQuery).Append(" HTTP/1.1\r\n");
        builder.Append("Host: ").Append(uri.IdnHost);
        if (!uri.IsDefaultPort)
        {
            builder.Append(':').Append(uri.Port.ToString(CultureInfo.InvariantCulture));
        }

        builder.Append("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ")
            .Append(key).Append("\r\n");
        if (options.SubProtocols.Count > 0)
        {
            builder.Append("Sec-WebSocket-Protocol: ").AppendJoin(", ", options.SubProtocols).Append("\r\n");
        }

        foreach (KeyValuePair<string, string> header in options.Headers)
        {
            builder.Append(header.Key).Append(": ").Append(header.Value).Append("\r\n");
        }

        builder.Append("\r\n");
        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    /// <summary>
    /// Reads the response status line and headers, checks them against RFC 6455 section 4.1 and returns the
    /// negotiated subprotocol. Consumes exactly the header block from <paramref name="reader"/>.
    /// </summary>
    public static async ValueTask<string?> ReadResponseAsync(PipeReader reader, string key, WebSocketConnectionOptions options, CancellationToken cancellationToken)
    {
        (int StatusCode, string? ReasonPhrase, List<KeyValuePair<string, string>> Headers) response = (0, null, []);
        bool found = false;
        while (!found)
        {
            ReadResult result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            SequencePosition consumed = buffer.Start;
            SequencePosition examined = buffer.End;
            try
            {
                var sequenceReader = new SequenceReader<byte>(buffer);
                if (sequenceReader.TryReadTo(out ReadOnlySequence<byte> headerBlock, "\r\n\r\n"u8, advancePastDelimiter: true))
                {
                    consumed = sequenceReader.Position;
                    examined = consumed;
                    response = ParseHeaderBlock(headerBlock);
                    found = true;
                }
                else if (buffer.Length > MaxResponseHeaderBytes)
                {
                    throw new WebSocketHandshakeException(0, null, [], $"The upgrade response headers exceed {MaxResponseHeaderBytes} bytes.");
                }
                else if (result.IsCompleted)
                {
                    throw new WebSocketHandshakeException(0, null, [], "The server closed the connection before completing the upgrade response.");
                }
            }
            finally
            {
                reader.AdvanceTo(consumed, examined);
            }
        }

        if (response.StatusCode != 101)
        {
            string? body = await TryReadBodyAsync(reader, response.Headers, cancellationToken).ConfigureAwait(false);
            throw new WebSocketHandshakeException(response.StatusCode, response.ReasonPhrase, response.Headers,
                $"The server refused the WebSocket upgrade with HTTP {response.StatusCode.ToString(CultureInfo.InvariantCulture)} {response.ReasonPhrase}.")
            {
                ResponseBody = body,
            };
        }

        return Validate(response, key, options);
    }

    /// <summary>Reads a refused upgrade's body when it has a small Content-Length (error JSON); null otherwise.</summary>
    private static async ValueTask<string?> TryReadBodyAsync(PipeReader reader, List<KeyValuePair<string, string>> headers, CancellationToken cancellationToken)
    {
        int length = -1;
        foreach (KeyValuePair<string, string> header in headers)
        {
            if (string.Equals(header.Key, "Content-Length", StringComparison.OrdinalIgnoreCase)
                && int.TryParse(header.Value, NumberStyles.None, CultureInfo.InvariantCulture, out int parsed))
            {
                length = parsed;
            }
        }

        if (length <= 0 || length > MaxErrorBodyBytes)
        {
            return null;
        }

        try
        {
            while (true)
            {
                ReadResult result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                if (buffer.Length >= length || result.IsCompleted)
                {
                    string body = Encoding.UTF8.GetString(buffer.Slice(0, Math.Min(length, buffer.Length)));
                    reader.AdvanceTo(buffer.End);
                    return body;
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            return null; // the status code is the important part; a body that does not arrive is not an error of its own
        }
    }

    private static (int StatusCode, string? ReasonPhrase, List<KeyValuePair<string, string>> Headers) ParseHeaderBlock(ReadOnlySequence<byte> block)
    {
        // Handshake-time only: strings are fine here.
        string text = Encoding.Latin1.GetString(block);
        string[] lines = text.Split("\r\n");
        string statusLine = lines[0];
        int statusCode = 0;
        string? reasonPhrase = null;
        string[] statusParts = statusLine.Split(' ', 3);
        if (statusParts.Length < 2 || !statusParts[0].StartsWith("HTTP/1.", StringComparison.Ordinal)
            || !int.TryParse(statusParts[1], NumberStyles.None, CultureInfo.InvariantCulture, out statusCode))
        {
            throw new WebSocketHandshakeException(0, null, [], "The upgrade response does not start with an HTTP/1.x status line.");
        }

        if (statusParts.Length == 3)
        {
            reasonPhrase = statusParts[2];
        }

        var headers = new List<KeyValuePair<string, string>>(lines.Length);
        for (int i = 1; i < lines.Length; i++)
        {
            string line = lines[i];
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new WebSocketHandshakeException(statusCode, reasonPhrase, headers, "The upgrade response contains a malformed header line.");
            }

            string name = line.Substring(0, colon).Trim();
            string value = IsCredentialHeader(name) ? "(redacted)" : line.Substring(colon + 1).Trim();
            headers.Add(new KeyValuePair<string, string>(name, value));
        }

        return (statusCode, reasonPhrase, headers);
    }

    private static string? Validate((int StatusCode, string? ReasonPhrase, List<KeyValuePair<string, string>> Headers) response, string key, WebSocketConnectionOptions options)
    {
        (int statusCode, string? reasonPhrase, List<KeyValuePair<string, string>> headers) = response;

        string? Find(string name)
        {
            string? found = null;
            foreach (KeyValuePair<string, string> header in headers)
            {
                if (string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase))
                {
                    found = found is null ? header.Value : found + ", " + header.Value;
                }
            }

            return found;
        }

        if (!string.Equals(Find("Upgrade"), "websocket", StringComparison.OrdinalIgnoreCase))
        {
            throw new WebSocketHandshakeException(statusCode, reasonPhrase, headers, "The 101 response lacks 'Upgrade: websocket'.");
        }

        if (!ContainsToken(Find("Connection"), "Upgrade"))
        {
            throw new WebSocketHandshakeException(statusCode, reasonPhrase, headers, "The 101 response lacks 'Connection: Upgrade'.");
        }

        if (!string.Equals(Find("Sec-WebSocket-Accept"), ComputeAccept(key), StringComparison.Ordinal))
        {
            throw new WebSocketHandshakeException(statusCode, reasonPhrase, headers, "The 101 response has a missing or wrong Sec-WebSocket-Accept.");
        }

        if (Find("Sec-WebSocket-Extensions") is { Length: > 0 })
        {
            throw new WebSocketHandshakeException(statusCode, reasonPhrase, headers, "The server selected a WebSocket extension the client did not offer.");
        }

        string? subProtocol = Find("Sec-WebSocket-Protocol");
        if (subProtocol is not null)
        {
            bool offered = false;
            foreach (string protocol in options.SubProtocols)
            {
                offered |= string.Equals(protocol, subProtocol, StringComparison.Ordinal);
            }

            if (!offered)
            {
                throw new WebSocketHandshakeException(statusCode, reasonPhrase, headers, $"The server selected subprotocol '{subProtocol}', which the client did not offer.");
            }
        }

        return subProtocol;
    }

    private static bool IsValidTimeout(TimeSpan timeout)
        => timeout == Timeout.InfiniteTimeSpan || (timeout > TimeSpan.Zero && timeout.TotalMilliseconds <= int.MaxValue);

    private static bool ContainsToken(string? value, string token)
    {
        if (value is null)
        {
            return false;
        }

        foreach (string part in value.Split(','))
        {
            if (string.Equals(part.Trim(), token, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsCredentialHeader(string name)
        => string.Equals(name, "Authorization", StringComparison.OrdinalIgnoreCase)
        || string.Equals(name, "Proxy-Authorization", StringComparison.OrdinalIgnoreCase)
        || string.Equals(name, "Set-Cookie", StringComparison.OrdinalIgnoreCase);

    private static bool IsToken(string value)
    {
        foreach (char c in value)
        {
            if (c <= ' ' || c >= 0x7F || "()<>@,;:\\\"/[]?={}".Contains(c, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
