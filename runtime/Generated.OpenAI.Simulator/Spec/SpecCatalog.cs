using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;

namespace Generated.OpenAI.Simulator;

/// <summary>
/// The operations of the pinned OpenAPI spec, read once from the embedded resource <c>openapi.json</c>
/// (produced at build time by <c>spec/OpenApiSpec.targets</c>).
/// </summary>
public sealed class SpecCatalog
{
    private static readonly Lazy<SpecCatalog> s_default = new(() => Load(LenientJson.ReadResource("openapi.json")));
    private static readonly string[] s_methods = ["get", "post", "put", "patch", "delete", "head", "options"];

    private readonly JsonDocument _document;
    private readonly List<SpecOperation> _operations = [];

    private SpecCatalog(JsonDocument document)
    {
        _document = document;
    }

    /// <summary>The catalog of the spec embedded in this assembly.</summary>
    public static SpecCatalog Default => s_default.Value;

    /// <summary>Every operation, in spec order.</summary>
    public IReadOnlyList<SpecOperation> Operations => _operations;

    /// <summary>Number of distinct paths.</summary>
    public int PathCount { get; private set; }

    /// <summary>Builds a catalog from spec JSON bytes.</summary>
    public static SpecCatalog Load(byte[] json)
    {
        var catalog = new SpecCatalog(JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 512 }));
        catalog.Build();
        return catalog;
    }

    /// <summary>Finds the operation for a method and a path without <c>/v1</c>; literal segments win over parameters.</summary>
    public SpecOperation? Find(string method, string path, out bool pathKnown, Dictionary<string, string>? parameters = null)
    {
        string[] segments = path.Trim('/').Split('/');
        SpecOperation? best = null;
        pathKnown = false;
        foreach (SpecOperation operation in _operations)
        {
            if (!operation.Matches(segments, null))
            {
                continue;
            }

            pathKnown = true;
            if (string.Equals(operation.Method, method, StringComparison.OrdinalIgnoreCase)
                && (best is null || operation.LiteralSegmentCount > best.LiteralSegmentCount))
            {
                best = operation;
            }
        }

        best?.Matches(segments, parameters);
        return best;
    }

    internal JsonElement Root => _document.RootElement;

    internal JsonElement Resolve(JsonElement schema)
    {
        for (int guard = 0; guard < 32 && schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$ref", out JsonElement reference); guard++)
        {
            string? pointer = reference.GetString();
            if (pointer is null || !pointer.StartsWith("#/", StringComparison.Ordinal))
            {
                break;
            }

            JsonElement target = _document.RootElement;
            foreach (string part in pointer[2..].Split('/'))
            {
                string name = part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
                if (!target.TryGetProperty(name, out target))
                {
                    return schema;
                }
            }

            schema = target;
        }

        return schema;
    }

    /// <summary>Top-level required property names of a schema, following <c>$ref</c> and <c>allOf</c>.</summary>
    internal string[] RequiredProperties(JsonElement schema)
    {
        var names = new List<string>();
        Collect(schema, 0);
        return names.Distinct(StringComparer.Ordinal).ToArray();

        void Collect(JsonElement s, int depth)
        {
            if (depth > 16)
            {
                return;
            }

            s = Resolve(s);
            if (s.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            if (s.TryGetProperty("required", out JsonElement required) && required.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement name in required.EnumerateArray())
                {
                    if (name.GetString() is { } n)
                    {
                        names.Add(n);
                    }
                }
            }

            if (s.TryGetProperty("allOf", out JsonElement allOf) && allOf.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement part in allOf.EnumerateArray())
                {
                    Collect(part, depth + 1);
                }
            }
        }
    }

    private void Build()
    {
        JsonElement paths = _document.RootElement.GetProperty("paths");
        foreach (JsonProperty path in paths.EnumerateObject())
        {
            PathCount++;
            foreach (JsonProperty member in path.Value.EnumerateObject())
            {
                if (!s_methods.Contains(member.Name, StringComparer.Ordinal))
                {
                    continue;
                }

                JsonElement op = member.Value;
                string operationId = op.TryGetProperty("operationId", out JsonElement id) ? id.GetString() ?? string.Empty : string.Empty;
                var operation = new SpecOperation(member.Name.ToUpperInvariant(), path.Name, operationId);
                ReadRequest(operation, op);
                ReadResponses(operation, op);
                ReadExamples(operation, op);
                _operations.Add(operation);
            }
        }
    }

    private void ReadRequest(SpecOperation operation, JsonElement op)
    {
        if (!op.TryGetProperty("requestBody", out JsonElement body))
        {
            return;
        }

        body = Resolve(body);
        operation.RequestBodyRequired = body.TryGetProperty("required", out JsonElement required) && required.ValueKind == JsonValueKind.True;
        if (!body.TryGetProperty("content", out JsonElement content))
        {
            return;
        }

        var types = new List<string>();
        foreach (JsonProperty media in content.EnumerateObject())
        {
            types.Add(media.Name);
            operation.RequiredFieldsByContentType[media.Name] = media.Value.TryGetProperty("schema", out JsonElement schema)
                ? RequiredProperties(schema)
                : [];
        }

        operation.RequestContentTypes = types;
    }

    private void ReadResponses(SpecOperation operation, JsonElement op)
    {
        if (!op.TryGetProperty("responses", out JsonElement responses))
        {
            return;
        }

        foreach (JsonProperty response in responses.EnumerateObject())
        {
            if (response.Name.Length != 3 || response.Name[0] != '2' || !int.TryParse(response.Name, out int status))
            {
                continue;
            }

            operation.SuccessStatus = status;
            JsonElement value = Resolve(response.Value);
            var types = new List<string>();
            if (value.TryGetProperty("content", out JsonElement content))
            {
                foreach (JsonProperty media in content.EnumerateObject())
                {
                    types.Add(media.Name);
                    if (media.Name == "application/json" && media.Value.TryGetProperty("schema", out JsonElement schema))
                    {
                        operation.SuccessSchema = schema;
                    }
                }
            }

            operation.SuccessContentTypes = types;
            operation.CanStream = types.Contains("text/event-stream");
            break;
        }
    }

    private static void ReadExamples(SpecOperation operation, JsonElement op)
    {
        if (!op.TryGetProperty("x-oaiMeta", out JsonElement meta) || !meta.TryGetProperty("examples", out JsonElement examples))
        {
            return;
        }

        if (examples.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement example in examples.EnumerateArray())
            {
                Add(example);
            }
        }
        else if (examples.ValueKind == JsonValueKind.Object)
        {
            Add(examples);
        }

        foreach ((string? title, string? response) in operation.Examples)
        {
            if (response is not null && (IsSse(response) || (title?.Contains("Stream", StringComparison.OrdinalIgnoreCase) ?? false)))
            {
                operation.CanStream = true;
            }
        }

        void Add(JsonElement example)
        {
            string? title = example.TryGetProperty("title", out JsonElement t) ? t.GetString() : null;
            string? response = example.TryGetProperty("response", out JsonElement r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            operation.Examples.Add((title, response));
        }
    }

    internal static bool IsSse(string text)
    {
        string s = text.TrimStart();
        return s.StartsWith("event:", StringComparison.Ordinal) || s.StartsWith("data:", StringComparison.Ordinal);
    }
}
