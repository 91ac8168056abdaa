using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Xunit;

namespace Generated.OpenAI.Simulator.Tests;

public sealed class RestSimulatorTests
{
    private static HttpClient Client(RestSimulator simulator) => new() { BaseAddress = new Uri(simulator.BaseUrl + "/"), Timeout = TimeSpan.FromSeconds(20) };

    private static HttpContent? MinimalBody(SpecOperation operation)
    {
        if (operation.RequestContentTypes.Count == 0)
        {
            return null;
        }

        string type = operation.RequestContentTypes[0];
        string[] required = operation.RequiredFields(type);
        switch (type)
        {
            case "application/json":
                var json = new StringBuilder("{");
                json.AppendJoin(',', required.Select(name => $"\"{name}\":\"x\""));
                json.Append('}');
                return new StringContent(json.ToString(), Encoding.UTF8, "application/json");
            case "multipart/form-data":
                var form = new MultipartFormDataContent();
                foreach (string name in required)
                {
                    var part = new ByteArrayContent(SampleAudio.ToWav(SampleAudio.CreatePcm16(TimeSpan.FromMilliseconds(100))));
                    part.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
                    form.Add(part, name, name + ".wav");
                }

                form.Add(new StringContent("x"), "placeholder");
                return form;
            case "application/x-www-form-urlencoded":
                return new FormUrlEncodedContent(required.Select(name => new KeyValuePair<string, string>(name, "x")).Append(new("placeholder", "x")));
            default:
                return new StringContent("v=0\r\n", Encoding.UTF8, type);
        }
    }

