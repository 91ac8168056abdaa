using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace Generated.OpenAI.Simulator;

/// <summary>
/// Files and batches: uploads kept in memory, and OpenAI's batch lifecycle over them.
/// </summary>
/// <remarks>
/// <para><c>POST /files</c> keeps the upload (id <c>file-upload-…</c>); <c>GET /files/{id}</c>, <c>GET /files/{id}/content</c>
/// and <c>DELETE /files/{id}</c> serve kept files. <c>POST /batches</c> over a kept file creates a batch (<c>batch_sim_…</c>)
/// that moves <c>validating</c> → <c>in_progress</c> → <c>finalizing</c> → <c>completed</c>, one
/// <see cref="RestSimulatorOptions.BatchStageDuration"/> per status. Validation reads the input as OpenAI does: every line
/// a JSON object with a unique string <c>custom_id</c>, <c>method</c> <c>POST</c>, the batch's <c>url</c> and an object
/// <c>body</c>, at most <see cref="RestSimulatorOptions.BatchMaxRequests"/> lines and
/// <see cref="RestSimulatorOptions.BatchMaxFileBytes"/> bytes; a file that breaks a rule ends <c>failed</c> with
/// <c>errors</c> (code, message, line).</para>
/// <para>Each request is answered as the same request sent alone would be (required fields checked, then the spec's
/// example or, with <see cref="RestSimulatorOptions.AnswerFromRequest"/>, the simulated model's answer); 2xx answers go to
/// the output file and the others to the error file, in OpenAI's line format
/// (<c>{"id","custom_id","response":{"status_code","request_id","body"},"error"}</c>). A request whose custom id holds
/// <see cref="RestSimulatorOptions.BatchFailingCustomIdMarker"/> gets a 500. Cancel: requests not yet answered get
/// <c>batch_cancelled</c> error lines and the batch ends <c>cancelled</c>; <see cref="RestSimulatorOptions.ExpireBatches"/>
/// does the same with <c>batch_expired</c> and <c>expired</c> halfway through. File and batch ids the simulator did not
/// issue fall through to the spec's examples, as before; ids it issued and no longer has (a deleted file) get a 404.</para>
/// </remarks>
public sealed partial class RestSimulator
{
    private readonly ConcurrentDictionary<string, SimulatedFile> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SimulatedBatch> _batches = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task> _batchRuns = new(StringComparer.Ordinal);
    private long _fileCounter;
    private long _batchCounter;
    private long _batchRequestCounter;

    /// <summary>The ids of the batches created so far, oldest first.</summary>
    public IReadOnlyList<string> BatchIds => [.. _batches.Values.OrderBy(b => b.CreatedAt).ThenBy(b => b.Id, StringComparer.Ordinal).Select(b => b.Id)];

    /// <summary>The status of a batch this simulator created (<c>validating</c>, …, <c>completed</c>), or null.</summary>
    public string? GetBatchStatus(string batchId) => _batches.TryGetValue(batchId, out SimulatedBatch? batch) ? batch.Status : null;

    /// <summary>Every status a batch this simulator created has had, in order (empty for an unknown id): what a test asserts, since a poller may miss a short one.</summary>
    public IReadOnlyList<string> GetBatchStatusHistory(string batchId) => _batches.TryGetValue(batchId, out SimulatedBatch? batch) ? batch.History : [];

    /// <summary>The content of a file this simulator keeps (an upload, or a batch's output or error file), or null.</summary>
    public byte[]? GetFileContent(string fileId) => _files.TryGetValue(fileId, out SimulatedFile? file) ? file.Content : null;

    /// <summary>Replaces the content of a kept file (a test corrupts a batch's output file this way), or returns false.</summary>
    public bool SetFileContent(string fileId, byte[] content)
    {
        ArgumentNullException.ThrowIfNull(content);
        return _files.TryGetValue(fileId, out SimulatedFile? file) && _files.TryUpdate(fileId, file with { Content = content }, file);
    }

