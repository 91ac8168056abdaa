using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Http;

namespace Generated.OpenAI.CommandLine;

/// <summary>The request: path and query from the flags, the body (JSON, multipart, form or text) from the flags, dotted flags, <c>@file</c> values and stdin.</summary>
internal sealed partial class CommandInvocation
{
    /// <summary>Checks the flags and reads stdin and files once; returns the request factory (the cursor for the next page, or null).</summary>
    private async Task<Func<string?, PipelineRequest>> PrepareAsync(CancellationToken cancellationToken)
    {
        string path = Command.Path;
        foreach (OpenApiCommandOption parameter in Command.Parameters.Where(p => p.In == "path"))
        {
            string? value = Values.FirstOrDefault(v => v.Field == parameter).Value;
            if (value is null)
            {
                throw new UsageException($"{parameter.Flag} is required.");
            }
            path = path.Replace("{" + parameter.Name + "}", PipelineRequest.EscapePathSegment(value), StringComparison.Ordinal);
        }
        var query = Values.Where(v => v.Field.In == "query").ToList();
        Func<HttpContent>? content = null;
        string? debugBody = null;
        if (Command.BodyKind != "none")
        {
            string? stdin = BodyFromStdin || _console.InputRedirected ? await _console.In.ReadToEndAsync(cancellationToken).ConfigureAwait(false) : null;
            if (BodyFromStdin && string.IsNullOrWhiteSpace(stdin))
            {
                throw new UsageException("'-' asks for a body on standard input, but it is empty.");
            }
            (content, debugBody) = Command.BodyKind switch
            {
                "json" => JsonBody(stdin),
                "multipart" => await MultipartBodyAsync(stdin, cancellationToken).ConfigureAwait(false),
                "form" => FormBody(stdin),
                _ => (PipelineContent.Text(stdin ?? "", Command.BodyContentType ?? "text/plain"), stdin),
            };
        }
        else if (BodyFromStdin || Dotted.Count > 0)
        {
            throw new UsageException($"'{Command.Name}' takes no request body.");
        }

        return after =>
        {
            var request = new PipelineRequest(new HttpMethod(Command.HttpMethod), path) { UseAdminKey = Command.AdminAuth, Content = content };
            foreach (var (field, value) in query)
            {
                if (after is not null && field.Name == "after")
                {
                    continue;
                }
                if (field.Kind == "array" && TryParseJson(value) is JsonArray array)
                {
                    request.AddQuery(field.Name, array.Select(i => i is JsonValue v && v.TryGetValue(out string? s) ? s : i?.ToJsonString()), QueryArrayFormat.Repeat);
                }
                else
                {
                    request.AddQuery(field.Name, value);
                }
            }
            if (after is not null)
            {
                request.AddQuery("after", after);
            }
            DebugBody = debugBody;
            return request;
        };
    }

    private string? DebugBody { get; set; }

    private (Func<HttpContent>, string) JsonBody(string? stdin)
    {
        JsonObject body = ParseStdinObject(stdin);
        foreach (var given in Values.Where(v => v.Field.In == "body").GroupBy(v => v.Field))
        {
            OpenApiCommandOption field = given.Key;
            body[field.Name] = field.Repeatable
                ? ItemsOf(given.Select(v => FlagValue(v.Value, "any", field.Flag)).ToList())
                : FlagValue(given.First().Value, field.Kind, field.Flag);
        }
        foreach (var (path, value) in Dotted)
        {
            SetPath(body, path, FlagValue(value, "any", "--" + string.Join('.', path)));
        }
        string json = body.ToJsonString();
        return (PipelineContent.Json(Encoding.UTF8.GetBytes(json)), json);
    }

