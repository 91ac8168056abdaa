using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Http;
using Generated.OpenAI.Serialization;
using Generated.OpenAI.Simulator;
using Xunit;
using Xunit.Abstractions;

namespace Generated.OpenAI.Tests.Rest;

/// <summary>
/// Every operation of the pinned spec, called through its generated client method against the REST simulator
/// with the spec's example request where it has one (curl <c>-d</c> bodies, URLs, parameter examples) and a
/// synthesized minimal body otherwise. Each request is checked as the simulator recorded it and each answer as
/// the method returned it.
/// </summary>
public sealed class AllOperationsTests
{
    private const string ApiKey = "sk-test-all-operations";
    private const string AdminKey = "sk-admin-test-all-operations";
    private const string Sdp = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n";

    private readonly ITestOutputHelper _output;

    public AllOperationsTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task Every_operation_of_the_spec_is_called_through_its_generated_method_and_checked_on_both_ends()
    {
        await using RestSimulator simulator = await RestSimulator.StartAsync();
        var client = new OpenAIClient(new OpenAIClientOptions { ApiKey = ApiKey, AdminApiKey = AdminKey, BaseUrl = simulator.BaseUrl, MaxRetries = 0 });

        IReadOnlyList<SpecOperationInfo> operations = RestOperationCatalog.SpecOperations();
        IReadOnlyList<GeneratedMethod> methods = RestOperationCatalog.GeneratedMethods(client);
        var calls = methods.Where(m => m.Operation.Variant == OpenApiMethodVariant.Call).ToLookup(m => m.Operation.OperationId, StringComparer.Ordinal);

        var failures = new List<string>();
        var answers = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int passed = 0, overloads = 0, fromExamples = 0, synthesized = 0, queryPairs = 0;
        foreach (SpecOperationInfo operation in operations)
        {
            var forOperation = calls[operation.OperationId].ToList();
            if (forOperation.Count == 0)
            {
                failures.Add($"{operation.OperationId}: no generated method");
                continue;
            }
            var problems = new List<string>();
            foreach (GeneratedMethod method in forOperation)
            {
                try
                {
                    CallResult result = await CallAsync(simulator, operation, method);
                    problems.AddRange(result.Problems.Select(p => $"{method.Method.Name}({method.Operation.RequestContentType ?? "no body"}): {p}"));
                    fromExamples += result.BodyFromExample ? 1 : 0;
                    synthesized += result.BodySynthesized ? 1 : 0;
                    queryPairs += result.ExampleQueryPairs;
                    answers[result.Answer] = answers.GetValueOrDefault(result.Answer) + 1;
                }
                catch (Exception exception)
                {
                    Exception inner = exception is TargetInvocationException { InnerException: { } e } ? e : exception;
                    problems.Add($"{method.Method.Name}({method.Operation.RequestContentType ?? "no body"}): {inner.GetType().Name}: {inner.Message}");
                }
            }
            if (problems.Count == 0)
            {
                passed++;
                overloads += forOperation.Count - 1;
            }
            else
            {
                failures.Add($"{operation.OperationId} ({operation.Method} {operation.Path}): {string.Join("; ", problems)}");
            }
        }

        string summary = $"{passed} of {operations.Count} operations";
        _output.WriteLine($"{summary} called through their generated methods and checked against the simulator " +
            $"(plus {overloads} overloads for other request media types; bodies: {fromExamples} from the spec's examples, {synthesized} synthesized; " +
            $"{queryPairs} query parameters from the examples' URLs).");
        _output.WriteLine("Answers read as: " + string.Join(", ", answers.Select(a => $"{a.Key} {a.Value}")) + ".");
        foreach (string failure in failures)
        {
            _output.WriteLine("  FAILED " + failure);
        }
        Console.WriteLine(summary);
        Assert.Empty(simulator.ServerErrors);
        Assert.Equal(operations.Count, methods.Where(m => m.Operation.Variant == OpenApiMethodVariant.Call).Select(m => m.Operation.OperationId).Distinct().Count());
        Assert.True(operations.Count > 200, $"only {operations.Count} operations in the spec");
        Assert.Empty(failures);
        Assert.Equal(operations.Count, passed);
    }

