using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.OpenApi.YamlReader;
using SharpYaml.Serialization;

namespace Generated.OpenAI.SpecTool;

/// <summary>
/// Reads a YAML or JSON file (a spec or an overlay) into a <see cref="JsonNode"/> tree with real JSON nulls.
/// Throws <see cref="JsonException"/>, <see cref="SharpYaml.YamlException"/> or <see cref="InvalidOperationException"/>
/// for a file that is neither; callers turn those into findings (<see cref="IsReadError"/>).
/// </summary>
internal static class SpecReader
{
    public static JsonNode? Read(byte[] bytes)
    {
        JsonNode? root = LooksLikeJson(bytes) ? JsonNode.Parse(bytes) : ReadYaml(bytes);
        if (root is not null)
        {
            RestoreNulls(root);
        }
        return root;
    }

    /// <summary>Whether an exception is one that <see cref="Read"/> throws for an unreadable file.</summary>
    public static bool IsReadError(Exception ex) =>
        ex is JsonException or SharpYaml.YamlException or InvalidOperationException or ArgumentException or FormatException;

    private const string NullSentinelPrefix = "openapi-json-null-sentinel-value-";

    // Microsoft.OpenApi's YAML converter stands a sentinel string in for YAML's null; JSON has a real one.
    private static void RestoreNulls(JsonNode node)
    {
        switch (node)
        {
            case JsonObject o:
                List<string>? nulls = null;
                foreach (var (key, value) in o)
                {
                    if (IsNullSentinel(value)) { (nulls ??= []).Add(key); }
                    else if (value is not null) { RestoreNulls(value); }
                }
                foreach (var key in nulls ?? []) { o[key] = null; }
                break;
            case JsonArray a:
                for (int i = 0; i < a.Count; i++)
                {
                    if (IsNullSentinel(a[i])) { a[i] = null; }
                    else if (a[i] is { } item) { RestoreNulls(item); }
                }
                break;
        }
    }

    private static bool IsNullSentinel(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().StartsWith(NullSentinelPrefix, StringComparison.Ordinal);

    private static bool LooksLikeJson(byte[] bytes)
    {
        foreach (byte b in bytes)
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0xEF or 0xBB or 0xBF)
            {
                continue;
            }
            return b is (byte)'{' or (byte)'[';
        }
        return false;
    }

    private static JsonNode ReadYaml(byte[] bytes)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8);
        stream.Load(reader);
        if (stream.Documents.Count != 1)
        {
            throw new InvalidOperationException($"expected one YAML document, found {stream.Documents.Count}.");
        }
        return YamlConverter.ToJsonNode(stream.Documents[0]);
    }
}
