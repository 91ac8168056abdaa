using System;
using System.Buffers;
using System.Text.Json;

namespace Generated.OpenAI.Serialization;

/// <summary>Reads a complete JSON document as the schema's type.</summary>
public delegate object SchemaReader(ReadOnlySpan<byte> utf8Json);

/// <summary>Writes a value of the schema's type as compact JSON.</summary>
public delegate byte[] SchemaWriter(object value);

/// <summary>One component schema of a generated assembly: its C# type and how to read and write it.</summary>
/// <param name="SchemaName">The name under <c>#/components/schemas</c>.</param>
/// <param name="ClrType">The generated type.</param>
/// <param name="Read">Reads a complete JSON document.</param>
/// <param name="Write">Writes a value.</param>
public sealed record SchemaCatalogEntry(string SchemaName, Type ClrType, SchemaReader Read, SchemaWriter Write)
{
    /// <summary>Reads a complete document with a reader function (for types that cannot implement <see cref="IJsonModel{TSelf}"/>).</summary>
    public static object ReadWith<T>(ReadOnlySpan<byte> utf8Json, JsonReadFunc<T> read)
    {
        var reader = new Utf8JsonReader(utf8Json, JsonModel.ReaderOptions);
        if (!reader.Read())
        {
            throw new JsonException("Expected a JSON value, found no data.");
        }
        return read(ref reader)!;
    }

    /// <summary>Writes a value with a writer function.</summary>
    public static byte[] WriteWith<T>(T value, JsonWriteAction<T> write)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer, JsonModel.WriterOptions))
        {
            write(writer, value);
        }
        return buffer.WrittenSpan.ToArray();
    }
}