    /// <summary>
    /// The 2026-07-16 spec, newer than the pin (its beta Responses operations key their paths with <c>?beta=true</c>):
    /// the SDK generated from it in-process has a method for every operation whose attribute gives back the operation's
    /// method and path key, and every method of an operation without a form or text body, called over a recording
    /// handler, sends its method to the template with the path parameters in place and the key's fixed query.
    /// </summary>
    [Fact]
    public void Every_operation_of_the_2026_07_16_spec_has_a_generated_method_that_calls_its_path_key()
    {
        var check = Generated.OpenAI.Generator.Tests.OperationMethods.CheckAll(NewerSpec.NewerSpecSdk.Root, NewerSpec.NewerSpecSdk.Sdk);

        string summary = $"2026-07-16: {check.Passed} of {check.Total} operations";
        _output.WriteLine($"{summary} have a generated method that gives back their path key ({check.Called} methods called over a recording handler; " +
            $"the SDK was prepared, generated and compiled in {NewerSpec.NewerSpecSdk.Elapsed.TotalSeconds:0.0} s).");
        foreach (string failure in check.Failures)
        {
            _output.WriteLine("  FAILED " + failure);
        }
        foreach (string notCalled in check.NotCalled)
        {
            _output.WriteLine("  not called (the key checked only) " + notCalled);
        }
        Console.WriteLine(summary);
        Assert.True(check.Total > 250, $"only {check.Total} operations in the 2026-07-16 spec");
        Assert.Empty(check.Failures);
        Assert.Equal(check.Total, check.Passed);
        Assert.True(check.Called > check.Total / 2, $"only {check.Called} methods called");
    }

    [Fact]
    public async Task Every_streaming_method_yields_typed_events_from_the_spec_s_stream_examples()
    {
        await using RestSimulator simulator = await RestSimulator.StartAsync();
        var client = new OpenAIClient(new OpenAIClientOptions { ApiKey = ApiKey, AdminApiKey = AdminKey, BaseUrl = simulator.BaseUrl, MaxRetries = 0 });
        var operations = RestOperationCatalog.SpecOperations().ToDictionary(o => o.OperationId, StringComparer.Ordinal);
        var streaming = RestOperationCatalog.GeneratedMethods(client).Where(m => m.Operation.Variant == OpenApiMethodVariant.Streaming).ToList();
        int declared = operations.Values.Count(o => o.SuccessContentTypes.Contains("text/event-stream"));

        var failures = new List<string>();
        int passed = 0;
        foreach (GeneratedMethod method in streaming)
        {
            SpecOperationInfo operation = operations[method.Operation.OperationId];
            try
            {
                int before = simulator.Requests.Count;
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                object?[] args = BuildArguments(operation, method, timeout.Token, out _, out _, out _);
                var stream = (IAsyncEnumerable<object>)method.Method.Invoke(method.Owner, args)!;
                Type eventType = method.Method.ReturnType.GetGenericArguments()[0];
                var events = new List<object>();
                await foreach (object e in stream.WithCancellation(timeout.Token))
                {
                    events.Add(e);
                }
                RecordedRequest request = simulator.Requests.Skip(before).Single();
                var problems = new List<string>();
                if (events.Count == 0) { problems.Add("no events"); }
                if (events.Any(e => !eventType.IsInstanceOfType(e))) { problems.Add("an event of another type"); }
                if (eventType.GetProperty("Kind") is { } kind && events.All(e => kind.GetValue(e)!.ToString() == "Unknown"))
                {
                    problems.Add("every event read as Unknown");
                }
                if (request.Header("Accept")?.Contains("text/event-stream", StringComparison.Ordinal) != true) { problems.Add("no Accept: text/event-stream"); }
                if (problems.Count == 0)
                {
                    passed++;
                    _output.WriteLine($"  {method.Method.Name}: {events.Count} {eventType.Name} events");
                }
                else
                {
                    failures.Add($"{method.Method.Name}: {string.Join("; ", problems)}");
                }
            }
            catch (Exception exception)
            {
                Exception inner = exception is TargetInvocationException { InnerException: { } e } ? e : exception;
                failures.Add($"{method.Method.Name}: {inner.GetType().Name}: {inner.Message}");
            }
        }

        _output.WriteLine($"{passed} of {streaming.Count} streaming methods ({declared} operations declare text/event-stream)");
        foreach (string failure in failures)
        {
            _output.WriteLine("  FAILED " + failure);
        }
        Assert.Equal(declared, streaming.Select(m => m.Operation.OperationId).Distinct().Count());
        Assert.Empty(failures);
    }