    private async Task StopBatchesAsync()
    {
        try
        {
            await Task.WhenAll(_batchRuns.Values).WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A run busy answering a large file: it ends on its own; its results are not needed any more.
        }
    }

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private async Task<bool> TryServeFilesAndBatchesAsync(HttpContext context, SpecOperation operation, string apiPath, MemoryStream body)
    {
        string[] segments = apiPath.Trim('/').Split('/');
        if (segments.Length > 1 && ((segments[0] == "files" && segments[1].StartsWith(FileIdPrefix, StringComparison.Ordinal) && !_files.ContainsKey(segments[1]))
            || (segments[0] == "batches" && segments[1].StartsWith(BatchIdPrefix, StringComparison.Ordinal) && !_batches.ContainsKey(segments[1]))))
        {
            // An id this simulator issued and no longer has (a deleted file): what OpenAI answers, not the spec's example.
            await WriteErrorAsync(context, 404, $"No such {(segments[0] == "files" ? "File" : "Batch")} object: {segments[1]}", "invalid_request_error", "id", null).ConfigureAwait(false);
            return true;
        }

        switch (operation.Method, operation.PathTemplate)
        {
            case ("POST", "/files"):
                IFormCollection form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
                IFormFile? upload = form.Files["file"];
                if (upload is null)
                {
                    return false; // validation already answered a missing part; a non-file 'file' field gets the example
                }

                var content = new MemoryStream();
                await upload.CopyToAsync(content, context.RequestAborted).ConfigureAwait(false);
                var file = new SimulatedFile(NewFileId(), upload.FileName, form["purpose"].ToString(), content.ToArray(), Now());
                _files[file.Id] = file;
                await WriteJsonAsync(context, 200, file.ToJson()).ConfigureAwait(false);
                return true;
            case ("GET", "/files/{file_id}") when _files.TryGetValue(segments[1], out SimulatedFile? kept):
                await WriteJsonAsync(context, 200, kept.ToJson()).ConfigureAwait(false);
                return true;
            case ("DELETE", "/files/{file_id}") when _files.TryRemove(segments[1], out SimulatedFile? removed):
                await WriteJsonAsync(context, 200, Encoding.UTF8.GetBytes($$"""{"id":"{{removed.Id}}","object":"file","deleted":true}""")).ConfigureAwait(false);
                return true;
            case ("GET", "/files/{file_id}/content") when _files.TryGetValue(segments[1], out SimulatedFile? kept):
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/octet-stream";
                context.Response.ContentLength = kept.Content.Length;
                await context.Response.Body.WriteAsync(kept.Content, context.RequestAborted).ConfigureAwait(false);
                return true;
            case ("POST", "/batches"):
                return await TryCreateBatchAsync(context, body.ToArray()).ConfigureAwait(false);
            case ("GET", "/batches") when !_batches.IsEmpty:
                await WriteBatchListAsync(context).ConfigureAwait(false);
                return true;
            case ("GET", "/batches/{batch_id}") when _batches.TryGetValue(segments[1], out SimulatedBatch? batch):
                await WriteJsonAsync(context, 200, batch.ToJson()).ConfigureAwait(false);
                return true;
            case ("POST", "/batches/{batch_id}/cancel") when _batches.TryGetValue(segments[1], out SimulatedBatch? batch):
                batch.RequestCancel(Now());
                await WriteJsonAsync(context, 200, batch.ToJson()).ConfigureAwait(false);
                return true;
            default:
                return false;
        }
    }

    private const string FileIdPrefix = "file-upload-";
    private const string BatchIdPrefix = "batch_sim_";

    private string NewFileId() => FileIdPrefix + Interlocked.Increment(ref _fileCounter).ToString("x8", CultureInfo.InvariantCulture);

