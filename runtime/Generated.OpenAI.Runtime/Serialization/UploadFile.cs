using System;
using System.IO;
using System.Text.Json;

namespace Generated.OpenAI.Serialization;

/// <summary>
/// A file part of an upload (<c>format: binary</c> in the spec): the bytes or a stream, with the file name and
/// media type the API sees. In JSON (never sent so, but models round-trip) it is the base64 of the bytes.
/// </summary>
/// <remarks>The memory or stream is referenced, not copied: the caller keeps it unchanged (and open) until the call returns.</remarks>
public sealed class UploadFile : IJsonModel<UploadFile>
{
    /// <summary>A file from bytes.</summary>
    public UploadFile(ReadOnlyMemory<byte> content, string fileName, string? contentType = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        Content = content;
        FileName = fileName;
        ContentType = contentType;
    }

    /// <summary>A file from a stream (read when the request is sent; rewound for retries when seekable).</summary>
    public UploadFile(Stream stream, string fileName, string? contentType = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        Stream = stream;
        FileName = fileName;
        ContentType = contentType;
    }

    /// <summary>Reads a file from disk; the media type is guessed from the extension when not given.</summary>
    public static UploadFile FromPath(string path, string? contentType = null) =>
        new(File.ReadAllBytes(path), Path.GetFileName(path), contentType ?? GuessContentType(path));

    /// <summary>The bytes, when the file was made from bytes.</summary>
    public ReadOnlyMemory<byte> Content { get; }

    /// <summary>The stream, when the file was made from a stream.</summary>
    public Stream? Stream { get; }

    /// <summary>The file name sent in the part's Content-Disposition.</summary>
    public string FileName { get; }

    /// <summary>The part's Content-Type; <c>application/octet-stream</c> when null.</summary>
    public string? ContentType { get; }

    /// <summary>Reads a base64 string.</summary>
    public static UploadFile ReadJson(ref Utf8JsonReader reader)
    {
        var data = Base64Data.ReadJson(ref reader);
        return new UploadFile(data.IsValid ? data.ToMemory() : data.EncodedUtf8, "file");
    }

    /// <summary>Writes the bytes as base64 (a stream is not read here).</summary>
    public void WriteJson(Utf8JsonWriter writer) => writer.WriteBase64StringValue(Content.Span);

    /// <summary>The file name and size; never the content.</summary>
    public override string ToString() => $"{FileName} ({(Stream is null ? Content.Length + " bytes" : "stream")})";

    private static string? GuessContentType(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".wav" => "audio/wav",
        ".mp3" => "audio/mpeg",
        ".m4a" => "audio/mp4",
        ".webm" => "audio/webm",
        ".flac" => "audio/flac",
        ".ogg" => "audio/ogg",
        ".png" => "image/png",
        ".jpg" or ".jpeg" => "image/jpeg",
        ".webp" => "image/webp",
        ".json" => "application/json",
        ".jsonl" => "application/jsonl",
        ".pdf" => "application/pdf",
        ".txt" => "text/plain",
        _ => null,
    };
}
