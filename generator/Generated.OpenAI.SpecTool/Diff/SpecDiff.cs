using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Generated.OpenAI.SpecTool.Diff;

/// <summary>
/// Compares two OpenAPI documents at the level a generated client sees: operations (method + path) and
/// <c>components/schemas</c>. Breaking for a client: a removed operation, schema, property, parameter or union
/// member, a changed type, a newly required property or parameter, a removed enum value.
/// The entries come back sorted (ordinal), so the same two files always give the same text.
/// </summary>
internal static class SpecDiff
{
    private static readonly string[] s_methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
    private const int MaxDepth = 12;

    public static IReadOnlyList<DiffEntry> Compare(JsonObject oldDoc, JsonObject newDoc)
    {
        var entries = new List<DiffEntry>();
        CompareOperations(Operations(oldDoc), Operations(newDoc), entries);

        var oldSchemas = oldDoc["components"]?["schemas"] as JsonObject ?? [];
        var newSchemas = newDoc["components"]?["schemas"] as JsonObject ?? [];
        foreach (var (name, schema) in oldSchemas)
        {
            if (!newSchemas.TryGetPropertyValue(name, out var newSchema))
            {
                entries.Add(new(DiffSection.Schema, DiffKind.Removed, name, "", true));
            }
            else
            {
                CompareSchema(name, schema, newSchema, entries, 0);
            }
        }
        foreach (var (name, _) in newSchemas)
        {
            if (!oldSchemas.ContainsKey(name))
            {
                entries.Add(new(DiffSection.Schema, DiffKind.Added, name, "", false));
            }
        }

        entries.Sort((a, b) =>
        {
            int c = a.Section.CompareTo(b.Section);
            if (c == 0) { c = a.Kind.CompareTo(b.Kind); }
            if (c == 0) { c = string.CompareOrdinal(a.Subject, b.Subject); }
            if (c == 0) { c = string.CompareOrdinal(a.Detail, b.Detail); }
            return c;
        });
        return entries;
    }

    private static SortedDictionary<string, (JsonObject Operation, JsonObject PathItem)> Operations(JsonObject doc)
    {
        var result = new SortedDictionary<string, (JsonObject, JsonObject)>(StringComparer.Ordinal);
        if (doc["paths"] is JsonObject paths)
        {
            foreach (var (path, item) in paths)
            {
                if (item is not JsonObject pathItem) { continue; }
                foreach (string method in s_methods)
                {
                    if (pathItem[method] is JsonObject op)
                    {
                        result[method.ToUpperInvariant() + " " + path] = (op, pathItem);
                    }
                }
            }
        }
        return result;
    }

    private static void CompareOperations(
        SortedDictionary<string, (JsonObject Operation, JsonObject PathItem)> oldOps,
        SortedDictionary<string, (JsonObject Operation, JsonObject PathItem)> newOps,
        List<DiffEntry> entries)
    {
        foreach (var (key, (op, item)) in oldOps)
        {
            if (!newOps.TryGetValue(key, out var now))
            {
                entries.Add(new(DiffSection.Operation, DiffKind.Removed, key, OperationId(op), true));
                continue;
            }
            var oldParams = Parameters(op, item);
            var newParams = Parameters(now.Operation, now.PathItem);
            foreach (var (name, required) in oldParams)
            {
                if (!newParams.TryGetValue(name, out bool nowRequired))
                {
                    entries.Add(new(DiffSection.Operation, DiffKind.Changed, key, $"parameter {name} removed", true));
                }
                else if (nowRequired && !required)
                {
                    entries.Add(new(DiffSection.Operation, DiffKind.Changed, key, $"parameter {name} is now required", true));
                }
            }
            foreach (var (name, required) in newParams)
            {
                if (!oldParams.ContainsKey(name))
                {
                    entries.Add(new(DiffSection.Operation, DiffKind.Changed, key, $"parameter {name} added" + (required ? " (required)" : ""), required));
                }
            }
            bool wasDeprecated = op["deprecated"]?.GetValueKind() == JsonValueKind.True;
            bool isDeprecated = now.Operation["deprecated"]?.GetValueKind() == JsonValueKind.True;
            if (isDeprecated != wasDeprecated)
            {
                entries.Add(new(DiffSection.Operation, DiffKind.Changed, key, isDeprecated ? "now deprecated" : "no longer deprecated", false));
            }
            string oldBody = RequestBody(op), newBody = RequestBody(now.Operation);
            if (oldBody != newBody)
            {
                entries.Add(new(DiffSection.Operation, DiffKind.Changed, key, $"request body {oldBody} -> {newBody}", oldBody != "none"));
            }
        }
        foreach (var (key, (op, _)) in newOps)
        {
            if (!oldOps.ContainsKey(key))
            {
                entries.Add(new(DiffSection.Operation, DiffKind.Added, key, OperationId(op), false));
            }
        }
    }

