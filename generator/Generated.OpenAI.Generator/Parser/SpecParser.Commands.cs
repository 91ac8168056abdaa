using System;
using System.Collections.Generic;
using System.Linq;
using Generated.OpenAI.Generator.Model;

namespace Generated.OpenAI.Generator.Parser;

internal sealed partial class SpecParser
{
    /// <summary>Trailing path segments after a parameter that are verbs on the item (<c>/batches/{id}/cancel</c>), not sub-resources.</summary>
    private static readonly HashSet<string> s_actionVerbs = new(StringComparer.Ordinal)
    {
        "cancel", "complete", "content", "archive", "unarchive", "pause", "resume", "submit_tool_outputs", "accept", "reject",
        "hangup", "refer", "compact", "activate", "deactivate", "run", "validate", "search", "poll", "retrieve", "restore", "remix",
    };

    /// <summary>Collections whose operations OpenAI's command line names with a verb of their own (<c>openai images generate</c>).</summary>
    private static readonly Dictionary<string, (string Resource, string Method)> s_verbCollections = new(StringComparer.Ordinal)
    {
        ["POST /images/generations"] = ("images", "generate"),
        ["POST /images/edits"] = ("images", "edit"),
        ["POST /images/variations"] = ("images", "create-variation"),
    };

    /// <summary>
    /// Names every operation that has a client method as a command of OpenAI's command line, in document order:
    /// the resource path is the literal segments of the path (parameters dropped, <c>_</c> spelled <c>-</c>, joined by
    /// <c>:</c>, <c>admin:</c> first for admin-key operations); the method is <c>create</c> (POST on a collection),
    /// <c>retrieve</c> (GET on an item), <c>list</c> (GET on a collection), <c>update</c> (POST/PATCH/PUT on an item),
    /// <c>delete</c>, or the verb a trailing segment after a parameter names (<c>batches cancel</c>, <c>files content</c>).
    /// A name taken already falls back to the operation id in kebab case.
    /// </summary>
    private ImmutableEquatableArray<CommandModel> BuildCommands()
    {
        var templates = _operations.Select(o => o.Operation.Path).ToList();
        var used = new HashSet<string>(StringComparer.Ordinal);
        var commands = new List<CommandModel>();
        foreach (var (_, op) in _operations)
        {
            var (resource, method) = CommandNameOf(op, templates);
            string name = resource + " " + method;
            if (!used.Add(name))
            {
                name = resource + " " + Kebab(op.OperationId);
                for (int n = 2; !used.Add(name); n++)
                {
                    name = resource + " " + Kebab(op.OperationId) + "-" + n;
                }
            }
            var parameters = op.Parameters
                .Select(p => OptionOf(p.JsonName, p.In, p.Type, p.Required, p.Description))
                .ToEquatableArray();
            var fields = new List<CommandOptionModel>();
            string bodyKind = "none";
            if (op.Body is { } body)
            {
                bodyKind = body.ContentType switch
                {
                    "application/json" => "json",
                    "multipart/form-data" => "multipart",
                    "application/x-www-form-urlencoded" => "form",
                    _ => "text",
                };
                if (body.Type.Kind == TypeRefKind.Object && _types.OfType<ObjectModel>().FirstOrDefault(t => t.Name == body.Type.Name) is { } model)
                {
                    fields.AddRange(model.Properties.Select(p => OptionOf(p.JsonName, "body", p.Type, p.Required && p.ConstValue is null, p.Description)));
                }
            }
            string responseKind = op.Response.Kind switch
            {
                ResponseKind.Json => "json",
                ResponseKind.Binary => "binary",
                ResponseKind.Text => "text",
                _ => "none",
            };
            commands.Add(new CommandModel(name, op.OperationId, op.HttpMethod, op.Path, op.Summary, op.AdminAuth,
                op.Response.StreamEvent is not null, op.Paging is not null, bodyKind, op.Body?.ContentType, responseKind,
                parameters, fields.ToEquatableArray()));
        }
        return commands.ToEquatableArray();
    }

