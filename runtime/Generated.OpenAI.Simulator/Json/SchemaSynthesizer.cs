using System.Buffers;
using System.Text.Json;

namespace Generated.OpenAI.Simulator;

/// <summary>Writes a minimal instance of a schema (required properties, first enum value, examples when given).</summary>
internal static class SchemaSynthesizer
{
    public static byte[] Synthesize(SpecCatalog catalog, JsonElement schema)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, LenientJson.WriterOptions))
        {
            Write(catalog, writer, schema, 0);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void Write(SpecCatalog catalog, Utf8JsonWriter writer, JsonElement schema, int depth)
    {
        schema = catalog.Resolve(schema);
        if (schema.ValueKind != JsonValueKind.Object || depth > 12)
        {
            writer.WriteNullValue();
            return;
        }

        string? declared = schema.TryGetProperty("type", out JsonElement declaredType) && declaredType.ValueKind == JsonValueKind.String ? declaredType.GetString() : null;

        if (schema.TryGetProperty("example", out JsonElement example) && example.ValueKind != JsonValueKind.String && Fits(declared, example))
        {
            example.WriteTo(writer);
            return;
        }

        if (schema.TryGetProperty("enum", out JsonElement values) && values.ValueKind == JsonValueKind.Array && values.GetArrayLength() > 0 && Fits(declared, values[0]))
        {
            values[0].WriteTo(writer);
            return;
        }

        // The spec has defaults that contradict their type (Eval.testing_criteria: an array with default "eval").
        if (schema.TryGetProperty("default", out JsonElement defaultValue) && Fits(declared, defaultValue))
        {
            defaultValue.WriteTo(writer);
            return;
        }

        foreach (string union in (string[])["anyOf", "oneOf"])
        {
            if (schema.TryGetProperty(union, out JsonElement branches) && branches.ValueKind == JsonValueKind.Array && branches.GetArrayLength() > 0)
            {
                Write(catalog, writer, branches[0], depth + 1);
                return;
            }
        }

        string type = schema.TryGetProperty("type", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString() ?? "object" : "object";
        switch (type)
        {
            case "string":
                writer.WriteStringValue(example.ValueKind == JsonValueKind.String ? example.GetString() : "string");
                return;
            case "integer":
            case "number":
                writer.WriteNumberValue(0);
                return;
            case "boolean":
                writer.WriteBooleanValue(false);
                return;
            case "array":
                writer.WriteStartArray();
                writer.WriteEndArray();
                return;
            case "null":
                writer.WriteNullValue();
                return;
        }

        writer.WriteStartObject();
        WriteProperties(catalog, writer, schema, depth);
        writer.WriteEndObject();
    }

    private static bool Fits(string? type, JsonElement value) => type switch
    {
        null => true,
        "string" => value.ValueKind == JsonValueKind.String,
        "integer" or "number" => value.ValueKind == JsonValueKind.Number,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "array" => value.ValueKind == JsonValueKind.Array,
        "object" => value.ValueKind == JsonValueKind.Object,
        _ => true,
    };

    private static void WriteProperties(SpecCatalog catalog, Utf8JsonWriter writer, JsonElement schema, int depth)
    {
        schema = catalog.Resolve(schema);
        if (schema.TryGetProperty("allOf", out JsonElement allOf) && allOf.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement part in allOf.EnumerateArray())
            {
                WriteProperties(catalog, writer, part, depth + 1);
            }
        }

        if (!schema.TryGetProperty("properties", out JsonElement properties) || !schema.TryGetProperty("required", out JsonElement required))
        {
            return;
        }

        foreach (JsonElement name in required.EnumerateArray())
        {
            string? n = name.GetString();
            if (n is not null && properties.TryGetProperty(n, out JsonElement property))
            {
                writer.WritePropertyName(n);
                Write(catalog, writer, property, depth + 1);
            }
        }
    }
}
