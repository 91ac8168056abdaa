using System;
using System.Buffers;
using System.Text.Json;

namespace Generated.OpenAI.Serialization;

/// <summary>Reads and writes generated models from and to UTF-8 JSON.</summary>
public static class JsonModel
{
    /// <summary>The reader options used throughout the SDK: comments and trailing commas are errors, depth 256.</summary>
    public static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 256 };

    /// <summary>The writer options: compact, and no validation cost beyond what the generated writer needs.</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Indented = false, SkipValidation = true };

    /// <summary>Reads one <typeparamref name="T"/> from a complete JSON document.</summary>
    /// <exception cref="JsonException">Malformed JSON, trailing data, or a shape that is not a <typeparamref name="T"/>.</exception>
    public static T Deserialize<T>(ReadOnlySpan<byte> utf8Json) where T : IJsonModel<T>
    {
        var reader = new Utf8JsonReader(utf8Json, ReaderOptions);
        return Deserialize<T>(ref reader, utf8Json.Length);
    }

    /// <summary>Reads one <typeparamref name="T"/> from a complete JSON document held in a sequence.</summary>
    public static T Deserialize<T>(ReadOnlySequence<byte> utf8Json) where T : IJsonModel<T>
    {
        var reader = new Utf8JsonReader(utf8Json, ReaderOptions);
        return Deserialize<T>(ref reader, utf8Json.Length);
    }

    /// <summary>
    /// Reads one <typeparamref name="T"/> whose base64 payloads (<see cref="Base64Data"/>) are BORROWED from
    /// <paramref name="utf8Json"/> instead of copied: they are valid only while the caller keeps that memory valid.
    /// Everything else is read as by <see cref="Deserialize{T}(ReadOnlySpan{byte})"/>. For a receive loop that owns
    /// the buffer until its reader has moved on (a realtime session's typed audio deltas).
    /// </summary>
    public static T DeserializeBorrowingBase64<T>(ReadOnlyMemory<byte> utf8Json) where T : IJsonModel<T>
    {
        ReadOnlyMemory<byte> previous = t_borrowSource;
        t_borrowSource = utf8Json;
        try
        {
            return Deserialize<T>(utf8Json.Span);
        }
        finally
        {
            t_borrowSource = previous;
        }
    }

    /// <summary>
    /// The memory that <see cref="DeserializeBorrowingBase64{T}"/> is reading on this thread: the reader's
    /// <see cref="Utf8JsonReader.TokenStartIndex"/> is an offset into it. Empty otherwise.
    /// </summary>
    internal static ReadOnlyMemory<byte> BorrowSource => t_borrowSource;

    [ThreadStatic]
    private static ReadOnlyMemory<byte> t_borrowSource;

    private static T Deserialize<T>(ref Utf8JsonReader reader, long documentBytes) where T : IJsonModel<T>
    {
        // A large document shares its repeated short strings (ShortStringTable), emptied when this call ends.
        ShortStringTable? previous = ShortStringTable.Enter(documentBytes, out bool entered);
        try
        {
            if (!reader.Read())
            {
                throw new JsonException($"Expected a JSON value for {typeof(T).Name}, found no data.");
            }
            T value = T.ReadJson(ref reader);
            if (reader.Read())
            {
                throw new JsonException($"Unexpected data after the {typeof(T).Name} value at byte {reader.TokenStartIndex}.");
            }
            return value;
        }
        finally
        {
            ShortStringTable.Exit(previous, entered);
        }
    }

    /// <summary>Buffers larger than this are not kept for the thread's next call.</summary>
    private const int MaxRetainedBufferBytes = 1024 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>Writes <paramref name="value"/> as compact UTF-8 JSON.</summary>
    /// <remarks>
    /// Writes into a per-thread buffer and writer that are reused (buffers up to 1 MiB are kept), so the only
    /// allocation in steady state is the returned array (Perf_RestJson).
    /// </remarks>
    public static byte[] SerializeToUtf8Bytes<T>(T value) where T : IJsonModel<T>
    {
        // Take the thread's buffer and writer (a nested call on this thread finds none and makes its own).
        ArrayBufferWriter<byte> buffer = t_buffer ?? new ArrayBufferWriter<byte>(4096);
        Utf8JsonWriter? writer = t_writer;
        t_buffer = null;
        t_writer = null;
        if (writer is null)
        {
            writer = new Utf8JsonWriter(buffer, WriterOptions);
        }
        else
        {
            writer.Reset(buffer);
        }

        bool completed = false;
        try
        {
            value.WriteJson(writer);
            writer.Flush();
            byte[] result = buffer.WrittenSpan.ToArray();
            completed = true;
            return result;
        }
        finally
        {
            if (completed && buffer.Capacity <= MaxRetainedBufferBytes)
            {
                buffer.ResetWrittenCount();
                t_buffer = buffer;
                t_writer = writer;
            }
            else
            {
                writer.Dispose();
            }
        }
    }

    /// <summary>Writes <paramref name="value"/> as compact UTF-8 JSON into <paramref name="destination"/>.</summary>
    public static void Serialize<T>(IBufferWriter<byte> destination, T value) where T : IJsonModel<T>
    {
        using var writer = new Utf8JsonWriter(destination, WriterOptions);
        value.WriteJson(writer);
    }
}