    private static (string Resource, string Method) CommandNameOf(OperationModel op, List<string> templates)
    {
        var resource = new List<string>();
        if (op.AdminAuth)
        {
            resource.Add("admin");
        }
        if (s_verbCollections.TryGetValue(op.HttpMethod + " " + op.Path, out var fixedName))
        {
            return (string.Join(":", resource.Concat(new[] { fixedName.Resource })), fixedName.Method);
        }
        string[] segments = op.Path.Split(new[] { '/' }, StringSplitOptions.RemoveEmptyEntries);
        bool IsParameter(string s) => s.StartsWith("{", StringComparison.Ordinal);
        bool endsWithParameter = segments.Length > 0 && IsParameter(segments[segments.Length - 1]);
        string? action = null;
        if (!endsWithParameter && segments.Length > 1)
        {
            // A trailing literal: a verb (on an item, /batches/{id}/cancel, or on the collection, /certificates/activate),
            // or a sub-resource (items below it, a paged list, or a noun).
            string last = segments[segments.Length - 1];
            string prefix = "/" + string.Join("/", segments) + "/{";
            bool hasItems = templates.Any(t => t.StartsWith(prefix, StringComparison.Ordinal));
            if (!hasItems && op.Paging is null && s_actionVerbs.Contains(last))
            {
                action = last;
            }
        }
        int count = action is null ? segments.Length : segments.Length - 1;
        for (int i = 0; i < count; i++)
        {
            if (!IsParameter(segments[i]))
            {
                resource.Add(segments[i].Replace('_', '-').ToLowerInvariant());
            }
        }
        string method = action?.Replace('_', '-') ?? op.HttpMethod switch
        {
            "GET" => endsWithParameter ? "retrieve" : "list",
            "DELETE" => "delete",
            "POST" => endsWithParameter ? "update" : "create",
            _ => "update",
        };
        return (resource.Count == 0 ? "api" : string.Join(":", resource), method);
    }

    /// <summary>The option of a parameter or field: its kind, its flag, and whether (and by which singular flag) it repeats.</summary>
    private CommandOptionModel OptionOf(string jsonName, string @in, TypeRef type, bool required, string? description)
    {
        string kind = KindOf(type);
        bool repeatable = kind == "array" || (kind == "file" && (type.Kind == TypeRefKind.Array || type.Kind == TypeRefKind.Union));
        string flag = FlagOf(jsonName);
        string? singular = repeatable ? SingularOf(flag) : null;
        return new CommandOptionModel(jsonName, @in, kind, required, description, flag, repeatable, singular == flag ? null : singular);
    }

    /// <summary>The flag of a parameter or field: its JSON name in kebab case (<c>input_file_id</c>: <c>--input-file-id</c>).</summary>
    private static string FlagOf(string jsonName) => "--" + jsonName.Replace('_', '-').TrimEnd('[', ']');

    /// <summary>
    /// The flag of one item of a plural: the last word singular (<c>--timestamp-granularities</c>:
    /// <c>--timestamp-granularity</c>, <c>--file-ids</c>: <c>--file-id</c>); a word not ending in <c>s</c> stays.
    /// </summary>
    private static string SingularOf(string flag)
    {
        if (flag.EndsWith("ies", StringComparison.Ordinal))
        {
            return flag.Substring(0, flag.Length - 3) + "y";
        }
        if (flag.EndsWith("sses", StringComparison.Ordinal) || flag.EndsWith("xes", StringComparison.Ordinal))
        {
            return flag.Substring(0, flag.Length - 2);
        }
        return flag.EndsWith("s", StringComparison.Ordinal) && !flag.EndsWith("ss", StringComparison.Ordinal) ? flag.Substring(0, flag.Length - 1) : flag;
    }

    private static string Kebab(string operationId)
    {
        var text = new System.Text.StringBuilder();
        for (int i = 0; i < operationId.Length; i++)
        {
            char c = operationId[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && text.Length > 0 && text[text.Length - 1] != '-')
                {
                    text.Append('-');
                }
                text.Append(char.ToLowerInvariant(c));
            }
            else
            {
                text.Append(char.IsLetterOrDigit(c) ? c : '-');
            }
        }
        return text.ToString().Trim('-');
    }

    private string KindOf(TypeRef type) => type.Kind switch
    {
        TypeRefKind.Union when IsFileUnion(type) => "file",
        TypeRefKind.String or TypeRefKind.Base64 or TypeRefKind.Enum or TypeRefKind.OpenEnum => "string",
        TypeRefKind.Int64 => "integer",
        TypeRefKind.Double => "number",
        TypeRefKind.Boolean => "boolean",
        TypeRefKind.Binary => "file",
        TypeRefKind.Array => type.Element?.Kind == TypeRefKind.Binary ? "file" : "array",
        TypeRefKind.Object or TypeRefKind.Map => "object",
        _ => "any",
    };

    /// <summary>A union whose every case is a file or a list of files (<c>image</c> of <c>images edit</c>: one image or several).</summary>
    private bool IsFileUnion(TypeRef type) =>
        _types.OfType<UnionModel>().FirstOrDefault(u => u.Name == type.Name) is { Cases.Count: > 0 } union
        && union.Cases.All(c => c.Type.Kind == TypeRefKind.Binary || (c.Type.Kind == TypeRefKind.Array && c.Type.Element?.Kind == TypeRefKind.Binary));
}
