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

/// <summary>One run of a generated command: builds the request from flags and stdin, sends it, prints the answer.</summary>
internal sealed class CommandInvocation
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    private readonly CommandLineConsole _console;

    public CommandInvocation(OpenApiCommand command, CommandLineConsole console)
    {
        Command = command;
        _console = console;
    }

    public OpenApiCommand Command { get; }

    public string Format { get; init; } = "auto";

    public bool RawOutput { get; init; }

    public string? OutputFile { get; init; }

    public bool Debug { get; init; }

    public bool AutoPaging { get; init; }

    public int? MaxItems { get; init; }

    public bool BodyFromStdin { get; set; }

    /// <summary>Declared flags given on the command line: the field and its text.</summary>
    public List<(OpenApiCommandOption Field, string Value)> Values { get; } = [];

    /// <summary>Dotted flags: the JSON path and the text.</summary>
    public List<(string[] Path, string Value)> Dotted { get; } = [];

    private string EffectiveFormat => Format == "auto" ? (_console.OutputIsTerminal ? "pretty" : "json") : Format;

    public async Task<int> UsageErrorAsync(string message)
    {
        await _console.Error.WriteLineAsync("error: " + message).ConfigureAwait(false);
        return OpenAICommandLine.ExitUsage;
    }

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            using OpenAIPipeline pipeline = CreatePipeline();
            Func<string?, PipelineRequest> build = await PrepareAsync(cancellationToken).ConfigureAwait(false);
            if (AutoPaging && Command.Pages)
            {
                return await PageAsync(pipeline, build, cancellationToken).ConfigureAwait(false);
            }
            PipelineRequest request = build(null);
            using PipelineResponse response = await SendAsync(pipeline, request, cancellationToken).ConfigureAwait(false);
            await PrintAsync(response, cancellationToken).ConfigureAwait(false);
            return OpenAICommandLine.ExitOk;
        }
        catch (UsageException ex)
        {
            return await UsageErrorAsync(ex.Message).ConfigureAwait(false);
        }
        // Connection failures and timeouts are OpenAIExceptions without a status: no 'HTTP 0'.
        catch (Exception ex) when (ex is APIConnectionException or APITimeoutException or HttpRequestException)
        {
            await _console.Error.WriteLineAsync("error: " + ex.Message).ConfigureAwait(false);
            return OpenAICommandLine.ExitApiError;
        }
        catch (OpenAIException ex)
        {
            string message = ex.ErrorMessage ?? ex.Message;
            string code = ex.ErrorCode is null ? "" : $" ({ex.ErrorCode})";
            await _console.Error.WriteLineAsync($"error: HTTP {ex.Status}{code}: {message}").ConfigureAwait(false);
            return OpenAICommandLine.ExitApiError;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return OpenAICommandLine.ExitCanceled;
        }
    }

    private OpenAIPipeline CreatePipeline()
    {
        string? baseUrl = _console.GetVariable("OPENAI_BASE_URL");
        var options = new OpenAIClientOptions
        {
            ApiKey = NonEmpty(_console.GetVariable("OPENAI_API_KEY")),
            AdminApiKey = NonEmpty(_console.GetVariable("OPENAI_ADMIN_KEY")),
        };
        if (!string.IsNullOrWhiteSpace(baseUrl))
        {
            if (!Uri.TryCreate(baseUrl.Trim(), UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new UsageException($"OPENAI_BASE_URL '{baseUrl}' is not an absolute http(s) URL (such as https://api.openai.com/v1).");
            }
            options.BaseUrl = uri;
        }
        if (Command.AdminAuth && options.AdminApiKey is null)
        {
            throw new UsageException($"'{Command.Name}' is an admin operation: set OPENAI_ADMIN_KEY.");
        }
        if (!Command.AdminAuth && options.ApiKey is null)
        {
            throw new UsageException("set OPENAI_API_KEY (and OPENAI_BASE_URL for another server than api.openai.com).");
        }
        return new OpenAIPipeline(options);
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>Checks the flags and reads stdin and files once; returns the request factory (the cursor for the next page, or null).</summary>
    private async Task<Func<string?, PipelineRequest>> PrepareAsync(CancellationToken cancellationToken)
    {
        string path = Command.Path;
        foreach (OpenApiCommandOption parameter in Command.Parameters.Where(p => p.In == "path"))
        {
            string? value = Values.FirstOrDefault(v => v.Field == parameter).Value;
            if (value is null)
            {
                throw new UsageException($"{OpenAICommandLine.FlagOf(parameter.Name)} is required.");
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
        foreach (var (field, value) in Values.Where(v => v.Field.In == "body"))
        {
            body[field.Name] = ValueOf(ReadAtFile(value, FlagName(field.Name)), field.Kind);
        }
        foreach (var (path, value) in Dotted)
        {
            SetPath(body, path, ValueOf(ReadAtFile(value, "--" + string.Join('.', path)), "any"));
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
        foreach (var (field, value) in Values.Where(v => v.Field.In == "body"))
        {
            fields.RemoveAll(f => f.Name == field.Name);
            fields.Add((field.Name, field.Kind, value));
        }
        if (Dotted.Count > 0)
        {
            throw new UsageException("dotted flags build JSON bodies; this command uploads multipart/form-data.");
        }
        MultipartContentBuilder multipart = PipelineContent.Multipart();
        var debug = new StringBuilder();
        foreach (var (name, kind, value) in fields)
        {
            if (kind == "file" || value.StartsWith('@'))
            {
                string file = value.StartsWith('@') ? value[1..] : value;
                if (!File.Exists(file))
                {
                    throw new UsageException($"--{name.Replace('_', '-')}: no file '{file}'.");
                }
                byte[] bytes = await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false);
                multipart.AddFile(name, bytes, Path.GetFileName(file));
                debug.Append(CultureInfo.InvariantCulture, $"{name}=@{file} ({bytes.Length} bytes) ");
            }
            else if (kind == "array" && TryParseJson(value) is JsonArray array)
            {
                multipart.AddStrings(name.EndsWith("[]", StringComparison.Ordinal) ? name : name + "[]",
                    array.Select(i => i is JsonValue v && v.TryGetValue(out string? s) ? s : i?.ToJsonString() ?? ""));
                debug.Append(CultureInfo.InvariantCulture, $"{name}={value} ");
            }
            else
            {
                multipart.AddString(name, value);
                debug.Append(CultureInfo.InvariantCulture, $"{name}={value} ");
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

    private static string FlagName(string jsonName) => OpenAICommandLine.FlagOf(jsonName);

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

    private static JsonObject ParseStdinObject(string? stdin)
    {
        if (string.IsNullOrWhiteSpace(stdin))
        {
            return [];
        }
        try
        {
            return JsonNode.Parse(stdin) as JsonObject ?? throw new UsageException("the body on standard input must be a JSON object.");
        }
        catch (JsonException ex)
        {
            throw new UsageException("the body on standard input is not JSON (YAML is not supported yet): " + ex.Message);
        }
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

    private async Task<PipelineResponse> SendAsync(OpenAIPipeline pipeline, PipelineRequest request, CancellationToken cancellationToken)
    {
        if (Debug)
        {
            string query = string.Join('&', request.Query.Select(q => Uri.EscapeDataString(q.Key) + "=" + Uri.EscapeDataString(q.Value)));
            await _console.Error.WriteLineAsync($"> {request.Method} {pipeline.Options.BaseUrl.AbsoluteUri.TrimEnd('/')}{request.Path}{(query.Length > 0 ? "?" + query : "")}").ConfigureAwait(false);
            await _console.Error.WriteLineAsync("> Authorization: Bearer [redacted]").ConfigureAwait(false);
            if (DebugBody is not null)
            {
                await _console.Error.WriteLineAsync("> " + DebugBody).ConfigureAwait(false);
            }
        }
        PipelineResponse response = await pipeline.SendAsync(request, null, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (Debug)
        {
            await _console.Error.WriteLineAsync($"< {response.Status} {response.Message.ReasonPhrase}").ConfigureAwait(false);
            foreach (var header in response.Headers)
            {
                await _console.Error.WriteLineAsync($"< {header.Key}: {string.Join(", ", header.Value)}").ConfigureAwait(false);
            }
        }
        return response;
    }

    private async Task PrintAsync(PipelineResponse response, CancellationToken cancellationToken)
    {
        string mediaType = response.Message.Content.Headers.ContentType?.MediaType ?? "";
        if (mediaType == "text/event-stream")
        {
            await PrintEventsAsync(response, cancellationToken).ConfigureAwait(false);
            return;
        }
        bool binary = Command.ResponseKind == "binary" && mediaType != "application/json";
        if (OutputFile is not null || (binary && !mediaType.StartsWith("text/", StringComparison.Ordinal)))
        {
            await WriteBodyAsync(response, cancellationToken).ConfigureAwait(false);
            return;
        }
        string text = await response.ReadContentAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (Format == "raw" || !mediaType.Contains("json", StringComparison.Ordinal))
        {
            await WriteTextAsync(text).ConfigureAwait(false);
            return;
        }
        await WriteJsonAsync(TryParseJson(text)).ConfigureAwait(false);
    }

    private async Task WriteTextAsync(string text)
    {
        await _console.Out.WriteAsync(text).ConfigureAwait(false);
        if (text.Length > 0 && !text.EndsWith('\n'))
        {
            await _console.Out.WriteLineAsync().ConfigureAwait(false);
        }
        await _console.Out.FlushAsync().ConfigureAwait(false);
    }

    private async Task WriteBodyAsync(PipelineResponse response, CancellationToken cancellationToken)
    {
        Stream target;
        try
        {
            target = OutputFile is null ? _console.OpenBinaryOutput() : new FileStream(OutputFile, FileMode.Create, FileAccess.Write, FileShare.None);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--output '{OutputFile}' cannot be written: {ex.Message}");
        }
        long written;
        await using (target.ConfigureAwait(false))
        {
            await response.ContentStream.CopyToAsync(target, cancellationToken).ConfigureAwait(false);
            written = OutputFile is null ? -1 : target.Position;
        }
        if (OutputFile is not null)
        {
            await _console.Error.WriteLineAsync($"wrote {written} bytes to {OutputFile}").ConfigureAwait(false);
        }
    }

    /// <summary>Server-sent events, each printed (and flushed) as it arrives; <c>[DONE]</c> ends the stream.</summary>
    private async Task PrintEventsAsync(PipelineResponse response, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(response.ContentStream, Encoding.UTF8);
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (Format == "raw")
            {
                await _console.Out.WriteLineAsync(line).ConfigureAwait(false);
                await _console.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }
            if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                data.Append(data.Length > 0 ? "\n" : "").Append(line.AsSpan(5).TrimStart(' '));
                continue;
            }
            if (line.Length > 0 || data.Length == 0)
            {
                continue;
            }
            string payload = data.ToString();
            data.Clear();
            if (payload == "[DONE]")
            {
                break;
            }
            await WriteEventAsync(TryParseJson(payload) ?? JsonValue.Create(payload)).ConfigureAwait(false);
        }
        if (data.Length > 0 && data.ToString() != "[DONE]")
        {
            await WriteEventAsync(TryParseJson(data.ToString()) ?? JsonValue.Create(data.ToString())).ConfigureAwait(false);
        }
    }

    private async Task WriteEventAsync(JsonNode? node)
    {
        // One event per line, whatever the format, unless pretty asks for a readable view.
        if (EffectiveFormat == "pretty")
        {
            await WriteJsonAsync(node).ConfigureAwait(false);
            await _console.Out.WriteLineAsync().ConfigureAwait(false);
        }
        else
        {
            await _console.Out.WriteLineAsync(node?.ToJsonString() ?? "null").ConfigureAwait(false);
        }
        await _console.Out.FlushAsync().ConfigureAwait(false);
    }

    private async Task WriteJsonAsync(JsonNode? node)
    {
        if (RawOutput && node is JsonValue value && value.TryGetValue(out string? s))
        {
            await WriteTextAsync(s).ConfigureAwait(false);
            return;
        }
        string text = EffectiveFormat switch
        {
            "jsonl" => node?.ToJsonString() ?? "null",
            "pretty" => PrettyPrinter.Format(node),
            _ => node?.ToJsonString(s_indented) ?? "null",
        };
        await WriteTextAsync(text).ConfigureAwait(false);
    }

    /// <summary>Every page of a cursor-paged list: <c>after</c> = the last page's <c>last_id</c> while <c>has_more</c>.</summary>
    private async Task<int> PageAsync(OpenAIPipeline pipeline, Func<string?, PipelineRequest> build, CancellationToken cancellationToken)
    {
        var items = new JsonArray();
        string? after = null;
        int count = 0;
        while (true)
        {
            using PipelineResponse response = await SendAsync(pipeline, build(after), cancellationToken).ConfigureAwait(false);
            string text = await response.ReadContentAsStringAsync(cancellationToken).ConfigureAwait(false);
            JsonObject page = TryParseJson(text) as JsonObject ?? throw new HttpRequestException("a page of the list is not a JSON object.");
            foreach (JsonNode? item in page["data"] as JsonArray ?? [])
            {
                if (MaxItems is { } max && count >= max)
                {
                    break;
                }
                count++;
                if (EffectiveFormat is "jsonl" or "raw")
                {
                    await _console.Out.WriteLineAsync(item?.ToJsonString() ?? "null").ConfigureAwait(false);
                }
                else
                {
                    items.Add(item?.DeepClone());
                }
            }
            bool more = page["has_more"] is JsonValue hasMore && hasMore.TryGetValue(out bool b) && b;
            string? lastId = page["last_id"] is JsonValue last && last.TryGetValue(out string? id) ? id : null;
            if (!more || lastId is null || lastId == after || (MaxItems is { } limit && count >= limit))
            {
                break;
            }
            after = lastId;
        }
        if (EffectiveFormat is not ("jsonl" or "raw"))
        {
            await WriteJsonAsync(items).ConfigureAwait(false);
        }
        await _console.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
        return OpenAICommandLine.ExitOk;
    }

    /// <summary>A usage problem found while preparing the request: exit 2.</summary>
    private sealed class UsageException(string message) : Exception(message);
}
