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
using Generated.OpenAI.Http;

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
    private const int MaxServerMessageLength = 1000;
    private const int MaxReasonPhraseLength = 200;
    private const int MinSecretLength = 8;

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
    /// negotiated subprotocol. Consumes exactly the header block from <paramref name="reader"/> (and, for a refused
    /// upgrade, up to <see cref="MaxErrorBodyBytes"/> of its body).
    /// </summary>
    public static async ValueTask<string?> ReadResponseAsync(PipeReader reader, string key, WebSocketConnectionOptions options, CancellationToken cancellationToken)
    {
        List<string> secrets = CollectSecrets(options);
        UpgradeResponse response = default;
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
                    response = ParseHeaderBlock(headerBlock, secrets);
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
            byte[]? body = await TryReadBodyAsync(reader, response.StatusCode, response.Headers, cancellationToken).ConfigureAwait(false);
            throw CreateRefusal(response, body, secrets);
        }

        return Validate(response, key, options, secrets);
    }

    /// <summary>
    /// The exception for a refused upgrade. Its message carries the server's own explanation (the <c>error.message</c>
    /// of OpenAI's error JSON) when there is one, so that a user sees why, not just the status; every text the server
    /// wrote is scrubbed of the request's credentials and of anything shaped like a key first.
    /// </summary>
    private static WebSocketHandshakeException CreateRefusal(UpgradeResponse response, byte[]? body, List<string> secrets)
    {
        string? serverMessage = body is null ? null : ApiErrorBody.Parse(body).Message;
        serverMessage = ToSingleLine(Redaction.ScrubCredentials(serverMessage, secrets), MaxServerMessageLength);
        var message = new StringBuilder("The server refused the WebSocket upgrade (HTTP ")
            .Append(response.StatusCode.ToString(CultureInfo.InvariantCulture));
        if (!string.IsNullOrEmpty(response.ReasonPhrase))
        {
            message.Append(' ').Append(response.ReasonPhrase);
        }

        message.Append(')');
        if (string.IsNullOrEmpty(serverMessage))
        {
            message.Append('.');
        }
        else
        {
            message.Append(": ").Append(serverMessage);
            if (serverMessage[^1] is not ('.' or '!' or '?'))
            {
                message.Append('.');
            }
        }

        return new WebSocketHandshakeException(response.StatusCode, response.ReasonPhrase, response.Headers, message.ToString())
        {
            ResponseBody = body is null ? null : Redaction.ScrubCredentials(Encoding.UTF8.GetString(body), secrets),
        };
    }

    /// <summary>
    /// The values of the request headers that may be credentials: every header off the harmless allow-list
    /// (<see cref="Redaction.IsHarmlessHeader"/>), and the token after an auth scheme (<c>Bearer sk-...</c>).
    /// Values under <see cref="MinSecretLength"/> characters are skipped: scrubbing them would garble the text.
    /// </summary>
    private static List<string> CollectSecrets(WebSocketConnectionOptions options)
    {
        var secrets = new List<string>();
        foreach (KeyValuePair<string, string> header in options.Headers)
        {
            if (Redaction.IsHarmlessHeader(header.Key) || header.Value is null)
            {
                continue;
            }

            string value = header.Value.Trim();
            int space = value.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0)
            {
                Add(value.Substring(space + 1).Trim());
            }

            Add(value);
        }

        return secrets;

        void Add(string secret)
        {
            if (secret.Length >= MinSecretLength && !secrets.Contains(secret))
            {
                secrets.Add(secret);
            }
        }
    }

    /// <summary>Control characters (a server could forge log lines with them) become spaces; the text is cut at <paramref name="maxLength"/>.</summary>
    private static string? ToSingleLine(string? text, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var builder = new StringBuilder(Math.Min(text.Length, maxLength + 3));
        foreach (char c in text.AsSpan().Trim())
        {
            if (builder.Length == maxLength)
            {
                return builder.Append("...").ToString();
            }

            builder.Append(char.IsControl(c) ? ' ' : c);
        }

        return builder.ToString();
    }

    /// <summary>
    /// Reads the body of a refused upgrade, framed by Content-Length or by chunked transfer coding, and returns at
    /// most <see cref="MaxErrorBodyBytes"/> of it: the whole body, or what arrived before the limit, the end of the
    /// stream, a framing error or <paramref name="cancellationToken"/> (the connect timeout) stopped the reading.
    /// Null when the response has no body the client can delimit. The caller owns the returned array.
    /// </summary>
    private static async ValueTask<byte[]?> TryReadBodyAsync(PipeReader reader, int statusCode, List<KeyValuePair<string, string>> headers, CancellationToken cancellationToken)
    {
        if (statusCode is < 200 or 204 or 304)
        {
            return null;
        }

        string? transferEncoding = null;
        string? contentLength = null;
        foreach (KeyValuePair<string, string> header in headers)
        {
            if (string.Equals(header.Key, "Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                transferEncoding = transferEncoding is null ? header.Value : transferEncoding + ", " + header.Value;
            }
            else if (string.Equals(header.Key, "Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                contentLength = contentLength is null || contentLength == header.Value ? header.Value : "conflict";
            }
        }

        long length = -1;
        bool chunked = false;
        if (transferEncoding is not null)
        {
            // RFC 9112 section 6.3: Transfer-Encoding wins over Content-Length; only chunked as the final coding is readable.
            string[] codings = transferEncoding.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            chunked = codings.Length > 0 && string.Equals(codings[^1], "chunked", StringComparison.OrdinalIgnoreCase);
            if (!chunked)
            {
                return null;
            }
        }
        else if (contentLength is null || !long.TryParse(contentLength, NumberStyles.None, CultureInfo.InvariantCulture, out length) || length == 0)
        {
            return null; // no body, or one delimited only by the end of the connection: not worth waiting for
        }

        var body = new ArrayBufferWriter<byte>(chunked ? 1024 : (int)Math.Min(length, MaxErrorBodyBytes));
        var decoder = new ChunkedBodyDecoder();
        try
        {
            while (true)
            {
                ReadResult result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                bool done;
                SequencePosition consumed;
                if (chunked)
                {
                    done = decoder.Decode(buffer, body, MaxErrorBodyBytes, out consumed);
                }
                else
                {
                    long take = Math.Min(buffer.Length, Math.Min(length, MaxErrorBodyBytes) - body.WrittenCount);
                    ReadOnlySequence<byte> slice = buffer.Slice(0, take);
                    slice.CopyTo(body.GetSpan((int)take));
                    body.Advance((int)take);
                    consumed = slice.End;
                    done = body.WrittenCount == Math.Min(length, MaxErrorBodyBytes);
                }

                reader.AdvanceTo(consumed, buffer.End);
                if (done || result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            // The status code is the important part; keep whatever part of the body arrived in time.
        }

        return body.WrittenCount == 0 ? null : body.WrittenSpan.ToArray();
    }

    private static UpgradeResponse ParseHeaderBlock(ReadOnlySequence<byte> block, List<string> secrets)
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
            reasonPhrase = ToSingleLine(Redaction.ScrubCredentials(statusParts[2], secrets), MaxReasonPhraseLength);
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

            // A server may echo a credential in any header (WWW-Authenticate's error_description, a debugging header):
            // credential headers are hidden whole, every other value is scrubbed.
            string name = line.Substring(0, colon).Trim();
            string value = Redaction.IsSensitiveHeader(name) ? "***" : Redaction.ScrubCredentials(line.Substring(colon + 1).Trim(), secrets)!;
            headers.Add(new KeyValuePair<string, string>(name, value));
        }

        return new UpgradeResponse(string.Equals(statusParts[0], "HTTP/1.1", StringComparison.Ordinal), statusCode, reasonPhrase, headers);
    }

    private static string? Validate(UpgradeResponse response, string key, WebSocketConnectionOptions options, List<string> secrets)
    {
        (bool isHttp11, int statusCode, string? reasonPhrase, List<KeyValuePair<string, string>> headers) = response;
        if (!isHttp11)
        {
            // RFC 6455 section 4.1: the upgrade is an HTTP/1.1 mechanism; an HTTP/1.0 "101" is not a switch.
            throw new WebSocketHandshakeException(statusCode, reasonPhrase, headers, "The server answered 101 with an HTTP version other than HTTP/1.1; a WebSocket upgrade requires HTTP/1.1.");
        }

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
                throw new WebSocketHandshakeException(statusCode, reasonPhrase, headers,
                    $"The server selected subprotocol '{ToSingleLine(Redaction.ScrubCredentials(subProtocol, secrets), MaxReasonPhraseLength)}', which the client did not offer.");
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

    /// <summary>The status line and headers of the upgrade response; header values already scrubbed of secrets.</summary>
    private readonly record struct UpgradeResponse(bool IsHttp11, int StatusCode, string? ReasonPhrase, List<KeyValuePair<string, string>> Headers);

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
