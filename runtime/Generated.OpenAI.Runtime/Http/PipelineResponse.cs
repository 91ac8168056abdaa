using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Generated.OpenAI.Http;

/// <summary>
/// The raw HTTP response of one call (the last attempt). The caller owns it and must dispose it, which releases
/// the connection; a streaming response (<see cref="HttpCompletionOption.ResponseHeadersRead"/>) is read from
/// <see cref="ContentStream"/>.
/// </summary>
public sealed class PipelineResponse : IDisposable
{
    private byte[]? _buffered;
    private Stream? _contentStream;

    internal PipelineResponse(HttpResponseMessage message, int attempts, TimeSpan elapsed)
    {
        Message = message;
        Attempts = attempts;
        Elapsed = elapsed;
    }

    /// <summary>The underlying response message.</summary>
    public HttpResponseMessage Message { get; }

    /// <summary>The HTTP status code.</summary>
    public int Status => (int)Message.StatusCode;

    /// <summary>Whether the status is 2xx.</summary>
    public bool IsSuccessStatusCode => Message.IsSuccessStatusCode;

    /// <summary>The <c>x-request-id</c> header, to quote when reporting a problem to OpenAI.</summary>
    public string? RequestId => GetHeader("x-request-id");

    /// <summary>How many attempts the call took (1 when it was not retried).</summary>
    public int Attempts { get; }

    /// <summary>Time from the first attempt until the last attempt's response (headers or full body, as requested).</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Response and content headers together.</summary>
    public IEnumerable<KeyValuePair<string, IEnumerable<string>>> Headers =>
        Message.Headers.Concat(Message.Content.Headers);

    /// <summary>The first value of a response or content header, or <see langword="null"/>.</summary>
    /// <param name="name">The header name (case-insensitive).</param>
    public string? GetHeader(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (Message.Headers.TryGetValues(name, out IEnumerable<string>? values)
            || Message.Content.Headers.TryGetValues(name, out values))
        {
            return values.FirstOrDefault();
        }
        return null;
    }

    /// <summary>
    /// The body as a stream: the network stream for a streaming call (read it once), or a stream over the buffered body.
    /// </summary>
    public Stream ContentStream
    {
        get
        {
            if (_buffered is { } buffered)
            {
                return new MemoryStream(buffered, writable: false);
            }
            return _contentStream ??= Message.Content.ReadAsStream();
        }
    }

    /// <summary>Reads (once) and returns the whole body; later calls return the same memory.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async Task<ReadOnlyMemory<byte>> ReadContentAsync(CancellationToken cancellationToken = default)
    {
        if (_buffered is { } buffered)
        {
            return buffered;
        }
        byte[] bytes = await Message.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        _buffered = bytes;
        return bytes;
    }

    /// <summary>Reads the whole body into a new array.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async Task<byte[]> ReadContentAsBytesAsync(CancellationToken cancellationToken = default)
    {
        ReadOnlyMemory<byte> content = await ReadContentAsync(cancellationToken).ConfigureAwait(false);
        return content.ToArray();
    }

    /// <summary>Reads the whole body as UTF-8 text.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async Task<string> ReadContentAsStringAsync(CancellationToken cancellationToken = default)
    {
        ReadOnlyMemory<byte> content = await ReadContentAsync(cancellationToken).ConfigureAwait(false);
        return Encoding.UTF8.GetString(content.Span);
    }

    /// <summary>Disposes the response message and releases the connection.</summary>
    public void Dispose()
    {
        _contentStream?.Dispose();
        Message.Dispose();
    }
}