    private async Task<bool> TryCreateBatchAsync(HttpContext context, byte[] body)
    {
        using JsonDocument request = JsonDocument.Parse(body); // validated as a JSON object with the required fields
        JsonElement root = request.RootElement;
        string? inputFileId = root.TryGetProperty("input_file_id", out JsonElement input) && input.ValueKind == JsonValueKind.String ? input.GetString() : null;
        if (inputFileId is null || !_files.TryGetValue(inputFileId, out SimulatedFile? file))
        {
            return false; // not a file this simulator keeps: the spec's example, as for every other operation
        }

        string endpoint = root.TryGetProperty("endpoint", out JsonElement e) && e.ValueKind == JsonValueKind.String ? e.GetString()! : string.Empty;
        if (endpoint is not ("/v1/responses" or "/v1/chat/completions" or "/v1/embeddings" or "/v1/completions" or "/v1/moderations" or "/v1/images/generations" or "/v1/images/edits" or "/v1/videos"))
        {
            await WriteErrorAsync(context, 400, $"Invalid value for 'endpoint': '{endpoint}'.", "invalid_request_error", "endpoint", "invalid_value").ConfigureAwait(false);
            return true;
        }

        if (file.Purpose != "batch")
        {
            await WriteErrorAsync(context, 400, $"The file {inputFileId} has purpose '{file.Purpose}', but a batch needs purpose 'batch'.", "invalid_request_error", "input_file_id", "invalid_value").ConfigureAwait(false);
            return true;
        }

        JsonElement? metadata = root.TryGetProperty("metadata", out JsonElement m) && m.ValueKind == JsonValueKind.Object ? m.Clone() : null;
        string id = BatchIdPrefix + Interlocked.Increment(ref _batchCounter).ToString("x8", CultureInfo.InvariantCulture);
        var batch = new SimulatedBatch(id, endpoint, inputFileId, metadata, Now());
        _batches[id] = batch;
        _batchRuns[id] = Task.Run(() => RunBatchAsync(batch, file.Content));
        await WriteJsonAsync(context, 200, batch.ToJson()).ConfigureAwait(false);
        return true;
    }

    private async Task RunBatchAsync(SimulatedBatch batch, byte[] input)
    {
        CancellationToken stopping = _stopping.Token;
        try
        {
            await Task.Delay(_options.BatchStageDuration, stopping).ConfigureAwait(false);
            List<BatchLine> lines = ValidateBatchInput(input, batch.Endpoint, out List<BatchValidationError> errors);
            if (errors.Count > 0)
            {
                batch.Fail(errors, Now());
                return;
            }

            if (batch.CancelRequested)
            {
                Finish(batch, lines, answered: 0, new ArrayBufferWriter<byte>(), new ArrayBufferWriter<byte>(), "cancelled", "batch_cancelled");
                return;
            }

            batch.MoveTo("in_progress", Now());
            batch.SetCounts(lines.Count, 0, 0);
            var output = new ArrayBufferWriter<byte>();
            var failures = new ArrayBufferWriter<byte>();
            int completed = 0;
            int failed = 0;
            int stopAt = _options.ExpireBatches ? lines.Count / 2 : lines.Count;
            int answered = 0;
            for (; answered < stopAt; answered++)
            {
                if (batch.CancelRequested)
                {
                    break;
                }

                BatchLine line = lines[answered];
                (int status, byte[] answer) = AnswerBatchLine(line);
                bool ok = status is >= 200 and < 300;
                WriteResultLine(ok ? output : failures, line.CustomId, status, answer, null, null);
                if (ok)
                {
                    completed++;
                }
                else
                {
                    failed++;
                }

                if (answered % 256 == 0)
                {
                    batch.SetCounts(lines.Count, completed, failed);
                }
            }

            batch.SetCounts(lines.Count, completed, failed);
            await Task.Delay(_options.BatchStageDuration, stopping).ConfigureAwait(false);
            if (batch.CancelRequested || _options.ExpireBatches)
            {
                string end = batch.CancelRequested ? "cancelled" : "expired";
                Finish(batch, lines, answered, output, failures, end, "batch_" + end);
                return;
            }

            batch.MoveTo("finalizing", Now());
            await Task.Delay(_options.BatchStageDuration, stopping).ConfigureAwait(false);
            Finish(batch, lines, answered, output, failures, "completed", null);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The simulator stops.
        }
        catch (Exception exception)
        {
            lock (_errors)
            {
                _errors.Add(exception);
            }
        }
    }

    /// <summary>Writes the result files and ends the batch; requests from <paramref name="answered"/> on get an error line with <paramref name="unansweredCode"/>.</summary>
    private void Finish(SimulatedBatch batch, List<BatchLine> lines, int answered, ArrayBufferWriter<byte> output, ArrayBufferWriter<byte> failures, string status, string? unansweredCode)
    {
        if (unansweredCode is not null)
        {
            for (int i = answered; i < lines.Count; i++)
            {
                WriteResultLine(failures, lines[i].CustomId, null, null, unansweredCode, $"This request could not be executed before the batch was {status}.");
            }
        }

        string? outputId = output.WrittenCount > 0 ? KeepFile(batch.Id + "_output.jsonl", "batch_output", output.WrittenSpan.ToArray()) : null;
        string? errorId = failures.WrittenCount > 0 ? KeepFile(batch.Id + "_error.jsonl", "batch_output", failures.WrittenSpan.ToArray()) : null;
        batch.SetFiles(outputId, errorId);
        int completed = CountLines(output.WrittenSpan);
        batch.SetCounts(lines.Count, completed, lines.Count - completed);
        batch.MoveTo(status, Now());

        static int CountLines(ReadOnlySpan<byte> jsonl) => jsonl.Count((byte)'\n');
    }