    [Fact]
    public async Task Every_spec_operation_is_answered_with_its_declared_status()
    {
        await using RestSimulator simulator = await RestSimulator.StartAsync();
        using HttpClient http = Client(simulator);
        Assert.Equal(162, simulator.Catalog.PathCount);
        int answered = 0;
        var failures = new List<string>();
        foreach (SpecOperation operation in simulator.Catalog.Operations)
        {
            string path = string.Join('/', operation.PathTemplate.Trim('/').Split('/').Select(s => s.StartsWith('{') ? "x_1" : s));
            using var request = new HttpRequestMessage(new HttpMethod(operation.Method), path) { Content = MinimalBody(operation) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-test");
            using HttpResponseMessage response = await http.SendAsync(request);
            byte[] body = await response.Content.ReadAsByteArrayAsync();
            if ((int)response.StatusCode != operation.SuccessStatus)
            {
                failures.Add($"{operation}: {(int)response.StatusCode} {Encoding.UTF8.GetString(body)}");
                continue;
            }

            Assert.True(response.Headers.Contains("x-request-id"), operation.ToString());
            if (response.Content.Headers.ContentType?.MediaType == "application/json")
            {
                using JsonDocument _ = JsonDocument.Parse(body);
            }

            answered++;
        }

        Assert.Empty(failures);
        Assert.Equal(242, answered);
        Assert.Equal(242, simulator.Requests.Count);
        Assert.All(simulator.Requests, r => Assert.NotNull(r.OperationId));
        Assert.Empty(simulator.ServerErrors);
    }

    [Fact]
    public async Task Json_examples_are_served_verbatim_in_content()
    {
        await using RestSimulator simulator = await RestSimulator.StartAsync();
        using HttpClient http = Client(simulator);
        using HttpResponseMessage response = await http.GetAsync("files/file-abc123");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("file", json.RootElement.GetProperty("object").GetString());
        Assert.Equal("file-abc123", json.RootElement.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Missing_required_field_is_a_400_naming_the_param()
    {
        await using RestSimulator simulator = await RestSimulator.StartAsync();
        using HttpClient http = Client(simulator);
        using HttpResponseMessage response = await http.PostAsync("chat/completions", new StringContent("""{"model":"gpt-5.5"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using JsonDocument json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        JsonElement error = json.RootElement.GetProperty("error");
        Assert.Equal("messages", error.GetProperty("param").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("missing_required_parameter", error.GetProperty("code").GetString());
        Assert.Contains("messages", error.GetProperty("message").GetString());

        var form = new MultipartFormDataContent { { new StringContent("gpt-4o-transcribe"), "model" } };
        using HttpResponseMessage multipart = await http.PostAsync("audio/transcriptions", form);
        Assert.Equal(HttpStatusCode.BadRequest, multipart.StatusCode);
        using JsonDocument multipartJson = JsonDocument.Parse(await multipart.Content.ReadAsStringAsync());
        Assert.Equal("file", multipartJson.RootElement.GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task Unknown_route_wrong_content_type_and_bad_json_are_openai_shaped_errors()
    {
        await using RestSimulator simulator = await RestSimulator.StartAsync();
        using HttpClient http = Client(simulator);
        using HttpResponseMessage unknown = await http.GetAsync("no/such/thing");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.True(unknown.Headers.Contains("x-request-id"));
        using (JsonDocument json = JsonDocument.Parse(await unknown.Content.ReadAsStringAsync()))
        {
            Assert.Equal("invalid_request_error", json.RootElement.GetProperty("error").GetProperty("type").GetString());
        }

        using HttpResponseMessage wrongType = await http.PostAsync("chat/completions", new StringContent("model=x", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);

        using HttpResponseMessage badJson = await http.PostAsync("chat/completions", new StringContent("{\"model\":", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, badJson.StatusCode);
    }

    [Theory]
    [InlineData("chat/completions", """{"model":"gpt-5.5","messages":[{"role":"user","content":"hi"}],"stream":true}""", true)]
    [InlineData("completions", """{"model":"gpt-3.5-turbo-instruct","prompt":"hi","stream":true}""", true)]
    [InlineData("responses", """{"model":"gpt-5.5","input":"hi","stream":true}""", false)]
    [InlineData("images/generations", """{"model":"gpt-image-2","prompt":"a cat","stream":true}""", false)]
    [InlineData("audio/speech", """{"model":"gpt-4o-mini-tts","input":"hi","voice":"coral","stream_format":"sse"}""", false)]
    public async Task Streaming_operations_answer_with_server_sent_events(string path, string body, bool endsWithDone)
    {
        await using RestSimulator simulator = await RestSimulator.StartAsync();
        using HttpClient http = Client(simulator);
        using HttpResponseMessage response = await http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        string text = await response.Content.ReadAsStringAsync();
        string[] data = text.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => l[6..]).ToArray();
        Assert.True(data.Length >= 2, text);
        Assert.Equal(endsWithDone, data[^1] == "[DONE]");
        foreach (string payload in endsWithDone ? data[..^1] : data)
        {
            using JsonDocument _ = JsonDocument.Parse(payload);
        }
    }

    [Fact]
    public async Task Multipart_transcription_with_text_format_is_plain_text_and_is_recorded()
    {
        await using RestSimulator simulator = await RestSimulator.StartAsync();
        using HttpClient http = Client(simulator);
        var file = new ByteArrayContent(SampleAudio.ToWav(SampleAudio.CreatePcm16()));
        file.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        var form = new MultipartFormDataContent
        {
            { file, "file", "sample.wav" },
            { new StringContent("gpt-4o-transcribe"), "model" },
            { new StringContent("text"), "response_format" },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "audio/transcriptions") { Content = form };
        request.Headers.Add("OpenAI-Project", "proj_sim");
        using HttpResponseMessage response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.False(string.IsNullOrWhiteSpace(await response.Content.ReadAsStringAsync()));

        RecordedRequest recorded = Assert.Single(simulator.Requests);
        Assert.Equal("POST", recorded.Method);
        Assert.Equal("/v1/audio/transcriptions", recorded.Path);
        Assert.StartsWith("multipart/form-data", recorded.ContentType);
        Assert.Equal("proj_sim", recorded.Header("OpenAI-Project"));
        Assert.Contains("sample.wav", recorded.BodyText);
        Assert.Equal("createTranscription", recorded.OperationId);
        Assert.Equal(response.Headers.GetValues("x-request-id").Single(), recorded.RequestId);
    }

    [Fact]
    public async Task Too_many_requests_fault_is_count_limited_and_sets_retry_after()
    {
        await using RestSimulator simulator = await RestSimulator.StartAsync();
        RestFault fault = simulator.AddFault(RestFaultKind.TooManyRequests, "/models", count: 2, retryAfterSeconds: 3);
        using HttpClient http = Client(simulator);
        for (int i = 0; i < 2; i++)
        {
            using HttpResponseMessage limited = await http.GetAsync("models");
            Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(3), limited.Headers.RetryAfter?.Delta);
            using JsonDocument json = JsonDocument.Parse(await limited.Content.ReadAsStringAsync());
            Assert.Equal("rate_limit_exceeded", json.RootElement.GetProperty("error").GetProperty("code").GetString());
        }

        using HttpResponseMessage other = await http.GetAsync("files");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        using HttpResponseMessage ok = await http.GetAsync("models");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.True(fault.IsExhausted);
        Assert.Equal(2, fault.Hits);
    }

    [Fact]
    public async Task Server_error_fault_matches_a_path_template()
    {
        await using RestSimulator simulator = await RestSimulator.StartAsync();
        simulator.AddFault(RestFaultKind.ServerError, "/files/{file_id}");
        using HttpClient http = Client(simulator);
        using HttpResponseMessage failed = await http.GetAsync("files/file-1");
        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        using HttpResponseMessage ok = await http.GetAsync("files/file-1");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task Stall_fault_holds_the_request_until_the_client_gives_up()
    {
        await using RestSimulator simulator = await RestSimulator.StartAsync();
        simulator.AddFault(RestFaultKind.Stall);
        using var http = new HttpClient { BaseAddress = new Uri(simulator.BaseUrl + "/"), Timeout = TimeSpan.FromMilliseconds(300) };
        await Assert.ThrowsAnyAsync<TaskCanceledException>(() => http.GetAsync("models"));
        // The fault was used up: the next request is answered (with the patience of a loaded CI machine, not 300 ms).
        using HttpClient patient = Client(simulator);
        using HttpResponseMessage ok = await patient.GetAsync("models");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task Drop_fault_aborts_the_connection()
    {
        await using RestSimulator simulator = await RestSimulator.StartAsync();
        simulator.AddFault(RestFaultKind.DropConnection, count: null);
        using HttpClient http = Client(simulator);
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync("models"));
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync("files"));
        simulator.ClearFaults();
        using HttpResponseMessage ok = await http.GetAsync("models");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task Paginated_files_list_has_three_pages()
    {
        await using RestSimulator simulator = await RestSimulator.StartAsync(new RestSimulatorOptions { PaginateFiles = true });
        using HttpClient http = Client(simulator);
        var ids = new List<string>();
        var pages = new List<int>();
        string? after = null;
        bool more = true;
        while (more)
        {
            using HttpResponseMessage response = await http.GetAsync("files?limit=3" + (after is null ? string.Empty : "&after=" + after));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using JsonDocument json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            JsonElement root = json.RootElement;
            string[] page = root.GetProperty("data").EnumerateArray().Select(f => f.GetProperty("id").GetString()!).ToArray();
            pages.Add(page.Length);
            ids.AddRange(page);
            Assert.Equal(page[^1], root.GetProperty("last_id").GetString());
            after = root.GetProperty("last_id").GetString();
            more = root.GetProperty("has_more").GetBoolean();
        }

        Assert.Equal([3, 3, 1], pages);
        Assert.Equal(Enumerable.Range(1, 7).Select(i => $"file-sim-{i:D3}"), ids);
    }
}
