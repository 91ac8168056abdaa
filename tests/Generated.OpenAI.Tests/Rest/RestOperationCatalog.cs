using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Text.Json;
using Generated.OpenAI.Http;

namespace Generated.OpenAI.Tests.Rest;

/// <summary>A generated client method and the resource instance that owns it.</summary>
internal sealed record GeneratedMethod(object Owner, MethodInfo Method, OpenApiOperationAttribute Operation);

/// <summary>An operation of the pinned spec as the test needs it: method, path, parameters, bodies, success answer.</summary>
internal sealed record SpecOperationInfo(
    string OperationId,
    string Method,
    string Path,
    JsonElement Operation,
    bool AdminAuth,
    int SuccessStatus,
    IReadOnlyList<string> SuccessContentTypes);

/// <summary>
/// Maps the spec's operations to the generated methods through their <see cref="OpenApiOperationAttribute"/>
/// (reflection here, in the test only: the SDK itself reads no attribute).
/// </summary>
internal static class RestOperationCatalog
{
    private static readonly string[] s_methods = ["get", "post", "put", "patch", "delete", "head", "options", "trace"];

    /// <summary>Every operation under <c>paths</c> of the embedded spec, in document order.</summary>
    public static IReadOnlyList<SpecOperationInfo> SpecOperations()
    {
        var list = new List<SpecOperationInfo>();
        foreach (JsonProperty path in SpecDocument.Root.GetProperty("paths").EnumerateObject())
        {
            foreach (JsonProperty member in path.Value.EnumerateObject())
            {
                if (!s_methods.Contains(member.Name, StringComparer.Ordinal))
                {
                    continue;
                }
                JsonElement op = member.Value;
                bool admin = op.TryGetProperty("security", out JsonElement security) && security.ValueKind == JsonValueKind.Array
                    && security.EnumerateArray().Any(s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("AdminApiKeyAuth", out _));
                int status = 200;
                var contentTypes = new List<string>();
                foreach (JsonProperty response in op.GetProperty("responses").EnumerateObject())
                {
                    if (response.Name.StartsWith('2') && int.TryParse(response.Name, out status))
                    {
                        JsonElement resolved = Resolve(response.Value);
                        if (resolved.TryGetProperty("content", out JsonElement content))
                        {
                            contentTypes.AddRange(content.EnumerateObject().Select(c => c.Name));
                        }
                        break;
                    }
                }
                list.Add(new SpecOperationInfo(op.GetProperty("operationId").GetString()!, member.Name.ToUpperInvariant(), path.Name, op, admin, status, contentTypes));
            }
        }
        return list;
    }

