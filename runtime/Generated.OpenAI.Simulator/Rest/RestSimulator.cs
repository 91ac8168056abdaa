using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Generated.OpenAI.Simulator;

/// <summary>
/// A local stand-in for the OpenAI REST API: Kestrel on 127.0.0.1 (OS-chosen port) that answers every
/// operation of the pinned spec with the spec's own response example (status: the first 2xx declared),
/// streams SSE when the body asks for <c>"stream": true</c>, validates method, path, content type and
/// required body fields, records every request, and injects faults on demand. Files uploaded with
/// <c>POST /files</c> are kept in memory, and <c>POST /batches</c> over one of them runs OpenAI's batch lifecycle
/// (see <c>RestSimulator.Batches.cs</c>).
/// </summary>
/// <remarks>Thread-safe: requests are served concurrently; the recorded list and the fault list are locked.</remarks>
public sealed partial class RestSimulator : IAsyncDisposable
{
    private readonly WebApplication? _app; // null when an OpenAISimulator hosts this simulator beside the other one
    private readonly List<Exception> _errors;
    private readonly RestSimulatorOptions _options;
    private readonly SpecCatalog _catalog;
    private readonly List<RecordedRequest> _requests = [];
    private readonly List<RestFault> _faults = [];
    private readonly ConcurrentDictionary<(SpecOperation, bool, string?), RestResponseBody> _bodies = new();
    private readonly CancellationTokenSource _stopping = new();
    private long _requestCounter;
    private SimulatedModel? _model;

    internal RestSimulator(List<Exception> errors, WebApplication? app, Uri root, RestSimulatorOptions options, SpecCatalog catalog)
    {
        _errors = errors;
        _app = app;
        _options = options;
        _catalog = catalog;
        BaseUrl = new Uri(root, "/v1");
        _faults.AddRange(options.Faults);
    }

    /// <summary>Unhandled exceptions of the simulator's request handling (a test can assert there are none).</summary>
    public IReadOnlyList<Exception> ServerErrors
    {
        get
        {
            lock (_errors)
            {
                return _errors.ToArray();
            }
        }
    }

    /// <summary><c>http://127.0.0.1:port/v1</c>: the base URL to give the client.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The spec the simulator serves.</summary>
    public SpecCatalog Catalog => _catalog;

    /// <summary>Options the simulator was started with (the pagination switches can be changed at run time).</summary>
    public RestSimulatorOptions Options => _options;