    private sealed record CallResult(List<string> Problems, bool BodyFromExample, bool BodySynthesized, string Answer = "", int ExampleQueryPairs = 0);

    private static async Task<CallResult> CallAsync(RestSimulator simulator, SpecOperationInfo operation, GeneratedMethod method)
    {
        var problems = new List<string>();
        int before = simulator.Requests.Count;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        object?[] args = BuildArguments(operation, method, timeout.Token, out BodyInput? body, out string expectedPath, out var exampleQuery);

        var task = (Task)method.Method.Invoke(method.Owner, args)!;
        await task;
        object result = task.GetType().GetProperty("Result")!.GetValue(task)!;

        var recorded = simulator.Requests.Skip(before).ToList();
        if (recorded.Count != 1)
        {
            problems.Add($"{recorded.Count} requests arrived");
            return new CallResult(problems, false, false, "none");
        }
        RecordedRequest request = recorded[0];

        // The request, as it arrived.
        Check(request.Method == operation.Method, $"method {request.Method}");
        // Compared segment by segment, unescaped: ':' (fine-tuned model names) may legally stay as it is in a path.
        Check(request.Path.Split('/').Select(Uri.UnescapeDataString).SequenceEqual(("/v1" + expectedPath).Split('/').Select(Uri.UnescapeDataString)),
            $"path {request.Path}, expected /v1{expectedPath}");
        Check(request.OperationId == operation.OperationId, $"the simulator matched {request.OperationId ?? "no operation"}");
        Check(request.Header("Authorization") == "Bearer " + (operation.AdminAuth ? AdminKey : ApiKey), "not the declared key");
        var sentQuery = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(request.QueryString);
        foreach (string query in RequiredQuery(operation))
        {
            Check(sentQuery.ContainsKey(query), $"required query '{query}' missing");
        }
        // The example's own query (limit=20, order=desc, include[]=content, metadata[key]=value) arrives as written.
        foreach ((string name, string value) in exampleQuery)
        {
            Check(sentQuery.TryGetValue(name, out var sent) && sent.Contains(value), $"query {name}={value} arrived as {request.QueryString}");
        }
        if (body is not null)
        {
            string? mediaType = request.ContentType?.Split(';')[0].Trim();
            Check(string.Equals(mediaType, method.Operation.RequestContentType, StringComparison.OrdinalIgnoreCase), $"content type {request.ContentType}, declared {method.Operation.RequestContentType}");
            problems.AddRange(await BodyProblemsAsync(request, body));
        }
        else
        {
            Check(request.Body.Length == 0, "a body was sent");
        }

        // The answer, as the method returned it.
        string answer = "typed JSON";
        switch (result)
        {
            case PipelineResponse raw:
                answer = raw.Message.Content.Headers.ContentLength is 0 or null && operation.SuccessContentTypes.Count == 0 ? "no body" : "bytes";
                using (raw)
                {
                    byte[] bytes = await raw.ReadContentAsBytesAsync();
                    Check(raw.Status == operation.SuccessStatus, $"status {raw.Status}");
                    Check(raw.RequestId == request.RequestId, "no x-request-id");
                    string? declared = operation.SuccessContentTypes.FirstOrDefault(t => t != "text/event-stream");
                    if (declared is not null)
                    {
                        Check(bytes.Length > 0, "an empty body");
                        string? actual = raw.Message.Content.Headers.ContentType?.MediaType;
                        Check(declared is "application/json" or "application/octet-stream" || actual == declared, $"content type {actual}, declared {declared}");
                    }
                }
                break;
            default:
                Type type = result.GetType();
                Check(type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ApiResponse<>), $"returned {type.Name}");
                Type valueType = type.GetGenericArguments()[0];
                object? value = type.GetProperty(nameof(ApiResponse<int>.Value))!.GetValue(result);
                Check((int)type.GetProperty(nameof(ApiResponse<int>.Status))!.GetValue(result)! == operation.SuccessStatus, "status");
                Check((string?)type.GetProperty(nameof(ApiResponse<int>.RequestId))!.GetValue(result) == request.RequestId, "request id");
                answer = valueType == typeof(JsonElement) ? "JsonElement" : valueType == typeof(string) ? "text" : "typed JSON";
                if (valueType == typeof(JsonElement))
                {
                    Check(((JsonElement)value!).ValueKind != JsonValueKind.Undefined, "no JSON");
                }
                else if (valueType == typeof(string))
                {
                    Check(!string.IsNullOrEmpty((string?)value), "no text");
                }
                else
                {
                    Check(value is not null && valueType.IsInstanceOfType(value), $"value is not a {valueType.Name}");
                    Check(operation.SuccessContentTypes.Contains("application/json"), "typed JSON for an operation that declares none");
                }
                break;
        }
        return new CallResult(problems, body?.FromExample == true, body is { FromExample: false, Json: not null }, answer, exampleQuery.Count);

