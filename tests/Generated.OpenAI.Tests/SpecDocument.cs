using System;
using System.IO;
using System.Text.Json;

namespace Generated.OpenAI.Tests;

/// <summary>The spec the SDK was generated from, as the build prepared it.</summary>
internal static class SpecDocument
{
    private static readonly Lazy<JsonDocument> s_document = new(() =>
    {
        using var stream = typeof(SpecDocument).Assembly.GetManifestResourceStream("openapi.json")
            ?? throw new InvalidOperationException("openapi.json is not embedded: spec/OpenApiSpec.targets did not run.");
        return JsonDocument.Parse(stream);
    });

    public static JsonElement Root => s_document.Value.RootElement;

    public static JsonElement Schemas => Root.GetProperty("components").GetProperty("schemas");

    /// <summary>Semantic JSON equality: object key order ignored, numbers compared by value.</summary>
    public static bool JsonEquals(JsonElement a, JsonElement b, out string difference, string path = "$")
    {
        difference = "";
        if (a.ValueKind != b.ValueKind)
        {
            difference = $"{path}: {a.ValueKind} vs {b.ValueKind}";
            return false;
        }
        switch (a.ValueKind)
        {
            case JsonValueKind.Object:
                int count = 0;
                foreach (var p in a.EnumerateObject())
                {
                    count++;
                    if (!b.TryGetProperty(p.Name, out var other))
                    {
                        difference = $"{path}.{p.Name}: missing after the round trip";
                        return false;
                    }
                    if (!JsonEquals(p.Value, other, out difference, path + "." + p.Name))
                    {
                        return false;
                    }
                }
                int otherCount = 0;
                foreach (var p in b.EnumerateObject())
                {
                    otherCount++;
                    if (!a.TryGetProperty(p.Name, out _))
                    {
                        difference = $"{path}.{p.Name}: added by the round trip";
                        return false;
                    }
                }
                return count == otherCount;
            case JsonValueKind.Array:
                if (a.GetArrayLength() != b.GetArrayLength())
                {
                    difference = $"{path}: {a.GetArrayLength()} items vs {b.GetArrayLength()}";
                    return false;
                }
                int i = 0;
                using (var ea = a.EnumerateArray().GetEnumerator())
                using (var eb = b.EnumerateArray().GetEnumerator())
                {
                    while (ea.MoveNext() && eb.MoveNext())
                    {
                        if (!JsonEquals(ea.Current, eb.Current, out difference, $"{path}[{i++}]"))
                        {
                            return false;
                        }
                    }
                }
                return true;
            case JsonValueKind.Number:
                if (a.GetDecimalOrDouble() != b.GetDecimalOrDouble())
                {
                    difference = $"{path}: {a.GetRawText()} vs {b.GetRawText()}";
                    return false;
                }
                return true;
            case JsonValueKind.String:
                if (a.GetString() != b.GetString())
                {
                    difference = $"{path}: \"{a.GetString()}\" vs \"{b.GetString()}\"";
                    return false;
                }
                return true;
            default:
                return true;
        }
    }

    private static double GetDecimalOrDouble(this JsonElement e) => e.GetDouble();
}