    private async Task<(Func<HttpContent>, string)> MultipartBodyAsync(string? stdin, CancellationToken cancellationToken)
    {
        var fields = new List<(string Name, string Kind, string Value)>();
        foreach (var (name, node) in ParseStdinObject(stdin))
        {
            string kind = Command.BodyFields.FirstOrDefault(f => f.Name == name)?.Kind ?? "any";
            fields.Add((name, kind, node is JsonValue v && v.TryGetValue(out string? s) ? s : node?.ToJsonString() ?? ""));
        }
        foreach (var given in Values.Where(v => v.Field.In == "body").GroupBy(v => v.Field))
        {
            OpenApiCommandOption field = given.Key;
            fields.RemoveAll(f => f.Name == field.Name);
            if (field.Repeatable && field.Kind == "array")
            {
                // Every item of every flag, as a JSON array for the loop below (one value may be a JSON array already).
                var items = new JsonArray();
                foreach (var (_, value) in given)
                {
                    foreach (JsonNode? item in TryParseJson(value) is JsonArray list ? list : new JsonArray(JsonValue.Create(value)))
                    {
                        items.Add(item?.DeepClone());
                    }
                }
                fields.Add((field.Name, field.Kind, items.ToJsonString()));
            }
            else
            {
                fields.AddRange(given.Select(v => (field.Name, field.Kind, v.Value)));
            }
        }
        if (Dotted.Count > 0)
        {
            throw new UsageException("dotted flags build JSON bodies; this command uploads multipart/form-data.");
        }
        MultipartContentBuilder multipart = PipelineContent.Multipart();
        var debug = new StringBuilder();
        foreach (var (name, kind, value) in fields)
        {
            if (kind == "file")
            {
                string file = value.StartsWith('@') ? value[1..] : value;
                if (!File.Exists(file))
                {
                    throw new UsageException($"{Command.BodyFields.FirstOrDefault(f => f.Name == name)?.Flag ?? name}: no file '{file}'.");
                }
                byte[] bytes = await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false);
                // Several files for one field are parts named 'name[]' (images edit --image a.png --image b.png).
                string part = fields.Count(f => f.Name == name) > 1 ? name + "[]" : name;
                multipart.AddFile(part, bytes, Path.GetFileName(file));
                debug.Append(CultureInfo.InvariantCulture, $"{part}=@{file} ({bytes.Length} bytes) ");
            }
            else if (kind == "array" && TryParseJson(value) is JsonArray array)
            {
                multipart.AddStrings(name.EndsWith("[]", StringComparison.Ordinal) ? name : name + "[]",
                    array.Select(i => i is JsonValue v && v.TryGetValue(out string? s) ? s : i?.ToJsonString() ?? ""));
                debug.Append(CultureInfo.InvariantCulture, $"{name}={value} ");
            }
            else
            {
                string text = ReadAtFile(value, Command.BodyFields.FirstOrDefault(f => f.Name == name)?.Flag ?? name);
                multipart.AddString(name, text);
                debug.Append(CultureInfo.InvariantCulture, $"{name}={text} ");
            }
        }
        return (multipart.Build(), debug.ToString().TrimEnd());
    }

    private (Func<HttpContent>, string) FormBody(string? stdin)
    {
        var pairs = ParseStdinObject(stdin).Select(p => new KeyValuePair<string, string?>(p.Key, p.Value is JsonValue v && v.TryGetValue(out string? s) ? s : p.Value?.ToJsonString())).ToList();
        foreach (var (field, value) in Values.Where(v => v.Field.In == "body"))
        {
            pairs.RemoveAll(p => p.Key == field.Name);
            pairs.Add(new(field.Name, value));
        }
        return (PipelineContent.FormUrlEncoded(pairs), string.Join('&', pairs.Select(p => p.Key + "=" + p.Value)));
    }

    /// <summary><c>@file</c>: the file's text (then read as JSON when it parses); any other value as given.</summary>
    private static string ReadAtFile(string value, string flag)
    {
        if (!value.StartsWith('@') || value.Length == 1)
        {
            return value;
        }
        string file = value[1..];
        if (!File.Exists(file))
        {
            throw new UsageException($"{flag}: no file '{file}'.");
        }
        return File.ReadAllText(file).TrimEnd('\r', '\n');
    }

    /// <summary>The items a repeated flag gave; one value that is a JSON array already is the whole list (<c>--include '["logprobs"]'</c>).</summary>
    private static JsonArray ItemsOf(List<JsonNode?> values) =>
        values is [JsonArray list] ? list : new JsonArray([.. values]);

    /// <summary>The body on standard input: JSON, or else YAML (a heredoc as OpenAI's CLI docs write them); an object either way.</summary>
    private static JsonObject ParseStdinObject(string? stdin)
    {
        if (string.IsNullOrWhiteSpace(stdin))
        {
            return [];
        }
        JsonNode? body;
        try
        {
            body = JsonNode.Parse(stdin);
        }
        catch (JsonException ex) when (stdin.TrimStart() is ['{' or '[', ..])
        {
            throw new UsageException("the body on standard input is not JSON: " + ex.Message);
        }
        catch (JsonException)
        {
            body = YamlReader.Parse(stdin, "the body on standard input");
        }
        return body as JsonObject ?? throw new UsageException("the body on standard input must be an object (JSON, or a YAML mapping such as 'model: gpt-5.5').");
    }

    /// <summary>
    /// A flag's value for a JSON body: <c>@file</c> is the file's content (YAML for <c>.yaml</c> and <c>.yml</c>,
    /// otherwise its text, read as JSON when it parses); anything else as <see cref="ValueOf"/> reads it.
    /// </summary>
    private static JsonNode? FlagValue(string value, string kind, string flag)
    {
        string text = ReadAtFile(value, flag);
        if (value.Length > 1 && value[0] == '@' && Path.GetExtension(value) is { } extension
            && (extension.Equals(".yaml", StringComparison.OrdinalIgnoreCase) || extension.Equals(".yml", StringComparison.OrdinalIgnoreCase)))
        {
            return YamlReader.Parse(text, $"{flag} {value}");
        }
        return ValueOf(text, kind);
    }

    /// <summary>A flag's value: JSON when it parses (and the field is not a string), else the text itself.</summary>
    private static JsonNode? ValueOf(string text, string kind)
    {
        if (kind == "string")
        {
            return JsonValue.Create(text);
        }
        return TryParseJson(text) is { } node ? node : JsonValue.Create(text);
    }

    private static JsonNode? TryParseJson(string text)
    {
        if (text.Length == 0)
        {
            return null;
        }
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void SetPath(JsonObject body, string[] path, JsonNode? value)
    {
        JsonObject current = body;
        for (int i = 0; i < path.Length - 1; i++)
        {
            if (current[path[i]] is not JsonObject next)
            {
                next = [];
                current[path[i]] = next;
            }
            current = next;
        }
        current[path[^1]] = value;
    }
}