    private string KeepFile(string name, string purpose, byte[] content)
    {
        var file = new SimulatedFile(NewFileId(), name, purpose, content, Now());
        _files[file.Id] = file;
        return file.Id;
    }

    private readonly record struct BatchLine(string CustomId, string Url, byte[] Body);

    /// <summary>Reads an input file as OpenAI's validation does; every broken rule is an error with its 1-based line.</summary>
    private List<BatchLine> ValidateBatchInput(byte[] input, string endpoint, out List<BatchValidationError> errors)
    {
        errors = [];
        var lines = new List<BatchLine>();
        if (input.Length > _options.BatchMaxFileBytes)
        {
            errors.Add(new BatchValidationError("file_too_large", $"The input file is {input.Length} bytes; the limit is {_options.BatchMaxFileBytes}.", null, null));
            return lines;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        int lineNumber = 0;
        ReadOnlySpan<byte> rest = input;
        while (!rest.IsEmpty)
        {
            int end = rest.IndexOf((byte)'\n');
            ReadOnlySpan<byte> text = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 1)..];
            lineNumber++;
            if (text.Trim(" \r\t"u8).IsEmpty)
            {
                continue;
            }

            if (errors.Count >= 100)
            {
                break; // OpenAI reports the first problems, not all of them
            }

            try
            {
                using JsonDocument document = JsonDocument.Parse(text.ToArray());
                JsonElement root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    errors.Add(new BatchValidationError("invalid_json_line", "This line is not a JSON object.", null, lineNumber));
                    continue;
                }

                string? customId = root.TryGetProperty("custom_id", out JsonElement c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                string? method = root.TryGetProperty("method", out JsonElement mt) && mt.ValueKind == JsonValueKind.String ? mt.GetString() : null;
                string? url = root.TryGetProperty("url", out JsonElement u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
                if (string.IsNullOrEmpty(customId))
                {
                    errors.Add(new BatchValidationError("missing_required_parameter", "Missing required parameter: 'custom_id'.", "custom_id", lineNumber));
                }
                else if (!seen.Add(customId))
                {
                    errors.Add(new BatchValidationError("duplicate_custom_id", $"The custom_id '{customId}' appears more than once in the input file.", "custom_id", lineNumber));
                }
                else if (method != "POST")
                {
                    errors.Add(new BatchValidationError("invalid_value", $"Invalid value for 'method': '{method}'. Only POST is supported.", "method", lineNumber));
                }
                else if (url != endpoint)
                {
                    errors.Add(new BatchValidationError("mismatched_url", $"The url '{url}' does not match the batch's endpoint '{endpoint}'.", "url", lineNumber));
                }
                else if (!root.TryGetProperty("body", out JsonElement body) || body.ValueKind != JsonValueKind.Object)
                {
                    errors.Add(new BatchValidationError("missing_required_parameter", "Missing required parameter: 'body' (a JSON object).", "body", lineNumber));
                }
                else
                {
                    lines.Add(new BatchLine(customId, url, LenientJson.Write(body)));
                }
            }
            catch (JsonException)
            {
                errors.Add(new BatchValidationError("invalid_json_line", "This line is not parseable as valid JSON.", null, lineNumber));
            }
        }

        if (errors.Count == 0 && lines.Count == 0)
        {
            errors.Add(new BatchValidationError("empty_file", "The input file holds no requests.", null, null));
        }
        else if (errors.Count == 0 && lines.Count > _options.BatchMaxRequests)
        {
            errors.Add(new BatchValidationError("too_many_requests", $"The input file holds {lines.Count} requests; the limit is {_options.BatchMaxRequests}.", null, null));
        }

        return lines;
    }

