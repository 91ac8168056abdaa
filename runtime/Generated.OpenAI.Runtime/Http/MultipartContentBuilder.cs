using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;

namespace Generated.OpenAI.Http;

/// <summary>
/// Collects the parts of a <c>multipart/form-data</c> body (strings, files with name and media type, repeated
/// names such as <c>image[]</c>) and builds a factory that creates fresh content per attempt.
/// </summary>
public sealed class MultipartContentBuilder
{
    private readonly List<Func<MultipartFormDataContent, HttpContent>> _parts = [];
    private readonly string _boundary = "----GeneratedOpenAI" + Guid.NewGuid().ToString("N");

    internal MultipartContentBuilder()
    {
    }

    /// <summary>The number of parts added.</summary>
    public int Count => _parts.Count;

    /// <summary>Adds a text field; <see langword="null"/> is skipped.</summary>
    /// <param name="name">The field name.</param>
    /// <param name="value">The value.</param>
    public MultipartContentBuilder AddString(string name, string? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (value is null)
        {
            return this;
        }
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        _parts.Add(form =>
        {
            var part = new ByteArrayContent(bytes);
            form.Add(part, name);
            return part;
        });
        return this;
    }

    /// <summary>Adds a text field with its own <c>Content-Type</c> (for example <c>application/sdp</c>); <see langword="null"/> is skipped.</summary>
    /// <param name="name">The field name.</param>
    /// <param name="value">The value, sent as UTF-8.</param>
    /// <param name="mediaType">The part's media type.</param>
    public MultipartContentBuilder AddText(string name, string? value, string mediaType)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(mediaType);
        if (value is null)
        {
            return this;
        }
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        MediaTypeHeaderValue contentType = MediaTypeHeaderValue.Parse(mediaType);
        _parts.Add(form =>
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = contentType;
            form.Add(part, name);
            return part;
        });
        return this;
    }

    /// <summary>Adds a Boolean field as <c>true</c>/<c>false</c>; <see langword="null"/> is skipped.</summary>
    /// <param name="name">The field name.</param>
    /// <param name="value">The value.</param>
    public MultipartContentBuilder AddString(string name, bool? value) =>
        AddString(name, value is null ? null : value.Value ? "true" : "false");

    /// <summary>Adds a number field formatted invariantly; <see langword="null"/> is skipped.</summary>
    /// <param name="name">The field name.</param>
    /// <param name="value">The value.</param>
    public MultipartContentBuilder AddString(string name, double? value) =>
        AddString(name, value?.ToString("R", CultureInfo.InvariantCulture));

    /// <summary>Adds an integer field formatted invariantly; <see langword="null"/> is skipped.</summary>
    /// <param name="name">The field name.</param>
    /// <param name="value">The value.</param>
    public MultipartContentBuilder AddString(string name, long? value) =>
        AddString(name, value?.ToString(CultureInfo.InvariantCulture));

    /// <summary>Adds each string under the same field name (for example <c>include[]</c>).</summary>
    /// <param name="name">The field name, used as given for every item.</param>
    /// <param name="values">The values; <see langword="null"/> is skipped.</param>
    public MultipartContentBuilder AddStrings(string name, IEnumerable<string>? values)
    {
        if (values is not null)
        {
            foreach (string value in values)
            {
                AddString(name, value);
            }
        }
        return this;
    }

    /// <summary>Adds a file part from bytes.</summary>
    /// <param name="name">The field name (repeat it, for example <c>image[]</c>, for several files).</param>
    /// <param name="content">The file bytes; not copied.</param>
    /// <param name="fileName">The file name sent in <c>Content-Disposition</c>; the API uses its extension.</param>
    /// <param name="mediaType">The part's <c>Content-Type</c>; <c>application/octet-stream</c> when <see langword="null"/>.</param>
    public MultipartContentBuilder AddFile(string name, ReadOnlyMemory<byte> content, string fileName, string? mediaType = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        MediaTypeHeaderValue contentType = MediaTypeHeaderValue.Parse(mediaType ?? "application/octet-stream");
        _parts.Add(form =>
        {
            var part = new ReadOnlyMemoryContent(content);
            part.Headers.ContentType = contentType;
            form.Add(part, name, fileName);
            return part;
        });
        return this;
    }

    /// <summary>
    /// Adds a file part from a stream, which is neither copied nor disposed. A seekable stream is rewound for each
    /// attempt; a non-seekable one can be sent once only, so the call is not retried and its first failure is reported.
    /// </summary>
    /// <param name="name">The field name.</param>
    /// <param name="content">The file stream.</param>
    /// <param name="fileName">The file name sent in <c>Content-Disposition</c>.</param>
    /// <param name="mediaType">The part's <c>Content-Type</c>; <c>application/octet-stream</c> when <see langword="null"/>.</param>
    public MultipartContentBuilder AddFile(string name, Stream content, string fileName, string? mediaType = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        MediaTypeHeaderValue contentType = MediaTypeHeaderValue.Parse(mediaType ?? "application/octet-stream");
        var source = new ReplayableStreamSource(content);
        _parts.Add(form =>
        {
            source.BeginAttempt();
            var part = new ReplayableStreamContent(source);
            part.Headers.ContentType = contentType;
            form.Add(part, name, fileName);
            return part;
        });
        return this;
    }

    /// <summary>Returns the factory for <see cref="PipelineRequest.Content"/>; later additions to this builder are included.</summary>
    public Func<HttpContent> Build() => () =>
    {
        var form = new MultipartFormDataContent(_boundary);
        try
        {
            foreach (Func<MultipartFormDataContent, HttpContent> addPart in _parts)
            {
                addPart(form);
            }
            return form;
        }
        catch
        {
            form.Dispose();
            throw;
        }
    };
}
