using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Generated.OpenAI.Http;

/// <summary>
/// Builds the re-creatable content factories that <see cref="PipelineRequest.Content"/> takes. Each factory
/// returns fresh <see cref="HttpContent"/> per call, so a retried attempt resends the same body.
/// </summary>
public static class PipelineContent
{
    /// <summary>The <c>application/json</c> media type.</summary>
    public const string JsonMediaType = "application/json";

    /// <summary>
    /// JSON written once, now, by <paramref name="write"/>; every attempt sends the same UTF-8 bytes as <c>application/json</c>.
    /// </summary>
    /// <param name="write">Writes exactly one JSON value.</param>
    public static Func<HttpContent> Json(Action<Utf8JsonWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = false }))
        {
            write(writer);
            writer.Flush();
        }
        return Bytes(buffer.WrittenMemory, JsonMediaType);
    }

    /// <summary>Already-serialized UTF-8 JSON sent as <c>application/json</c>.</summary>
    /// <param name="utf8Json">The JSON bytes; not copied, so they must not change while the request may be sent.</param>
    public static Func<HttpContent> Json(ReadOnlyMemory<byte> utf8Json) => Bytes(utf8Json, JsonMediaType);

    /// <summary>Raw bytes with a content type (for example <c>application/sdp</c> or <c>application/octet-stream</c>).</summary>
    /// <param name="content">The bytes; not copied, so they must not change while the request may be sent.</param>
    /// <param name="mediaType">The <c>Content-Type</c>, for example <c>application/sdp</c>.</param>
    public static Func<HttpContent> Bytes(ReadOnlyMemory<byte> content, string mediaType)
    {
        ArgumentException.ThrowIfNullOrEmpty(mediaType);
        MediaTypeHeaderValue contentType = MediaTypeHeaderValue.Parse(mediaType);
        return () =>
        {
            var httpContent = new ReadOnlyMemoryContent(content);
            httpContent.Headers.ContentType = contentType;
            return httpContent;
        };
    }

    /// <summary>Text with a content type; UTF-8 encoded once.</summary>
    /// <param name="text">The text.</param>
    /// <param name="mediaType">The media type (a <c>charset=utf-8</c> parameter is added).</param>
    public static Func<HttpContent> Text(string text, string mediaType = "text/plain")
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentException.ThrowIfNullOrEmpty(mediaType);
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(text);
        var contentType = new MediaTypeHeaderValue(mediaType) { CharSet = "utf-8" };
        return () =>
        {
            var httpContent = new ByteArrayContent(bytes);
            httpContent.Headers.ContentType = contentType;
            return httpContent;
        };
    }

    /// <summary>
    /// A seekable stream sent from its current position on every attempt; the stream is neither copied nor disposed.
    /// A non-seekable stream can be sent once only: the call is then not retried, and its first failure is reported.
    /// </summary>
    /// <param name="content">The stream.</param>
    /// <param name="mediaType">The <c>Content-Type</c>.</param>
    public static Func<HttpContent> Stream(Stream content, string mediaType)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrEmpty(mediaType);
        MediaTypeHeaderValue contentType = MediaTypeHeaderValue.Parse(mediaType);
        var source = new ReplayableStreamSource(content);
        return () =>
        {
            source.BeginAttempt();
            var httpContent = new ReplayableStreamContent(source);
            httpContent.Headers.ContentType = contentType;
            return httpContent;
        };
    }

    /// <summary><c>application/x-www-form-urlencoded</c> fields; <see langword="null"/> values are skipped.</summary>
    /// <param name="fields">The fields in order.</param>
    public static Func<HttpContent> FormUrlEncoded(IEnumerable<KeyValuePair<string, string?>> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var copy = new List<KeyValuePair<string, string>>();
        foreach (KeyValuePair<string, string?> field in fields)
        {
            if (field.Value is not null)
            {
                copy.Add(new(field.Key, field.Value));
            }
        }
        return () => new FormUrlEncodedContent(copy);
    }

    /// <summary>Starts a <c>multipart/form-data</c> body; call <see cref="MultipartContentBuilder.Build"/> for the factory.</summary>
    public static MultipartContentBuilder Multipart() => new();
}
