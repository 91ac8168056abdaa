using System;
using System.Collections.Generic;
using System.Linq;
using Generated.OpenAI.Generator.Json;
using Generated.OpenAI.Generator.Model;

namespace Generated.OpenAI.Generator.Parser;

internal sealed partial class SpecParser
{
    private static readonly string[] s_methods = { "get", "post", "put", "patch", "delete" };

    private readonly List<(string Group, OperationModel Operation)> _operations = new();

    /// <summary>Every operation under <c>paths</c>, grouped by the path's segments before its first parameter.</summary>
    private void ParseOperations()
    {
        if (_root["paths"] is not { IsObject: true } paths)
        {
            return;
        }
        var methodNames = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var path in paths.Properties)
        {
            foreach (string method in s_methods)
            {
                if (path.Value[method] is not { IsObject: true } operation)
                {
                    continue;
                }
                _cancellationToken.ThrowIfCancellationRequested();
                string operationId = operation.GetString("operationId") ?? (method + " " + path.Key);
                string pointer = "#/paths/" + path.Key.Replace("~", "~0").Replace("/", "~1") + "/" + method;
                if (ParsePathKey(path.Key, out var template, out var fixedQuery) is { } keyError)
                {
                    ReportUnmappablePath(operationId, method, path.Key, keyError, pointer);
                    continue;
                }
                string group = GroupOf(template);
                if (!methodNames.TryGetValue(group, out var used))
                {
                    methodNames[group] = used = new HashSet<string>(StringComparer.Ordinal) { "Pipeline" };
                }
                string context = Naming.Pascal(operationId).TrimStart('_');
                try
                {
                    var built = BuildOperation(operationId, method, template, path.Value, operation, pointer, context) with { FixedQuery = fixedQuery };
                    if (CheckParameters(built) is { } parameterError)
                    {
                        ReportUnmappablePath(operationId, method, path.Key, parameterError, pointer);
                        continue;
                    }
                    // Named only once it is certain to have a method, so that a dropped operation takes no name from another.
                    _operations.Add((group, NameMethods(built, used)));
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    _diagnostics.Add(new(DiagnosticIds.Unsupported, DiagnosticLevel.Warning,
                        $"Operation '{operationId}' could not be modelled and has no client method: {ex.Message}", pointer));
                }
            }
        }
    }

    /// <summary>
    /// Splits a path key into its template and the fixed query it may carry (<c>/responses/{response_id}?beta=true</c>:
    /// newer specs key their beta operations so); the error, as a value, when the key cannot be mapped to a URL:
    /// an unbalanced or empty brace, a parameter in the query part, a query pair without a name.
    /// </summary>
    private static string? ParsePathKey(string key, out string template, out ImmutableEquatableArray<FixedQueryParameter> query)
    {
        int mark = key.IndexOf('?');
        template = mark < 0 ? key : key.Substring(0, mark);
        query = ImmutableEquatableArray<FixedQueryParameter>.Empty;
        int open = -1;
        for (int i = 0; i < template.Length; i++)
        {
            if (template[i] == '{')
            {
                if (open >= 0)
                {
                    return $"the path template '{template}' opens a brace at {i} inside another";
                }
                open = i;
            }
            else if (template[i] == '}')
            {
                if (open < 0)
                {
                    return $"the path template '{template}' closes a brace at {i} that was not opened";
                }
                if (i == open + 1)
                {
                    return $"the path template '{template}' has an empty parameter at {open}";
                }
                open = -1;
            }
        }
        if (open >= 0)
        {
            return $"the path template '{template}' does not close the brace at {open}";
        }
        if (mark < 0)
        {
            return null;
        }
        var pairs = new List<FixedQueryParameter>();
        foreach (string pair in key.Substring(mark + 1).Split(new[] { '&' }, StringSplitOptions.RemoveEmptyEntries))
        {
            if (pair.IndexOfAny(new[] { '{', '}' }) >= 0)
            {
                return $"the query '{pair}' in the path key holds a parameter, which a fixed query cannot";
            }
            int equals = pair.IndexOf('=');
            string name = Uri.UnescapeDataString(equals < 0 ? pair : pair.Substring(0, equals));
            if (name.Length == 0)
            {
                return $"the query '{pair}' in the path key has no name";
            }
            pairs.Add(new FixedQueryParameter(name, equals < 0 ? "" : Uri.UnescapeDataString(pair.Substring(equals + 1))));
        }
        query = pairs.ToEquatableArray();
        return null;
    }

    /// <summary>
    /// The error, as a value, when the operation's parameters do not fit its path key: a template parameter with no
    /// definition, a path parameter the template does not place, or a fixed query pair that is also a declared query
    /// parameter (which the method would send twice).
    /// </summary>
    private static string? CheckParameters(OperationModel operation)
    {
        var placed = new HashSet<string>(StringComparer.Ordinal);
        int at = 0;
        while ((at = operation.Path.IndexOf('{', at)) >= 0)
        {
            int close = operation.Path.IndexOf('}', at);
            string name = operation.Path.Substring(at + 1, close - at - 1);
            placed.Add(name);
            if (!operation.Parameters.Any(p => p.In == "path" && p.JsonName == name))
            {
                return $"the path parameter '{name}' has no parameter definition";
            }
            at = close + 1;
        }
        if (operation.Parameters.FirstOrDefault(p => p.In == "path" && !placed.Contains(p.JsonName)) is { } unplaced)
        {
            return $"the path parameter '{unplaced.JsonName}' does not appear in the path template '{operation.Path}'";
        }
        if (operation.FixedQuery.FirstOrDefault(q => operation.Parameters.Any(p => p.In == "query" && p.JsonName == q.Name)) is { } clash)
        {
            return $"the path key's query '{clash.Name}' is also a declared query parameter";
        }
        return null;
    }

    private void ReportUnmappablePath(string operationId, string method, string key, string reason, string pointer) =>
        _diagnostics.Add(new(DiagnosticIds.UnmappablePath, DiagnosticLevel.Warning,
            $"Operation '{operationId}' ({method.ToUpperInvariant()} {key}) has no client method: {reason}.", pointer));

    private static string GroupOf(string path)
    {
        var segments = new List<string>();
        foreach (string segment in path.Split(new[] { '/' }, StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment.StartsWith("{", StringComparison.Ordinal))
            {
                break;
            }
            segments.Add(Naming.Pascal(segment).TrimStart('_', '@'));
        }
        return string.Join(".", segments);
    }

    /// <summary>
    /// Names the methods of an operation within its group: <c>{OperationId}Async</c> and its variants
    /// (<c>*TextAsync</c>, <c>*StreamingAsync</c>, <c>*AutoPagingAsync</c>), and the private methods that build its
    /// requests (<c>Build{OperationId}Request</c>, <c>Build{OperationId}{Media}Request</c> for another body media type).
    /// </summary>
    private static OperationModel NameMethods(OperationModel op, HashSet<string> used)
    {
        string stem = Naming.Pascal(op.OperationId).TrimStart('_');
        string build = Naming.Unique("Build" + stem + "Request", used);
        return op with
        {
            MethodName = Naming.Unique(stem + "Async", used),
            TextMethodName = Naming.Unique(stem + "TextAsync", used),
            StreamingMethodName = Naming.Unique(stem + "StreamingAsync", used),
            AutoPagingMethodName = Naming.Unique(stem + "AutoPagingAsync", used),
            BuildMethodName = build,
            Body = op.Body is null ? null : op.Body with { BuildMethodName = build },
            AlternateBodies = op.AlternateBodies.Select(b => b with
            {
                BuildMethodName = Naming.Unique("Build" + stem + Naming.Pascal(MediaSubtype(b.ContentType)).TrimStart('@', '_') + "Request", used),
            }).ToEquatableArray(),
        };
    }

    private OperationModel BuildOperation(string operationId, string method, string path, JsonNode pathItem, JsonNode operation, string pointer, string context)
    {
        var parameters = new List<ParameterModel>();
        var names = new HashSet<string>(StringComparer.Ordinal) { "body", "options", "cancellationToken", "request" };
        foreach (var raw in pathItem["parameters"]?.Items.Concat(operation["parameters"]?.Items ?? new List<JsonNode>()) ?? operation["parameters"]?.Items ?? new List<JsonNode>())
        {
            var parameter = raw.GetString("$ref") is { } reference ? ResolveParameterRef(reference) : raw;
            if (parameter is null || parameter.GetString("in") is not ("path" or "query") || parameter.GetString("name") is not { } jsonName)
            {
                continue;
            }
            string pascal = Naming.Pascal(jsonName).TrimStart('_', '@');
            string name = Naming.Unique(char.ToLowerInvariant(pascal[0]) + pascal.Substring(1), names);
            var type = parameter["schema"] is { } schema ? Resolve(schema, NameHint.Plain(context + pascal), pointer + "/parameters/" + jsonName) : TypeRef.String;
            bool isPath = parameter.GetString("in") == "path";
            parameters.Add(new ParameterModel(jsonName, name, parameter.GetString("in")!, isPath || parameter.GetBool("required"), type, parameter.GetString("description")));
        }

        BodyModel? body = null;
        var alternates = new List<BodyModel>();
        if (operation["requestBody"] is { IsObject: true } requestBody && requestBody["content"] is { IsObject: true } content && content.Properties.Count > 0)
        {
            // One method per operation takes the preferred media type: multipart when offered (the only one that
            // carries files), else JSON, else the first declared. Another media type whose body has another C# type
            // (images/edits JSON, realtime/calls SDP) gets an overload; one with the same type adds nothing.
            var preferred = content.Properties.FirstOrDefault(p => p.Key == "multipart/form-data") is { Key: not null } multipart ? multipart
                : content.Properties.FirstOrDefault(p => p.Key == "application/json") is { Key: not null } json ? json
                : content.Properties[0];
            bool required = requestBody.GetBool("required");
            body = BuildBody(preferred.Key, preferred.Value, required, pointer, context + "Request");
            foreach (var other in content.Properties)
            {
                if (other.Key == preferred.Key || other.Key == "text/event-stream")
                {
                    continue;
                }
                string media = Naming.Pascal(MediaSubtype(other.Key)).TrimStart('@', '_');
                var alternate = BuildBody(other.Key, other.Value, true, pointer, context + media + "Request");
                if (!alternate.Type.Equals(body.Type) && alternates.All(a => !a.Type.Equals(alternate.Type)))
                {
                    alternates.Add(alternate);
                }
            }
        }

        var response = BuildResponse(operation, pointer, context);
        var paging = BuildPaging(parameters, response);
        bool admin = operation["security"] is { Kind: JsonKind.Array } security
            && security.Items.Any(s => s.IsObject && s.Properties.Any(p => p.Key == "AdminApiKeyAuth"));
        // The method names are given by NameMethods, once the operation is known to get a method.
        return new OperationModel(operationId, "", "", "", "", "", method.ToUpperInvariant(), path, ImmutableEquatableArray<FixedQueryParameter>.Empty, operation.GetString("summary") ?? operation.GetString("description"),
            operation.GetBool("deprecated"), admin, parameters.ToEquatableArray(), body, alternates.ToEquatableArray(), response, paging,
            EnumValue(body, "response_format", "text"), response.StreamEvent is null || body is { HasStreamFlag: true } ? null : EnumValue(body, "stream_format", "sse"));
    }

    private static string MediaSubtype(string contentType)
    {
        string subtype = contentType.Substring(contentType.IndexOf('/') + 1);
        return subtype switch
        {
            "form-data" => "multipart",
            "x-www-form-urlencoded" => "form",
            _ => subtype,
        };
    }

    private BodyModel BuildBody(string contentType, JsonNode media, bool required, string pointer, string typeName)
    {
        var schema = media["schema"];
        var type = schema is null ? TypeRef.Any : Resolve(schema, NameHint.Plain(typeName), pointer + "/requestBody");
        var fields = new List<FormField>();
        bool hasStream = false;
        if (schema is not null && type.Kind == TypeRefKind.Object)
        {
            var model = _types.OfType<ObjectModel>().FirstOrDefault(t => t.Name == type.Name);
            if (model is not null)
            {
                fields.AddRange(model.Properties.Select(p => new FormField(p.JsonName, p.Name, p.Type,
                    p.ConstValue is null && (p.Type.Nullable || !p.Required || p.Deprecated),
                    contentType == "multipart/form-data" ? media["encoding"]?[p.JsonName]?.GetString("contentType") : null)));
                hasStream = model.Properties.Any(p => p.JsonName == "stream" && p.Type.Kind == TypeRefKind.Boolean);
            }
        }
        if (contentType is not ("application/json" or "multipart/form-data" or "application/x-www-form-urlencoded"))
        {
            type = TypeRef.String; // application/sdp and other text bodies
        }
        return new BodyModel(contentType, type, required, fields.ToEquatableArray(), hasStream, "");
    }

    /// <summary>The body's optional enum property <paramref name="jsonName"/> and its member spelled <paramref name="value"/>, if both exist.</summary>
    private EnumValueModel? EnumValue(BodyModel? body, string jsonName, string value)
    {
        if (body?.Type is not { Kind: TypeRefKind.Object } type || _types.OfType<ObjectModel>().FirstOrDefault(t => t.Name == type.Name) is not { } model)
        {
            return null;
        }
        var property = model.Properties.FirstOrDefault(p => p.JsonName == jsonName && !p.Required);
        return property?.Type is { Kind: TypeRefKind.Enum or TypeRefKind.OpenEnum } enumType
            && _types.OfType<EnumModel>().FirstOrDefault(t => t.Name == enumType.Name) is { } enumModel
            && enumModel.Members.FirstOrDefault(m => m.Value == value) is { } member
                ? new EnumValueModel(property.Name, enumModel.Name, member.Name)
                : null;
    }

    private JsonNode? ResolveParameterRef(string reference)
    {
        const string prefix = "#/components/parameters/";
        return reference.StartsWith(prefix, StringComparison.Ordinal) ? _root["components"]?["parameters"]?[reference.Substring(prefix.Length)] : null;
    }

    private ResponseModel BuildResponse(JsonNode operation, string pointer, string context)
    {
        var success = operation["responses"]?.Properties.FirstOrDefault(r => r.Key.StartsWith("2", StringComparison.Ordinal)).Value;
        if (success?["content"] is not { IsObject: true } content || content.Properties.Count == 0)
        {
            return new ResponseModel(ResponseKind.None, null, null);
        }
        TypeRef? stream = content["text/event-stream"]?["schema"] is { } sse ? Resolve(sse, NameHint.Plain(context + "StreamEvent"), pointer + "/responses/stream") : null;
        if (stream is not null && stream.Kind is not (TypeRefKind.Object or TypeRefKind.Union))
        {
            stream = null;
        }
        // What the call answers by default is the first media type other than the event stream.
        string? first = content.Properties.Select(p => p.Key).FirstOrDefault(k => k != "text/event-stream");
        if (first == "application/json" && content["application/json"]?["schema"] is { } json)
        {
            var type = Resolve(json, NameHint.Plain(context + "Response"), pointer + "/responses");
            // A download the spec declares as a JSON string (files/{id}/content) is bytes on the wire.
            return type.Kind == TypeRefKind.String
                ? new ResponseModel(ResponseKind.Binary, null, stream)
                : new ResponseModel(ResponseKind.Json, type, stream);
        }
        if (first is not null && (first.StartsWith("text/", StringComparison.Ordinal) || first == "application/sdp"))
        {
            return new ResponseModel(ResponseKind.Text, TypeRef.String, stream);
        }
        return new ResponseModel(ResponseKind.Binary, null, stream);
    }

    private PagingModel? BuildPaging(List<ParameterModel> parameters, ResponseModel response)
    {
        if (!parameters.Any(p => p.JsonName == "after" && p.In == "query") || response.Type is not { Kind: TypeRefKind.Object } type)
        {
            return null;
        }
        var model = _types.OfType<ObjectModel>().FirstOrDefault(t => t.Name == type.Name);
        var data = model?.Properties.FirstOrDefault(p => p.JsonName == "data" && p.Type.Kind == TypeRefKind.Array);
        var hasMore = model?.Properties.FirstOrDefault(p => p.JsonName == "has_more" && p.Type.Kind == TypeRefKind.Boolean);
        var lastId = model?.Properties.FirstOrDefault(p => p.JsonName == "last_id" && p.Type.Kind == TypeRefKind.String);
        return data is null || hasMore is null || lastId is null ? null : new PagingModel(data.Type.Element!, data.Name, hasMore.Name, lastId.Name);
    }

    /// <summary>The client groups, parents before children, each with its operations in document order.</summary>
    private List<ClientGroupModel> BuildClientGroups(string ns, string modelsNs)
    {
        var groups = new SortedDictionary<string, List<OperationModel>>(StringComparer.Ordinal) { [""] = new() };
        foreach (var (group, op) in _operations)
        {
            string prefix = "";
            foreach (string part in group.Split(new[] { '.' }, StringSplitOptions.RemoveEmptyEntries))
            {
                prefix = prefix.Length == 0 ? part : prefix + "." + part;
                if (!groups.ContainsKey(prefix)) { groups[prefix] = new List<OperationModel>(); }
            }
            groups[group].Add(op);
        }
        string ClassName(string path) => path.Length == 0 ? "OpenAIClient" : path.Replace(".", "") + "Resource";
        return groups.Select(g =>
        {
            var children = groups.Keys
                .Where(k => k.Length > 0 && (g.Key.Length == 0 ? !k.Contains(".") : k.StartsWith(g.Key + ".", StringComparison.Ordinal) && k.IndexOf('.', g.Key.Length + 1) < 0))
                .Select(k => new ClientChild(k.Substring(k.LastIndexOf('.') + 1), ClassName(k)))
                .ToEquatableArray();
            return new ClientGroupModel(ns, modelsNs, ClassName(g.Key), g.Key, children, g.Value.ToEquatableArray());
        }).ToList();
    }
}
