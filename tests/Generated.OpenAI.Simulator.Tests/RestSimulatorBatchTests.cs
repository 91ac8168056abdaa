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

/// <summary>The REST simulator's files and batch lifecycle, over raw HTTP.</summary>
public sealed class RestSimulatorBatchTests
{
    private static HttpClient Client(Uri baseUrl) => new() { BaseAddress = new Uri(baseUrl + "/"), Timeout = TimeSpan.FromSeconds(20) };

    private static string Line(string customId, string url, string body) =>
        $$"""{"custom_id":"{{customId}}","method":"POST","url":"{{url}}","body":{{body}}}""";

    private static async Task<string> UploadAsync(HttpClient http, string content, string purpose = "batch")
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(content));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/jsonl");
        form.Add(file, "file", "input.jsonl");
        form.Add(new StringContent(purpose), "purpose");
        using HttpResponseMessage response = await http.PostAsync("files", form);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(Encoding.UTF8.GetByteCount(content), json.RootElement.GetProperty("bytes").GetInt32());
        Assert.Equal(purpose, json.RootElement.GetProperty("purpose").GetString());
        return json.RootElement.GetProperty("id").GetString()!;
    }

    private static async Task<JsonElement> CreateAsync(HttpClient http, string fileId, string endpoint)
    {
        using HttpResponseMessage response = await http.PostAsync("batches", new StringContent($$$"""{"input_file_id":"{{{fileId}}}","endpoint":"{{{endpoint}}}","completion_window":"24h","metadata":{"job":"t"}}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    /// <summary>Polls until the batch ends; returns every status seen, in order, and the last batch object.</summary>
    /// <summary>
    /// The simulator went through exactly <paramref name="expected"/>; what the poller saw is those statuses in that
    /// order, some possibly missed under load (a stage lasts milliseconds), ending with the last.
    /// </summary>
    private static void AssertLifecycle(RestSimulator simulator, string id, List<string> observed, string[] expected)
    {
        Assert.Equal(expected, simulator.GetBatchStatusHistory(id));
        Assert.Equal(expected[^1], observed[^1]);
        int at = 0;
        foreach (string status in observed)
        {
            at = Array.IndexOf(expected, status, at);
            Assert.True(at >= 0, $"observed {string.Join(" -> ", observed)}, which is not in the order {string.Join(" -> ", expected)}");
        }
    }

    private static async Task<(List<string> Statuses, JsonElement Batch)> PollAsync(HttpClient http, string id)
    {
        var statuses = new List<string>();
        DateTime deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            JsonElement batch = JsonDocument.Parse(await http.GetStringAsync("batches/" + id)).RootElement.Clone();
            string status = batch.GetProperty("status").GetString()!;
            if (statuses.Count == 0 || statuses[^1] != status)
            {
                statuses.Add(status);
            }

            if (status is "completed" or "failed" or "expired" or "cancelled")
            {
                return (statuses, batch);
            }

            Assert.True(DateTime.UtcNow < deadline, string.Join(" -> ", statuses));
            await Task.Delay(5);
        }
    }

    private static async Task<List<JsonElement>> LinesAsync(HttpClient http, string fileId)
    {
        string text = await http.GetStringAsync($"files/{fileId}/content");
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
    }

    [Fact]
    public async Task A_batch_moves_through_every_status_and_answers_each_line_as_the_request_alone_is_answered()
    {
        await using RestSimulator simulator = await RestSimulator.StartAsync(new RestSimulatorOptions
        {
            AnswerFromRequest = true,
            BatchStageDuration = TimeSpan.FromMilliseconds(60),
            BatchFailingCustomIdMarker = "boom",
        });
        using HttpClient http = Client(simulator.BaseUrl);
        string input = string.Join('\n',
            Line("c1", "/v1/chat/completions", """{"model":"gpt-5.4","messages":[{"role":"user","content":"first"}]}"""),
            Line("c2-boom", "/v1/chat/completions", """{"model":"gpt-5.4","messages":[{"role":"user","content":"second"}]}"""),
            Line("c3", "/v1/chat/completions", """{"model":"gpt-5.4"}"""),
            Line("c4", "/v1/chat/completions", """{"model":"gpt-5.4","messages":[{"role":"user","content":"fourth"}]}""")) + "\n";
        string fileId = await UploadAsync(http, input);
        Assert.Equal(input, await http.GetStringAsync($"files/{fileId}/content"));

        JsonElement created = await CreateAsync(http, fileId, "/v1/chat/completions");
        string id = created.GetProperty("id").GetString()!;
        Assert.Equal("validating", created.GetProperty("status").GetString());
        Assert.Equal("t", created.GetProperty("metadata").GetProperty("job").GetString());

        (List<string> statuses, JsonElement batch) = await PollAsync(http, id);
        AssertLifecycle(simulator, id, statuses, ["validating", "in_progress", "finalizing", "completed"]);
        Assert.Equal(JsonValueKind.Number, batch.GetProperty("completed_at").ValueKind);
        JsonElement counts = batch.GetProperty("request_counts");
        Assert.Equal((4, 2, 2), (counts.GetProperty("total").GetInt32(), counts.GetProperty("completed").GetInt32(), counts.GetProperty("failed").GetInt32()));

        List<JsonElement> output = await LinesAsync(http, batch.GetProperty("output_file_id").GetString()!);
        Assert.Equal(["c1", "c4"], output.Select(l => l.GetProperty("custom_id").GetString()));
        Assert.Equal("Simulated answer to: fourth", output[1].GetProperty("response").GetProperty("body").GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        List<JsonElement> errors = await LinesAsync(http, batch.GetProperty("error_file_id").GetString()!);
        Assert.Equal(["c2-boom", "c3"], errors.Select(l => l.GetProperty("custom_id").GetString()));
        Assert.Equal(500, errors[0].GetProperty("response").GetProperty("status_code").GetInt32());
        Assert.Equal(400, errors[1].GetProperty("response").GetProperty("status_code").GetInt32());
        Assert.Equal("messages", errors[1].GetProperty("response").GetProperty("body").GetProperty("error").GetProperty("param").GetString());

        using JsonDocument list = JsonDocument.Parse(await http.GetStringAsync("batches?limit=10"));
        Assert.Equal(id, Assert.Single(list.RootElement.GetProperty("data").EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal("completed", simulator.GetBatchStatus(id));
        Assert.Empty(simulator.ServerErrors);
    }

    [Fact]
    public async Task An_invalid_input_file_fails_validation_with_an_error_per_broken_line()
    {
        await using RestSimulator simulator = await RestSimulator.StartAsync(new RestSimulatorOptions { BatchStageDuration = TimeSpan.FromMilliseconds(10) });
        using HttpClient http = Client(simulator.BaseUrl);
        string input = string.Join('\n',
            Line("a", "/v1/embeddings", """{"model":"m","input":"x"}"""),
            "{not json",
            Line("a", "/v1/embeddings", """{"model":"m","input":"y"}"""),
            Line("b", "/v1/responses", """{"model":"m"}""")) + "\n";
        string id = (await CreateAsync(http, await UploadAsync(http, input), "/v1/embeddings")).GetProperty("id").GetString()!;
        (List<string> statuses, JsonElement batch) = await PollAsync(http, id);
        AssertLifecycle(simulator, id, statuses, ["validating", "failed"]);
        Assert.Equal(JsonValueKind.Null, batch.GetProperty("output_file_id").ValueKind);
        JsonElement[] errors = [.. batch.GetProperty("errors").GetProperty("data").EnumerateArray()];
        Assert.Equal([("invalid_json_line", 2), ("duplicate_custom_id", 3), ("mismatched_url", 4)], errors.Select(e => (e.GetProperty("code").GetString(), e.GetProperty("line").GetInt32())));

        // A file that is not for batches is refused at creation.
        using HttpResponseMessage wrongPurpose = await http.PostAsync("batches", new StringContent($$"""{"input_file_id":"{{await UploadAsync(http, input, "assistants")}}","endpoint":"/v1/embeddings","completion_window":"24h"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, wrongPurpose.StatusCode);
    }

    [Fact]
    public async Task A_cancelled_batch_ends_cancelled_with_batch_cancelled_lines_and_a_deleted_file_is_gone()
    {
        await using RestSimulator simulator = await RestSimulator.StartAsync(new RestSimulatorOptions { BatchStageDuration = TimeSpan.FromSeconds(1) });
        using HttpClient http = Client(simulator.BaseUrl);
        string fileId = await UploadAsync(http, Line("m1", "/v1/moderations", """{"input":"x"}""") + "\n" + Line("m2", "/v1/moderations", """{"input":"y"}""") + "\n");
        string id = (await CreateAsync(http, fileId, "/v1/moderations")).GetProperty("id").GetString()!;
        using HttpResponseMessage cancel = await http.PostAsync($"batches/{id}/cancel", null);
        using (JsonDocument cancelling = JsonDocument.Parse(await cancel.Content.ReadAsStringAsync()))
        {
            Assert.Equal("cancelling", cancelling.RootElement.GetProperty("status").GetString());
        }

        (List<string> statuses, JsonElement batch) = await PollAsync(http, id);
        AssertLifecycle(simulator, id, statuses, ["validating", "cancelling", "cancelled"]);
        List<JsonElement> errors = await LinesAsync(http, batch.GetProperty("error_file_id").GetString()!);
        Assert.Equal(["m1", "m2"], errors.Select(l => l.GetProperty("custom_id").GetString()));
        Assert.All(errors, l => Assert.Equal("batch_cancelled", l.GetProperty("error").GetProperty("code").GetString()));

        using HttpResponseMessage deleted = await http.DeleteAsync($"files/{fileId}");
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        using HttpResponseMessage gone = await http.GetAsync($"files/{fileId}/content");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task OpenAISimulator_serves_REST_and_realtime_on_one_port_per_request()
    {
        await using OpenAISimulator simulator = await OpenAISimulator.StartAsync();
        Assert.Equal(simulator.BaseUrl, simulator.Rest.BaseUrl);
        Assert.Equal(simulator.BaseUrl, simulator.Realtime.BaseUrl);
        using HttpClient http = Client(simulator.BaseUrl);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sk-test");

        // One HTTP client (and so, kept alive, one connection): REST, a realtime client secret, then REST under /realtime.
        using (JsonDocument models = JsonDocument.Parse(await http.GetStringAsync("models")))
        {
            Assert.Equal("list", models.RootElement.GetProperty("object").GetString());
        }

        using HttpResponseMessage secret = await http.PostAsync("realtime/client_secrets", new StringContent("""{"session":{"type":"realtime","model":"gpt-realtime-2"}}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, secret.StatusCode);
        Assert.Single(simulator.Realtime.IssuedSecrets);
        using HttpResponseMessage call = await http.PostAsync("realtime/calls", new StringContent("v=0\r\n", Encoding.UTF8, "application/sdp"));
        Assert.Equal(HttpStatusCode.Created, call.StatusCode);
        Assert.Contains(simulator.Rest.Requests, r => r.Path == "/v1/realtime/calls");
        Assert.DoesNotContain(simulator.Rest.Requests, r => r.Path == "/v1/realtime/client_secrets");

        // Call control shares the calls' state with the sideband WebSocket: the realtime simulator answers it.
        using HttpResponseMessage hangup = await http.PostAsync("realtime/calls/rtc_1/hangup", null);
        Assert.Equal(HttpStatusCode.NotFound, hangup.StatusCode);
        Assert.Contains("call_id_not_found", await hangup.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(simulator.Rest.Requests, r => r.Path == "/v1/realtime/calls/rtc_1/hangup");

        await using RealtimeTestClient socket = await RealtimeTestClient.ConnectAsync(new Uri(simulator.BaseUrl.ToString().Replace("http://", "ws://", StringComparison.Ordinal) + "/realtime?intent=transcription"));
        await socket.ExpectAsync("session.created");
        Assert.Equal(1, simulator.Realtime.ConnectionCount);
        Assert.Empty(simulator.Rest.ServerErrors);
    }
}