    /// <summary>Answers one request of a batch as the simulator answers the same request sent alone.</summary>
    private (int Status, byte[] Body) AnswerBatchLine(BatchLine line)
    {
        if (_options.BatchFailingCustomIdMarker is { Length: > 0 } marker && line.CustomId.Contains(marker, StringComparison.Ordinal))
        {
            return (500, ErrorBody("The server had an error while processing this request (simulated by the custom id).", "server_error", null, null));
        }

        string apiPath = line.Url.StartsWith("/v1/", StringComparison.Ordinal) ? line.Url[3..] : line.Url;
        SpecOperation? operation = _catalog.Find("POST", apiPath, out _);
        if (operation is null)
        {
            return (404, ErrorBody($"Invalid URL (POST {line.Url})", "invalid_request_error", null, "unknown_url"));
        }

        using (JsonDocument document = JsonDocument.Parse(line.Body))
        {
            foreach (string name in operation.RequiredFields("application/json"))
            {
                if (!document.RootElement.TryGetProperty(name, out _))
                {
                    return (400, ErrorBody($"Missing required parameter: '{name}'.", "invalid_request_error", name, "missing_required_parameter"));
                }
            }

            if (document.RootElement.TryGetProperty("stream", out JsonElement stream) && stream.ValueKind == JsonValueKind.True)
            {
                return (400, ErrorBody("Streaming is not supported in a batch.", "invalid_request_error", "stream", "invalid_value"));
            }
        }

        if (_options.AnswerFromRequest)
        {
            if (Model.TryAnswer(operation.PathTemplate, line.Body, stream: false) is { } simulated)
            {
                return (operation.SuccessStatus, simulated.Body);
            }
        }

        RestResponseBody answer = _bodies.GetOrAdd((operation, false, null), key => RestResponses.NonStreaming(_catalog, key.Item1, key.Item3));
        return (operation.SuccessStatus, answer.Body);
    }

    private void WriteResultLine(ArrayBufferWriter<byte> destination, string customId, int? status, byte[]? body, string? errorCode, string? errorMessage)
    {
        long n = Interlocked.Increment(ref _batchRequestCounter);
        using (var writer = new Utf8JsonWriter(destination, LenientJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("id", "batch_req_sim_" + n.ToString("x8", CultureInfo.InvariantCulture));
            writer.WriteString("custom_id", customId);
            if (status is { } code)
            {
                writer.WriteStartObject("response");
                writer.WriteNumber("status_code", code);
                writer.WriteString("request_id", "req_sim_batch_" + n.ToString("x8", CultureInfo.InvariantCulture));
                writer.WritePropertyName("body");
                writer.WriteRawValue(body!, skipInputValidation: true);
                writer.WriteEndObject();
                writer.WriteNull("error");
            }
            else
            {
                writer.WriteNull("response");
                writer.WriteStartObject("error");
                writer.WriteString("code", errorCode);
                writer.WriteString("message", errorMessage);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        destination.Write("\n"u8);
    }

    private async Task WriteBatchListAsync(HttpContext context)
    {
        IQueryCollection query = context.Request.Query;
        int limit = int.TryParse(query["limit"], NumberStyles.Integer, CultureInfo.InvariantCulture, out int l) && l is > 0 and <= 100 ? l : 20;
        string? after = query["after"].FirstOrDefault();
        // Newest first, as OpenAI lists them.
        SimulatedBatch[] all = [.. _batches.Values.OrderByDescending(b => b.CreatedAt).ThenByDescending(b => b.Id, StringComparer.Ordinal)];
        int start = after is null ? 0 : Array.FindIndex(all, b => b.Id == after) + 1;
        SimulatedBatch[] page = [.. all.Skip(start).Take(limit)];
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, LenientJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("object", "list");
            writer.WriteStartArray("data");
            foreach (SimulatedBatch batch in page)
            {
                batch.WriteJson(writer);
            }

            writer.WriteEndArray();
            writer.WriteString("first_id", page.Length > 0 ? page[0].Id : null);
            writer.WriteString("last_id", page.Length > 0 ? page[^1].Id : null);
            writer.WriteBoolean("has_more", start + page.Length < all.Length);
            writer.WriteEndObject();
        }

        await WriteJsonAsync(context, 200, buffer.WrittenSpan.ToArray()).ConfigureAwait(false);
    }

    private static async Task WriteJsonAsync(HttpContext context, int status, byte[] json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = json.Length;
        await context.Response.Body.WriteAsync(json, context.RequestAborted).ConfigureAwait(false);
    }
}