        void Check(bool condition, string problem)
        {
            if (!condition)
            {
                problems.Add(problem);
            }
        }
    }

    private sealed record BodyInput(object Value, string ContentType, string? Json, bool FromExample, IReadOnlyList<string> Required, IReadOnlyDictionary<string, UploadFile> Files)
    {
        /// <summary>Part media types the spec's <c>encoding</c> declares (realtime calls: <c>sdp</c> as <c>application/sdp</c>).</summary>
        public Dictionary<string, string> Encodings { get; } = new(StringComparer.Ordinal);
    }

    private static object?[] BuildArguments(SpecOperationInfo operation, GeneratedMethod method, CancellationToken cancellationToken,
        out BodyInput? body, out string expectedPath, out List<(string Name, string Value)> exampleQuery)
    {
        (string? curlBody, string? curlUrl, string? curlQuery) = RestOperationCatalog.CurlExample(operation);
        var examplePairs = curlQuery is null ? [] : Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(curlQuery)
            .SelectMany(q => q.Value.Select(v => (Name: q.Key, Value: v!))).ToList();
        exampleQuery = [];
        var specParameters = RestOperationCatalog.Parameters(operation).ToList();
        var pathValues = PathValues(operation, specParameters, curlUrl);
        expectedPath = operation.Path;
        foreach ((string name, string value) in pathValues)
        {
            expectedPath = expectedPath.Replace("{" + name + "}", Uri.EscapeDataString(value), StringComparison.Ordinal);
        }

        body = null;
        ParameterInfo[] parameters = method.Method.GetParameters();
        var args = new object?[parameters.Length];
        for (int i = 0; i < parameters.Length; i++)
        {
            ParameterInfo p = parameters[i];
            JsonElement? spec = specParameters.FirstOrDefault(s => Normalize(s.GetProperty("name").GetString()!) == Normalize(p.Name!)) is { ValueKind: JsonValueKind.Object } found ? found : null;
            if (p.ParameterType == typeof(CancellationToken))
            {
                args[i] = cancellationToken;
            }
            else if (p.Name == "options")
            {
                args[i] = null;
            }
            else if (p.Name == "body")
            {
                body = BuildBody(operation, method.Operation.RequestContentType!, p.ParameterType, curlBody);
                args[i] = body.Value;
            }
            else if (spec is { } s && s.GetProperty("in").GetString() == "path")
            {
                args[i] = pathValues[s.GetProperty("name").GetString()!];
            }
            else if (spec is { } q && FromExampleQuery(q.GetProperty("name").GetString()!, p.ParameterType, examplePairs, exampleQuery) is { } fromExample)
            {
                args[i] = fromExample;
            }
            else if (!p.HasDefaultValue)
            {
                args[i] = SynthesizeQueryValue(Nullable.GetUnderlyingType(p.ParameterType) ?? p.ParameterType, spec);
            }
            else
            {
                args[i] = p.DefaultValue;
            }
        }
        return args;
    }

    private static Dictionary<string, string> PathValues(SpecOperationInfo operation, List<JsonElement> specParameters, string? curlUrl)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        string[] template = operation.Path.Trim('/').Split('/');
        string[]? example = curlUrl?.Trim('/').Split('/');
        for (int i = 0; i < template.Length; i++)
        {
            if (!template[i].StartsWith('{'))
            {
                continue;
            }
            string name = template[i][1..^1];
            string? fromCurl = example is not null && example.Length == template.Length && example[i].Length > 0
                && example[i].IndexOfAny(['$', '{', '}', '<', '>']) < 0 ? example[i] : null;
            string? fromSchema = specParameters.FirstOrDefault(p => p.GetProperty("name").GetString() == name) is { ValueKind: JsonValueKind.Object } parameter
                && parameter.TryGetProperty("schema", out JsonElement schema) && schema.TryGetProperty("example", out JsonElement ex) && ex.ValueKind == JsonValueKind.String
                    ? ex.GetString() : null;
            values[name] = fromCurl ?? fromSchema ?? "sim_" + name;
        }
        return values;
    }

    private static IEnumerable<string> RequiredQuery(SpecOperationInfo operation) =>
        RestOperationCatalog.Parameters(operation)
            .Where(p => p.GetProperty("in").GetString() == "query" && p.TryGetProperty("required", out JsonElement r) && r.ValueKind == JsonValueKind.True)
            .Select(p => p.GetProperty("name").GetString()!);

    /// <summary>The value of a query parameter from the curl example's query string, as the method's parameter type; null when it has none.</summary>
    private static object? FromExampleQuery(string name, Type type, List<(string Name, string Value)> pairs, List<(string Name, string Value)> used)
    {
        Type target = Nullable.GetUnderlyingType(type) ?? type;
        if (target.IsGenericType && target.GetGenericTypeDefinition() == typeof(IDictionary<,>))
        {
            var entries = pairs.Where(p => p.Name.StartsWith(name + "[", StringComparison.Ordinal) && p.Name.EndsWith(']') && !p.Name.EndsWith("[]", StringComparison.Ordinal)).ToList();
            if (entries.Count == 0 || target.GetGenericArguments()[1] != typeof(string))
            {
                return null;
            }
            used.AddRange(entries);
            return entries.ToDictionary(e => e.Name[(name.Length + 1)..^1], e => e.Value);
        }
        if (target.IsGenericType && target.GetGenericTypeDefinition() == typeof(IList<>))
        {
            string itemName = name.EndsWith("[]", StringComparison.Ordinal) ? name : name + "[]";
            var items = pairs.Where(p => p.Name == itemName).ToList();
            Type element = target.GetGenericArguments()[0];
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
            foreach ((string _, string value) in items)
            {
                if (ParseScalar(value, element) is not { } parsed)
                {
                    return null;
                }
                list.Add(parsed);
            }
            used.AddRange(items);
            return items.Count == 0 ? null : list;
        }
        var single = pairs.Where(p => p.Name == name).ToList();
        if (single.Count != 1 || ParseScalar(single[0].Value, target) is not { } scalar)
        {
            return null;
        }
        used.Add(single[0]);
        return scalar;
    }

    private static object? ParseScalar(string text, Type type)
    {
        if (type == typeof(string)) { return text; }
        if (type == typeof(long)) { return long.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out long l) ? l : null; }
        if (type == typeof(double)) { return double.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out double d) ? d : null; }
        if (type == typeof(bool)) { return bool.TryParse(text, out bool b) ? b : null; }
        if (type.IsEnum && type.Assembly.GetType(type.FullName + "Extensions")?.GetMethod("ToJsonString", [type]) is { } toJson)
        {
            foreach (object value in Enum.GetValues(type))
            {
                if ((string?)toJson.Invoke(null, [value]) == text)
                {
                    return value;
                }
            }
            return null;
        }
        if (type.IsValueType && type.GetMethod("op_Implicit", [typeof(string)]) is { } fromString)
        {
            return fromString.Invoke(null, [text]); // open enums
        }
        return null;
    }

    private static object SynthesizeQueryValue(Type type, JsonElement? spec)
    {
        JsonElement? example = spec is { } s && s.TryGetProperty("schema", out JsonElement schema) && schema.TryGetProperty("example", out JsonElement e) ? e : null;
        if (type == typeof(long)) { return example is { ValueKind: JsonValueKind.Number } n ? n.GetInt64() : 1_730_419_200L; }
        if (type == typeof(int)) { return example is { ValueKind: JsonValueKind.Number } n ? n.GetInt32() : 1; }
        if (type == typeof(double)) { return 1.0; }
        if (type == typeof(bool)) { return true; }
        if (type == typeof(string)) { return example is { ValueKind: JsonValueKind.String } str ? str.GetString()! : "sim"; }
        if (type.IsEnum) { return Enum.GetValues(type).GetValue(0)!; }
        throw new InvalidOperationException($"no value for a required {type.Name} parameter");
    }

    private static BodyInput BuildBody(SpecOperationInfo operation, string contentType, Type type, string? curlBody)
    {
        if (type == typeof(string))
        {
            return new BodyInput(Sdp, contentType, null, false, [], new Dictionary<string, UploadFile>());
        }
        JsonElement schema = RestOperationCatalog.RequestSchema(operation, contentType) ?? throw new InvalidOperationException("no schema for " + contentType);
        IReadOnlyList<string> required = RestOperationCatalog.RequiredProperties(schema);

        // The spec's own example first; a minimal body of the required fields when it has none (or one that is not JSON).
        object? value = null;
        string? json = null;
        bool fromExample = false;
        if (contentType == "application/json" && curlBody is not null && CompleteExample(curlBody, schema, required) is { } completed && TryRead(completed, type, out value))
        {
            json = completed;
            fromExample = true;
        }
        else
        {
            json = Encoding.UTF8.GetString(SchemaSynthesizer.Synthesize(SpecCatalog.Default, schema));
            if (!TryRead(json, type, out value))
            {
                throw new InvalidOperationException($"the synthesized body {json} does not read as {type.Name}");
            }
        }

        var files = new Dictionary<string, UploadFile>(StringComparer.Ordinal);
        if (contentType == "multipart/form-data")
        {
            AttachFiles(operation, value!, files);
        }
        var input = new BodyInput(value!, contentType, json, fromExample, required, files);
        if (operation.Operation.TryGetProperty("requestBody", out JsonElement requestBody)
            && RestOperationCatalog.Resolve(requestBody).GetProperty("content").GetProperty(contentType).TryGetProperty("encoding", out JsonElement encoding))
        {
            foreach (JsonProperty field in encoding.EnumerateObject())
            {
                if (field.Value.TryGetProperty("contentType", out JsonElement partType))
                {
                    input.Encodings[field.Name] = partType.GetString()!;
                }
            }
        }
        return input;
    }

    /// <summary>
    /// The spec's example with any required field it leaves out (two examples do: realtime sessions' <c>client_secret</c>,
    /// ChatKit's <c>user</c>) filled in from a synthesized minimal body; null when the example is not a JSON object.
    /// </summary>
    private static string? CompleteExample(string example, JsonElement schema, IReadOnlyList<string> required)
    {
        System.Text.Json.Nodes.JsonObject? node;
        try
        {
            node = System.Text.Json.Nodes.JsonNode.Parse(example) as System.Text.Json.Nodes.JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
        if (node is null)
        {
            return null;
        }
        if (required.Any(name => !node.ContainsKey(name)))
        {
            var minimal = System.Text.Json.Nodes.JsonNode.Parse(SchemaSynthesizer.Synthesize(SpecCatalog.Default, schema))!.AsObject();
            foreach (string name in required.Where(name => !node.ContainsKey(name) && minimal.ContainsKey(name)))
            {
                node[name] = minimal[name]!.DeepClone();
            }
        }
        return node.ToJsonString();
    }

    private static bool TryRead(string json, Type type, out object? value)
    {
        try
        {
            value = JsonSerializer.Deserialize(json, type);
            return value is not null;
        }
        catch (JsonException)
        {
            value = null;
            return false;
        }
    }

    /// <summary>Every file field of a multipart body gets a real file: a name with an extension and a media type.</summary>
    private static void AttachFiles(SpecOperationInfo operation, object body, Dictionary<string, UploadFile> files)
    {
        (string extension, string mediaType) = operation.Path switch
        {
            var p when p.StartsWith("/audio", StringComparison.Ordinal) => (".wav", "audio/wav"),
            var p when p.StartsWith("/images", StringComparison.Ordinal) => (".png", "image/png"),
            var p when p.StartsWith("/videos", StringComparison.Ordinal) => (".png", "image/png"),
            var p when p.StartsWith("/skills", StringComparison.Ordinal) => (".zip", "application/zip"),
            _ => (".jsonl", "application/jsonl"),
        };
        foreach (PropertyInfo property in body.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!property.CanWrite)
            {
                continue;
            }
            string jsonName = JsonNameOf(property);
            var file = new UploadFile(Encoding.UTF8.GetBytes($"simulated {jsonName} content\n"), "sample-" + jsonName + extension, mediaType);
            object? current = property.GetValue(body);
            if (property.PropertyType == typeof(UploadFile))
            {
                // Optional files too (a container file is a file or a file_id; a mask; a video's reference image).
                property.SetValue(body, file);
                files[jsonName] = file;
            }
            else if (current is not null && property.PropertyType.GetMethods(BindingFlags.Public | BindingFlags.Static)
                .FirstOrDefault(m => m.Name.StartsWith("From", StringComparison.Ordinal) && m.GetParameters() is [{ } only] && only.ParameterType == typeof(UploadFile)) is { } factory)
            {
                property.SetValue(body, factory.Invoke(null, [file]));
                files[jsonName] = file;
            }
        }
    }

    private static string JsonNameOf(PropertyInfo property)
    {
        var builder = new StringBuilder();
        foreach (char c in property.Name)
        {
            if (char.IsUpper(c) && builder.Length > 0)
            {
                builder.Append('_');
            }
            builder.Append(char.ToLowerInvariant(c));
        }
        return builder.ToString();
    }

    private static async Task<IEnumerable<string>> BodyProblemsAsync(RecordedRequest request, BodyInput body)
    {
        var problems = new List<string>();
        switch (body.ContentType)
        {
            case "application/json":
            {
                using JsonDocument sent = JsonDocument.Parse(request.Body);
                using JsonDocument input = JsonDocument.Parse(body.Json!);
                foreach (JsonProperty property in input.RootElement.EnumerateObject())
                {
                    if (!sent.RootElement.TryGetProperty(property.Name, out JsonElement actual))
                    {
                        problems.Add($"body field '{property.Name}' not sent");
                    }
                    else if (!SpecDocument.JsonEquals(property.Value, actual, out string difference, property.Name))
                    {
                        problems.Add($"body field {difference}");
                    }
                }
                foreach (string name in body.Required.Where(n => !sent.RootElement.TryGetProperty(n, out _)))
                {
                    problems.Add($"required body field '{name}' not sent");
                }
                break;
            }
            case "multipart/form-data":
            {
                IReadOnlyList<MultipartPart> parts = await MultipartPart.ReadAllAsync(request);
                var names = parts.Select(p => p.Name.EndsWith("[]", StringComparison.Ordinal) ? p.Name[..^2] : p.Name).ToHashSet(StringComparer.Ordinal);
                problems.AddRange(body.Required.Where(n => !names.Contains(n)).Select(n => $"required part '{n}' not sent"));
                foreach ((string name, string partType) in body.Encodings)
                {
                    if (parts.FirstOrDefault(p => p.Name == name) is { } part && part.ContentType != partType)
                    {
                        problems.Add($"part '{name}' arrived as {part.ContentType ?? "no media type"}, the spec's encoding says {partType}");
                    }
                }
                // Every text field of the input arrives as a part with the same text.
                using (JsonDocument input = JsonDocument.Parse(body.Json!))
                {
                    foreach (JsonProperty property in input.RootElement.EnumerateObject())
                    {
                        if (body.Files.ContainsKey(property.Name) || property.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False))
                        {
                            continue;
                        }
                        string expected = property.Value.ValueKind switch
                        {
                            JsonValueKind.String => property.Value.GetString()!,
                            JsonValueKind.True => "true",
                            JsonValueKind.False => "false",
                            _ => property.Value.GetRawText(),
                        };
                        if (!parts.Any(p => p.Name == property.Name && p.FileName is null && p.Text == expected))
                        {
                            problems.Add($"part '{property.Name}' did not arrive as '{expected}'");
                        }
                    }
                }
                foreach ((string name, UploadFile file) in body.Files)
                {
                    MultipartPart? part = parts.FirstOrDefault(p => p.FileName == file.FileName);
                    if (part is null)
                    {
                        problems.Add($"file part {name} ({file.FileName}) not sent");
                    }
                    else if (part.ContentType != file.ContentType || !part.Content.AsSpan().SequenceEqual(file.Content.Span))
                    {
                        problems.Add($"file part {name} arrived as {part.ContentType}, {part.Content.Length} bytes");
                    }
                }
                break;
            }
            default:
                if (request.BodyText != (string)body.Value)
                {
                    problems.Add("the text body changed on the way");
                }
                break;
        }
        return problems;
    }

    private static string Normalize(string name) => name.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();
}
