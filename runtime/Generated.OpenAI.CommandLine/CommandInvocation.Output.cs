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

/// <summary>The answer: sent with <c>--debug</c> logging, printed in the chosen format, events as they arrive, binary bodies to <c>--output</c>, every page of a list.</summary>
internal sealed partial class CommandInvocation
{
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
        if ((Format == "raw" && Transform is null) || !mediaType.Contains("json", StringComparison.Ordinal))
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
        if (!TrySelect(ref node))
        {
            return;
        }
        // One event per line, whatever the format, unless pretty or yaml asks for a readable view.
        if (RawOutput && node is JsonValue text && text.TryGetValue(out string? s))
        {
            await _console.Out.WriteLineAsync(s).ConfigureAwait(false);
        }
        else if (EffectiveFormat == "pretty")
        {
            await WriteJsonAsync(node, selected: true).ConfigureAwait(false);
            await _console.Out.WriteLineAsync().ConfigureAwait(false);
        }
        else if (EffectiveFormat == "yaml")
        {
            // One YAML document per event or item, each opened by '---'.
            await _console.Out.WriteLineAsync("---").ConfigureAwait(false);
            await WriteJsonAsync(node, selected: true).ConfigureAwait(false);
        }
        else
        {
            await _console.Out.WriteLineAsync(node?.ToJsonString() ?? "null").ConfigureAwait(false);
        }
        await _console.Out.FlushAsync().ConfigureAwait(false);
    }

    /// <summary>Applies <c>--transform</c>; false when the path matches nothing (nothing is printed).</summary>
    private bool TrySelect(ref JsonNode? node)
    {
        if (Transform is null)
        {
            return true;
        }
        node = JsonTransform.Apply(node, Transform, out bool found);
        return found;
    }

    private async Task WriteJsonAsync(JsonNode? node, bool selected = false)
    {
        if (!selected && !TrySelect(ref node))
        {
            return;
        }
        if (RawOutput && node is JsonValue value && value.TryGetValue(out string? s))
        {
            await WriteTextAsync(s).ConfigureAwait(false);
            return;
        }
        string text = EffectiveFormat switch
        {
            "jsonl" => node?.ToJsonString() ?? "null",
            "pretty" => PrettyPrinter.Format(node),
            "yaml" => YamlWriter.Write(node),
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
                if (EffectiveFormat is "jsonl" or "raw" or "yaml")
                {
                    await WriteEventAsync(item).ConfigureAwait(false);
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
        if (EffectiveFormat is not ("jsonl" or "raw" or "yaml"))
        {
            await WriteJsonAsync(items).ConfigureAwait(false);
        }
        await _console.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
        return OpenAICommandLine.ExitOk;
    }
}