    /// <summary>Every method of the client tree that carries <see cref="OpenApiOperationAttribute"/>.</summary>
    public static IReadOnlyList<GeneratedMethod> GeneratedMethods(OpenAIClient client)
    {
        var found = new List<GeneratedMethod>();
        var seen = new HashSet<Type>();
        Walk(client);
        return found;

        void Walk(object owner)
        {
            Type type = owner.GetType();
            if (!seen.Add(type))
            {
                return;
            }
            foreach (MethodInfo method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            {
                if (method.GetCustomAttribute<OpenApiOperationAttribute>() is { } attribute)
                {
                    found.Add(new GeneratedMethod(owner, method, attribute));
                }
            }
            foreach (PropertyInfo property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            {
                if (property.PropertyType.Name.EndsWith("Resource", StringComparison.Ordinal) && property.GetValue(owner) is { } child)
                {
                    Walk(child);
                }
            }
        }
    }

    /// <summary>Follows <c>$ref</c>s within the embedded spec.</summary>
    public static JsonElement Resolve(JsonElement element)
    {
        for (int i = 0; i < 32 && element.ValueKind == JsonValueKind.Object && element.TryGetProperty("$ref", out JsonElement reference); i++)
        {
            JsonElement target = SpecDocument.Root;
            foreach (string part in reference.GetString()!.TrimStart('#', '/').Split('/'))
            {
                target = target.GetProperty(part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal));
            }
            element = target;
        }
        return element;
    }

    /// <summary>The spec's parameters of an operation (path-level ones included), resolved.</summary>
    public static IEnumerable<JsonElement> Parameters(SpecOperationInfo operation)
    {
        JsonElement pathItem = SpecDocument.Root.GetProperty("paths").GetProperty(operation.Path);
        foreach (JsonElement owner in new[] { pathItem, operation.Operation })
        {
            if (owner.TryGetProperty("parameters", out JsonElement parameters))
            {
                foreach (JsonElement parameter in parameters.EnumerateArray())
                {
                    yield return Resolve(parameter);
                }
            }
        }
    }

    /// <summary>The schema of the request body for a media type, or null.</summary>
    public static JsonElement? RequestSchema(SpecOperationInfo operation, string contentType) =>
        operation.Operation.TryGetProperty("requestBody", out JsonElement body)
            && Resolve(body).TryGetProperty("content", out JsonElement content)
            && content.TryGetProperty(contentType, out JsonElement media)
            && media.TryGetProperty("schema", out JsonElement schema)
                ? schema
                : null;

    /// <summary>Top-level required property names of a schema (through <c>$ref</c> and <c>allOf</c>).</summary>
    public static IReadOnlyList<string> RequiredProperties(JsonElement schema)
    {
        var names = new List<string>();
        Collect(schema, 0);
        return names.Distinct(StringComparer.Ordinal).ToList();

        void Collect(JsonElement s, int depth)
        {
            s = Resolve(s);
            if (depth > 16 || s.ValueKind != JsonValueKind.Object)
            {
                return;
            }
            if (s.TryGetProperty("required", out JsonElement required) && required.ValueKind == JsonValueKind.Array)
            {
                names.AddRange(required.EnumerateArray().Select(n => n.GetString()!));
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

    /// <summary>The JSON body (<c>-d '…'</c>), the path and the query string of the operation's first curl example.</summary>
    public static (string? Body, string? Url, string? Query) CurlExample(SpecOperationInfo operation)
    {
        if (!operation.Operation.TryGetProperty("x-oaiMeta", out JsonElement meta) || !meta.TryGetProperty("examples", out JsonElement examples))
        {
            return (null, null, null);
        }
        IEnumerable<JsonElement> list = examples.ValueKind == JsonValueKind.Array ? examples.EnumerateArray() : [examples];
        foreach (JsonElement example in list)
        {
            // Streaming examples ask for "stream": true; the call itself is checked with a plain request.
            string? title = example.TryGetProperty("title", out JsonElement t) ? t.GetString() : null;
            if (title?.Contains("Stream", StringComparison.OrdinalIgnoreCase) == true)
            {
                continue;
            }
            if (!example.TryGetProperty("request", out JsonElement request) || !request.TryGetProperty("curl", out JsonElement curl) || curl.GetString() is not { } text)
            {
                continue;
            }
            string? url = null;
            string? query = null;
            int at = text.IndexOf("https://api.openai.com/v1", StringComparison.Ordinal);
            if (at >= 0)
            {
                int end = at;
                while (end < text.Length && !char.IsWhiteSpace(text[end]) && text[end] is not ('"' or '\'' or '\\' or '?'))
                {
                    end++;
                }
                url = text[(at + "https://api.openai.com/v1".Length)..end];
                if (end < text.Length && text[end] == '?')
                {
                    int queryEnd = end;
                    while (queryEnd < text.Length && !char.IsWhiteSpace(text[queryEnd]) && text[queryEnd] is not ('"' or '\'' or '\\'))
                    {
                        queryEnd++;
                    }
                    query = text[end..queryEnd];
                }
            }
            string? body = null;
            int d = text.IndexOf("-d '", StringComparison.Ordinal);
            if (d >= 0)
            {
                int close = text.IndexOf('\'', d + 4);
                body = close < 0 ? null : text[(d + 4)..close];
            }
            return (body, url, query);
        }
        return (null, null, null);
    }
}