    private static string OperationId(JsonObject op) => op["operationId"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : "";

    private static SortedDictionary<string, bool> Parameters(JsonObject op, JsonObject pathItem)
    {
        var result = new SortedDictionary<string, bool>(StringComparer.Ordinal);
        foreach (var list in new[] { pathItem["parameters"], op["parameters"] })
        {
            if (list is not JsonArray array) { continue; }
            foreach (var p in array)
            {
                if (p is not JsonObject o) { continue; }
                // A $ref'd parameter is named by its reference: renaming the component changes nothing for a client.
                string name = o["$ref"] is JsonValue r ? "ref " + r.GetValue<string>().Split('/')[^1]
                    : $"{o["in"]?.GetValue<string>()} '{o["name"]?.GetValue<string>()}'";
                result[name] = o["required"]?.GetValueKind() == JsonValueKind.True;
            }
        }
        return result;
    }

    private static string RequestBody(JsonObject op)
    {
        if (op["requestBody"] is not JsonObject body) { return "none"; }
        if (body["$ref"] is JsonValue r) { return r.GetValue<string>().Split('/')[^1]; }
        if (body["content"] is not JsonObject content) { return "none"; }
        var parts = new List<string>();
        foreach (var (mediaType, media) in content)
        {
            parts.Add(mediaType + " " + Signature(media?["schema"]));
        }
        parts.Sort(StringComparer.Ordinal);
        return string.Join(", ", parts);
    }

    private static void CompareSchema(string subject, JsonNode? oldSchema, JsonNode? newSchema, List<DiffEntry> entries, int depth)
    {
        if (depth > MaxDepth || oldSchema is not JsonObject o || newSchema is not JsonObject n)
        {
            return;
        }
        string oldSig = Signature(o, deep: false), newSig = Signature(n, deep: false);
        if (oldSig != newSig)
        {
            entries.Add(new(DiffSection.Schema, DiffKind.Changed, subject, $"type changed: {oldSig} -> {newSig}", true));
        }
        if (o["$ref"] is not null || n["$ref"] is not null)
        {
            return; // the referenced schema is compared under its own name
        }

        var oldEnum = Values(o["enum"]);
        var newEnum = Values(n["enum"]);
        foreach (string v in oldEnum.Except(newEnum))
        {
            entries.Add(new(DiffSection.Schema, DiffKind.Changed, subject, $"enum value {v} removed", true));
        }
        foreach (string v in newEnum.Except(oldEnum))
        {
            entries.Add(new(DiffSection.Schema, DiffKind.Changed, subject, $"enum value {v} added", false));
        }

        var oldRequired = Values(o["required"]);
        var newRequired = Values(n["required"]);
        foreach (string v in newRequired.Except(oldRequired))
        {
            entries.Add(new(DiffSection.Schema, DiffKind.Changed, subject, $"property {v} is now required", true));
        }
        foreach (string v in oldRequired.Except(newRequired))
        {
            entries.Add(new(DiffSection.Schema, DiffKind.Changed, subject, $"property {v} is no longer required", false));
        }

        var oldProps = o["properties"] as JsonObject ?? [];
        var newProps = n["properties"] as JsonObject ?? [];
        foreach (var (name, p) in oldProps)
        {
            if (!newProps.TryGetPropertyValue(name, out var np))
            {
                entries.Add(new(DiffSection.Schema, DiffKind.Changed, subject, $"property '{name}' removed", true));
            }
            else
            {
                CompareSchema(subject + "." + name, p, np, entries, depth + 1);
            }
        }
        foreach (var (name, p) in newProps)
        {
            if (!oldProps.ContainsKey(name))
            {
                entries.Add(new(DiffSection.Schema, DiffKind.Changed, subject, $"property '{name}' added ({Signature(p)})", false));
            }
        }

        CompareSchema(subject + "[]", o["items"], n["items"], entries, depth + 1);
        foreach (string combinator in new[] { "anyOf", "oneOf", "allOf" })
        {
            var oldMembers = Members(o[combinator]);
            var newMembers = Members(n[combinator]);
            foreach (string m in oldMembers.Except(newMembers))
            {
                entries.Add(new(DiffSection.Schema, DiffKind.Changed, subject, $"{combinator} member {m} removed", true));
            }
            foreach (string m in newMembers.Except(oldMembers))
            {
                entries.Add(new(DiffSection.Schema, DiffKind.Changed, subject, $"{combinator} member {m} added", false));
            }
        }
    }

    /// <summary>The shape of a schema as a client type sees it: a reference, or type (+format), items, combinator.</summary>
    /// <remarks>With <paramref name="deep"/> false, an array is <c>array</c>: its items are compared on their own.</remarks>
    internal static string Signature(JsonNode? schema, bool deep = true)
    {
        if (schema is not JsonObject s) { return "any"; }
        if (s["$ref"] is JsonValue r && r.GetValueKind() == JsonValueKind.String) { return r.GetValue<string>().Split('/')[^1]; }
        string type = s["type"] switch
        {
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            JsonArray a => string.Join("|", a.Select(t => t?.ToString() ?? "null").Order(StringComparer.Ordinal)),
            _ => s["anyOf"] is not null ? "anyOf" : s["oneOf"] is not null ? "oneOf" : s["allOf"] is not null ? "allOf" : s["enum"] is not null ? "enum" : "any",
        };
        if (s["format"] is JsonValue f && f.GetValueKind() == JsonValueKind.String) { type += "(" + f.GetValue<string>() + ")"; }
        if (deep && type.Split('|').Contains("array")) { type = type.Replace("array", "array<" + Signature(s["items"]) + ">", StringComparison.Ordinal); }
        return type;
    }

    private static List<string> Values(JsonNode? node) =>
        node is JsonArray a ? a.Select(v => v is null ? "null" : v.GetValueKind() == JsonValueKind.String ? "'" + v.GetValue<string>() + "'" : v.ToJsonString()).ToList() : [];

    private static List<string> Members(JsonNode? node) =>
        node is JsonArray a ? a.Select(m => m?["$ref"] is JsonValue r ? r.GetValue<string>().Split('/')[^1] : "").Where(m => m.Length > 0).ToList() : [];
}