    /// <summary>A snapshot of every request received so far, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return _requests.ToArray();
            }
        }
    }

    /// <summary>Starts Kestrel on 127.0.0.1 with an OS-chosen port.</summary>
    public static async Task<RestSimulator> StartAsync(RestSimulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        SpecCatalog catalog = SpecCatalog.Default;
        var errors = new List<Exception>();
        RestSimulator? simulator = null;
        (WebApplication app, Uri root) = await LoopbackHost.StartAsync(context => simulator!.HandleAsync(context), errors, cancellationToken).ConfigureAwait(false);
        simulator = new RestSimulator(errors, app, root, options ?? new RestSimulatorOptions(), catalog);
        return simulator;
    }

    /// <summary>Installs a fault switch; it fires for the next matching requests (see <see cref="RestFault"/>).</summary>
    public RestFault AddFault(RestFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        lock (_faults)
        {
            _faults.Add(fault);
        }

        return fault;
    }

    /// <summary>Installs a fault switch from its parts.</summary>
    public RestFault AddFault(RestFaultKind kind, string? path = null, int? count = 1, int retryAfterSeconds = 1)
        => AddFault(new RestFault(kind, path, count, retryAfterSeconds));

    /// <summary>Removes every fault switch.</summary>
    public void ClearFaults()
    {
        lock (_faults)
        {
            _faults.Clear();
        }
    }

    /// <summary>Forgets the recorded requests.</summary>
    public void ClearRequests()
    {
        lock (_requests)
        {
            _requests.Clear();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await StopBatchesAsync().ConfigureAwait(false);
        if (_app is not null)
        {
            using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
            {
                await _app.StopAsync(timeout.Token).ConfigureAwait(false);
            }

            await _app.DisposeAsync().ConfigureAwait(false);
        }
        _stopping.Dispose();
    }

    internal async Task HandleAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        HttpResponse response = context.Response;
        string requestId = "req_sim_" + Interlocked.Increment(ref _requestCounter).ToString("x8", CultureInfo.InvariantCulture);
        response.Headers["x-request-id"] = requestId;

        request.EnableBuffering();
        var body = new MemoryStream();
        await request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
        request.Body.Position = 0;

        string path = request.Path.Value ?? "/";
        string apiPath = path.StartsWith("/v1/", StringComparison.Ordinal) ? path[3..] : path;
        SpecOperation? operation = _catalog.Find(request.Method, apiPath, out bool pathKnown);

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, StringValues> header in request.Headers)
        {
            headers[header.Key] = header.Value.ToString();
        }

        lock (_requests)
        {
            _requests.Add(new RecordedRequest(request.Method, path, request.QueryString.Value ?? string.Empty, request.ContentType, body.ToArray(), headers, operation?.OperationId, requestId));
        }

        RestFault? fault = null;
        lock (_faults)
        {
            fault = _faults.FirstOrDefault(f => f.TryConsume(apiPath, operation?.PathTemplate));
        }

        if (fault is not null)
        {
            await ApplyFaultAsync(context, fault).ConfigureAwait(false);
            return;
        }

        if (_options.RequireAuthorization)
        {
            string authorization = request.Headers.Authorization.ToString();
            if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || authorization.Length <= 7)
            {
                await WriteErrorAsync(context, 401, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).", "invalid_request_error", null, null).ConfigureAwait(false);
                return;
            }
        }

        if (operation is null)
        {
            await WriteErrorAsync(context, pathKnown ? 405 : 404, $"Invalid URL ({request.Method} {path})", "invalid_request_error", null, pathKnown ? "method_not_allowed" : "unknown_url").ConfigureAwait(false);
            return;
        }

        RequestShape shape = await ValidateAsync(context, operation, body).ConfigureAwait(false);
        if (shape.Rejected)
        {
            return;
        }

        if (await TryServeFilesAndBatchesAsync(context, operation, apiPath, body).ConfigureAwait(false))
        {
            return;
        }

        if (_options.PaginateFiles && operation.Method == "GET" && operation.PathTemplate == "/files")
        {
            await WriteFilesPageAsync(context).ConfigureAwait(false);
            return;
        }

        bool stream = operation.CanStream && (shape.Stream || (operation.PathTemplate == "/audio/speech" && shape.StreamFormat == "sse"));
        if (_options.AnswerFromRequest && operation.Method == "POST" && operation.PathTemplate is "/responses" or "/chat/completions" or "/embeddings" or "/images/generations" or "/images/edits")
        {
            if (Model.TryAnswer(operation.PathTemplate, body.ToArray(), stream) is { } simulated)
            {
                await WriteAnswerAsync(context, operation, simulated).ConfigureAwait(false);
                return;
            }
        }

        RestResponseBody answer = _bodies.GetOrAdd((operation, stream, shape.ResponseFormat), key => key.Item2
            ? RestResponses.Streaming(_catalog, key.Item1)
            : RestResponses.NonStreaming(_catalog, key.Item1, key.Item3));

        if (operation.PathTemplate == "/realtime/calls" && operation.Method == "POST")
        {
            response.Headers.Location = "/v1/realtime/calls/rtc_sim_" + requestId[8..];
        }

        await WriteAnswerAsync(context, operation, answer).ConfigureAwait(false);
    }

    /// <summary>The simulated model of <see cref="RestSimulatorOptions.AnswerFromRequest"/>, made on first use.</summary>
    private SimulatedModel Model => LazyInitializer.EnsureInitialized(ref _model, () => new SimulatedModel(RestResponses.NonStreaming(_catalog, _catalog.Find("POST", "/responses", out _)!, null).Body));

    private static async Task WriteAnswerAsync(HttpContext context, SpecOperation operation, RestResponseBody answer)
    {
        HttpResponse response = context.Response;
        response.StatusCode = operation.SuccessStatus;

        if (answer.SseEvents is { } events)
        {
            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-cache";
            await response.StartAsync(context.RequestAborted).ConfigureAwait(false);
            foreach (byte[] sseEvent in events)
            {
                await response.Body.WriteAsync(sseEvent, context.RequestAborted).ConfigureAwait(false);
                await response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            }

            return;
        }

        if (answer.ContentType is not null)
        {
            response.ContentType = answer.ContentType;
        }

        response.ContentLength = answer.Body.Length;
        await response.Body.WriteAsync(answer.Body, context.RequestAborted).ConfigureAwait(false);
    }

    private async Task ApplyFaultAsync(HttpContext context, RestFault fault)
    {
        switch (fault.Kind)
        {
            case RestFaultKind.TooManyRequests:
                context.Response.Headers.RetryAfter = fault.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                await WriteErrorAsync(context, 429, "Rate limit reached (simulated). Please try again later.", "requests", null, "rate_limit_exceeded").ConfigureAwait(false);
                break;
            case RestFaultKind.ServerError:
                await WriteErrorAsync(context, 500, "The server had an error while processing your request (simulated).", "server_error", null, null).ConfigureAwait(false);
                break;
            case RestFaultKind.Stall:
                using (var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token))
                {
                    try
                    {
                        await Task.Delay(Timeout.Infinite, linked.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }

                context.Abort();
                break;
            case RestFaultKind.DropConnection:
                context.Abort();
                break;
        }
    }

    private readonly record struct RequestShape(bool Rejected, bool Stream, string? StreamFormat, string? ResponseFormat);

    private async Task<RequestShape> ValidateAsync(HttpContext context, SpecOperation operation, MemoryStream body)
    {
        HttpRequest request = context.Request;
        bool hasBody = body.Length > 0;
        if (operation.RequestContentTypes.Count == 0)
        {
            return new RequestShape(false, false, null, null);
        }

        if (!hasBody && !operation.RequestBodyRequired)
        {
            return new RequestShape(false, false, null, null);
        }

        string? mediaType = MediaTypeHeaderValue.TryParse(request.ContentType, out MediaTypeHeaderValue? parsed) ? parsed.MediaType.Value : null;
        string? declared = operation.RequestContentTypes.FirstOrDefault(t => string.Equals(t, mediaType, StringComparison.OrdinalIgnoreCase));
        if (declared is null)
        {
            await WriteErrorAsync(context, 400,
                $"Invalid Content-Type header ({request.ContentType ?? "none"}), expected one of: {string.Join(", ", operation.RequestContentTypes)}.",
                "invalid_request_error", null, "invalid_content_type").ConfigureAwait(false);
            return new RequestShape(true, false, null, null);
        }

        string[] required = operation.RequiredFieldsByContentType.TryGetValue(declared, out string[]? names) ? names : [];
        var present = new HashSet<string>(StringComparer.Ordinal);
        bool stream = false;
        string? streamFormat = null;
        string? responseFormat = null;

        if (declared == "application/json")
        {
            try
            {
                using JsonDocument document = JsonDocument.Parse(body.ToArray());
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    await WriteErrorAsync(context, 400, "The request body must be a JSON object.", "invalid_request_error", null, null).ConfigureAwait(false);
                    return new RequestShape(true, false, null, null);
                }

                foreach (JsonProperty property in document.RootElement.EnumerateObject())
                {
                    present.Add(property.Name);
                    switch (property.Name)
                    {
                        case "stream":
                            stream = property.Value.ValueKind == JsonValueKind.True;
                            break;
                        case "stream_format" when property.Value.ValueKind == JsonValueKind.String:
                            streamFormat = property.Value.GetString();
                            break;
                        case "response_format" when property.Value.ValueKind == JsonValueKind.String:
                            responseFormat = property.Value.GetString();
                            break;
                    }
                }
            }
            catch (JsonException exception)
            {
                await WriteErrorAsync(context, 400,
                    $"We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload.) {exception.Message}",
                    "invalid_request_error", null, null).ConfigureAwait(false);
                return new RequestShape(true, false, null, null);
            }
        }
        else if (declared is "multipart/form-data" or "application/x-www-form-urlencoded")
        {
            IFormCollection form;
            try
            {
                form = await request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is InvalidDataException or IOException or InvalidOperationException)
            {
                await WriteErrorAsync(context, 400, $"Could not parse the form body: {exception.Message}", "invalid_request_error", null, null).ConfigureAwait(false);
                return new RequestShape(true, false, null, null);
            }

            foreach (string key in form.Keys)
            {
                present.Add(TrimArraySuffix(key));
            }

            foreach (IFormFile file in form.Files)
            {
                present.Add(TrimArraySuffix(file.Name));
            }

            stream = string.Equals(form["stream"].ToString(), "true", StringComparison.OrdinalIgnoreCase);
            streamFormat = form["stream_format"].FirstOrDefault();
            responseFormat = form["response_format"].FirstOrDefault();
        }

        foreach (string name in required)
        {
            if (!present.Contains(name))
            {
                await WriteErrorAsync(context, 400, $"Missing required parameter: '{name}'.", "invalid_request_error", name, "missing_required_parameter").ConfigureAwait(false);
                return new RequestShape(true, false, null, null);
            }
        }

        return new RequestShape(false, stream, streamFormat, responseFormat);

        static string TrimArraySuffix(string key) => key.EndsWith("[]", StringComparison.Ordinal) ? key[..^2] : key;
    }

    private async Task WriteFilesPageAsync(HttpContext context)
    {
        IQueryCollection query = context.Request.Query;
        int limit = int.TryParse(query["limit"], NumberStyles.Integer, CultureInfo.InvariantCulture, out int l) && l > 0 ? l : _options.DefaultPageSize;
        string? after = query["after"].FirstOrDefault();
        int start = 0;
        if (!string.IsNullOrEmpty(after))
        {
            start = Enumerable.Range(1, _options.PaginatedFileCount).FirstOrDefault(i => FileId(i) == after);
            if (start == 0)
            {
                await WriteErrorAsync(context, 400, $"Invalid 'after': no file with id '{after}'.", "invalid_request_error", "after", "invalid_value").ConfigureAwait(false);
                return;
            }
        }

        int first = start + 1;
        int last = Math.Min(_options.PaginatedFileCount, start + limit);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, LenientJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("object", "list");
            writer.WriteStartArray("data");
            for (int i = first; i <= last; i++)
            {
                writer.WriteStartObject();
                writer.WriteString("id", FileId(i));
                writer.WriteString("object", "file");
                writer.WriteNumber("bytes", 1000 + i);
                writer.WriteNumber("created_at", 1700000000 + i);
                writer.WriteNull("expires_at");
                writer.WriteString("filename", $"sim-{i:D3}.jsonl");
                writer.WriteString("purpose", "batch");
                writer.WriteString("status", "processed");
                writer.WriteNull("status_details");
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            if (first <= last)
            {
                writer.WriteString("first_id", FileId(first));
                writer.WriteString("last_id", FileId(last));
            }
            else
            {
                writer.WriteNull("first_id");
                writer.WriteNull("last_id");
            }

            writer.WriteBoolean("has_more", last < _options.PaginatedFileCount);
            writer.WriteEndObject();
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);

        static string FileId(int i) => "file-sim-" + i.ToString("D3", CultureInfo.InvariantCulture);
    }

    internal static async Task WriteErrorAsync(HttpContext context, int status, string message, string type, string? param, string? code)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(ErrorBody(message, type, param, code), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>An API error body, <c>{"error":{"message","type","param","code"}}</c>, as OpenAI writes it (for a response, or a batch's error line).</summary>
    internal static byte[] ErrorBody(string message, string type, string? param, string? code)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, LenientJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("error");
            writer.WriteString("message", message);
            writer.WriteString("type", type);
            writer.WriteString("param", param);
            writer.WriteString("code", code);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
