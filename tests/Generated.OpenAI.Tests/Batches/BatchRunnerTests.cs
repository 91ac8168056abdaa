using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Batches;
using Generated.OpenAI.Http;
using Generated.OpenAI.Models;
using Generated.OpenAI.Serialization;
using Generated.OpenAI.Simulator;
using Xunit;
using Xunit.Abstractions;

namespace Generated.OpenAI.Tests.Batches;

/// <summary><see cref="BatchRunner"/> and <see cref="BatchJob"/> against the REST simulator's batch lifecycle.</summary>
public sealed class BatchRunnerTests(ITestOutputHelper log)
{
    private const string FailMarker = "-fail";

    private static readonly RestSimulatorOptions s_fast = new() { AnswerFromRequest = true, BatchStageDuration = TimeSpan.FromMilliseconds(20), BatchFailingCustomIdMarker = FailMarker };

    private static OpenAIClient ClientFor(RestSimulator simulator) =>
        new(new OpenAIClientOptions { ApiKey = "sk-test", BaseUrl = simulator.BaseUrl, MaxRetries = 0 });

    private static BatchRunnerOptions FastPolling(int maxRequests = BatchRunnerOptions.OpenAIMaxRequestsPerFile, long maxBytes = BatchRunnerOptions.OpenAIMaxFileBytes) => new()
    {
        MaxRequestsPerBatch = maxRequests,
        MaxBytesPerBatch = maxBytes,
        PollInterval = TimeSpan.FromMilliseconds(20),
        MaxPollInterval = TimeSpan.FromMilliseconds(100),
        WaitTimeout = TimeSpan.FromSeconds(60),
    };

    private static T Json<T>(string json) where T : IJsonModel<T> => JsonModel.Deserialize<T>(Encoding.UTF8.GetBytes(json));

    /// <summary>Request <paramref name="i"/> of a mixed set: responses, chat, embeddings (1-3 inputs), moderations in turn; every 97th fails by its custom id.</summary>
    private static BatchRequest MixedRequest(int i)
    {
        string id = $"req-{i:D5}" + (i % 97 == 0 ? FailMarker : string.Empty);
        return (i % 4) switch
        {
            0 => BatchRequest.ForResponse(id, Json<CreateResponse>($$"""{"model":"gpt-5.4","input":"question {{i}}"}""")),
            1 => BatchRequest.ForChatCompletion(id, Json<CreateChatCompletionRequest>($$"""{"model":"gpt-5.4","messages":[{"role":"user","content":"chat {{i}}"}]}""")),
            2 => BatchRequest.ForEmbeddings(id, Json<CreateEmbeddingRequest>($$"""{"model":"text-embedding-3-small","input":[{{string.Join(",", Enumerable.Range(0, i % 3 + 1).Select(k => $"\"text {i}.{k}\""))}}]}""")),
            _ => BatchRequest.ForModeration(id, Json<CreateModerationRequest>($$"""{"input":"moderate {{i}}"}""")),
        };
    }

    private static string ResponseText(Response response) =>
        string.Concat(response.Output.Where(o => o.IsMessage).SelectMany(o => o.AsMessage().Content)
            .Select(c => c.TryGetOutputText(out OutputTextContent? text) ? text.Text : string.Empty));

    /// <summary>Checks one result against the request it answers (by custom id).</summary>
    private static void AssertMatches(BatchResult result)
    {
        int i = int.Parse(result.CustomId.AsSpan(4, 5), System.Globalization.CultureInfo.InvariantCulture);
        if (result.CustomId.EndsWith(FailMarker, StringComparison.Ordinal))
        {
            Assert.Equal(BatchResultStatus.Failed, result.Status);
            Assert.Equal(500, result.StatusCode);
            Assert.Equal("server_error", result.Error?.Type);
            return;
        }

        Assert.True(result.IsSuccess, $"{result}: {result.Error?.Message} {result.RawLine}");
        Assert.Equal(200, result.StatusCode);
        Assert.Null(result.Error);
        switch (i % 4)
        {
            case 0:
                Assert.Equal(CreateBatchEndpoint.V1Responses, result.Endpoint);
                Assert.Equal("Simulated answer to: question " + i, ResponseText(result.Response!));
                break;
            case 1:
                Assert.Equal("Simulated answer to: chat " + i, result.ChatCompletion!.Choices[0].Message.Content);
                break;
            case 2:
                Assert.Equal(i % 3 + 1, result.Embeddings!.Data.Count);
                break;
            default:
                Assert.NotEmpty(result.Moderation!.Results);
                break;
        }
    }

    [Fact(Timeout = 120000)]
    public async Task Ten_thousand_mixed_requests_split_into_batches_are_matched_by_custom_id_and_a_restart_resumes_them()
    {
        const int Count = 10_000;
        const int MaxRequests = 1_500;
        const long MaxBytes = 150_000;
        var simulatorOptions = new RestSimulatorOptions
        {
            AnswerFromRequest = true,
            BatchStageDuration = TimeSpan.FromMilliseconds(20),
            BatchFailingCustomIdMarker = FailMarker,
            // The server enforces the same limits: a batch the client did not split right fails validation.
            BatchMaxRequests = MaxRequests,
            BatchMaxFileBytes = MaxBytes,
        };
        await using RestSimulator simulator = await RestSimulator.StartAsync(simulatorOptions);
        OpenAIClient client = ClientFor(simulator);
        var runner = new BatchRunner(client, FastPolling(MaxRequests, MaxBytes));

        var clock = Stopwatch.StartNew();
        BatchJob job = await runner.SubmitAsync(Enumerable.Range(0, Count).Select(MixedRequest));
        TimeSpan submitted = clock.Elapsed;
        var reports = new ConcurrentQueue<BatchProgress>();
        var results = new Dictionary<string, BatchResult>(StringComparer.Ordinal);
        await foreach (BatchResult result in job.ReadResultsAsync(new SynchronousProgress(reports.Enqueue)))
        {
            Assert.True(results.TryAdd(result.CustomId, result), $"{result.CustomId} came twice");
        }

        TimeSpan read = clock.Elapsed;
        log.WriteLine($"{Count} requests: {job.BatchIds.Count} batches; submitted in {submitted.TotalMilliseconds:0} ms, all results read after {read.TotalMilliseconds:0} ms; {reports.Count} progress reports");

        // Split: 2,500 requests per endpoint do not fit one batch of 1,500, and the moderations and embeddings lines pass 150 kB before that.
        Assert.True(job.BatchIds.Count >= 8, $"only {job.BatchIds.Count} batches");
        Assert.Equal(job.BatchIds.Count, simulator.BatchIds.Count);
        Assert.All(job.BatchIds, id => Assert.Equal("completed", simulator.GetBatchStatus(id)));
        Assert.All(simulator.Requests.Where(r => r.Path == "/v1/files" && r.Method == "POST"), r => Assert.True(r.Body.Length < MaxBytes + 4096, $"an upload of {r.Body.Length} bytes"));

        Assert.Equal(Count, results.Count);
        Assert.Equal(Enumerable.Range(0, Count).Select(i => MixedRequest(i).CustomId).Order(StringComparer.Ordinal), results.Keys.Order(StringComparer.Ordinal));
        foreach (BatchResult result in results.Values)
        {
            AssertMatches(result);
        }

        Assert.Equal(Enumerable.Range(0, Count).Count(i => i % 97 == 0), results.Values.Count(r => r.Status == BatchResultStatus.Failed));
        BatchProgress last = reports.Last();
        Assert.Equal(job.BatchIds.Count, last.FinishedBatches);
        Assert.Equal(Count, last.TotalRequests);
        Assert.Equal(1.0, last.Fraction);
        // Reports only move forward. Whether one comes before the last batch finished depends on the machine: under load
        // every batch of the simulator can be done by the first poll (a CI run saw one report, the final one).
        Assert.All(reports.Zip(reports.Skip(1)), pair => Assert.True(
            pair.First.FinishedBatches <= pair.Second.FinishedBatches && pair.First.CompletedRequests + pair.First.FailedRequests <= pair.Second.CompletedRequests + pair.Second.FailedRequests,
            $"progress went back: {pair.First} then {pair.Second}"));

        // A restart: a new runner and a job from the ids alone read the same results.
        var restarted = new BatchRunner(ClientFor(simulator), FastPolling());
        var again = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (BatchResult result in restarted.Resume(job.BatchIds).ReadResultsAsync())
        {
            AssertMatches(result);
            again.Add(result.CustomId, result.RawLine!);
        }

        Assert.Equal(results.ToDictionary(r => r.Key, r => r.Value.RawLine!), again);
        Assert.Empty(simulator.ServerErrors);
    }

    [Fact(Timeout = 60000)]
    public async Task A_malformed_line_is_kept_raw_and_a_request_without_a_line_is_missing()
    {
        await using RestSimulator simulator = await RestSimulator.StartAsync(s_fast);
        OpenAIClient client = ClientFor(simulator);
        BatchJob job = await new BatchRunner(client, FastPolling()).SubmitAsync(Enumerable.Range(1, 20).Select(i => MixedRequest(i * 4)));
        Batch batch = Assert.Single(await job.WaitAsync());
        Assert.Equal(BatchStatus.Completed, batch.Status);

        // The server's output file: the second line dropped, a broken line added, and the third line's body replaced by one that is not an object.
        string[] lines = Encoding.UTF8.GetString(simulator.GetFileContent(batch.OutputFileId!)!).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(20, lines.Length);
        string dropped = System.Text.Json.JsonDocument.Parse(lines[1]).RootElement.GetProperty("custom_id").GetString()!;
        string wrongId = System.Text.Json.JsonDocument.Parse(lines[2]).RootElement.GetProperty("custom_id").GetString()!;
        const string Broken = """{"id":"batch_req_x","custom_id":"req-0""";
        string wrongBody = $$$"""{"id":"batch_req_y","custom_id":"{{{wrongId}}}","response":{"status_code":200,"request_id":"r","body":["not","an","object"]},"error":null}""";
        string corrupted = string.Join('\n', new[] { lines[0], Broken, wrongBody }.Concat(lines.Skip(3))) + "\n";
        Assert.True(simulator.SetFileContent(batch.OutputFileId!, Encoding.UTF8.GetBytes(corrupted)));

        List<BatchResult> results = [];
        await foreach (BatchResult result in new BatchRunner(client, FastPolling()).Resume(job.BatchIds).ReadResultsAsync())
        {
            results.Add(result);
        }

        BatchResult broken = Assert.Single(results, r => r.RawLine == Broken);
        Assert.Equal(BatchResultStatus.Malformed, broken.Status);
        Assert.Equal("malformed_line", broken.Error?.Code);
        Assert.Equal(string.Empty, broken.CustomId);

        BatchResult wrong = Assert.Single(results, r => r.CustomId == wrongId);
        Assert.Equal(BatchResultStatus.Malformed, wrong.Status);
        Assert.Equal("invalid_result_body", wrong.Error?.Code);
        Assert.Equal(200, wrong.StatusCode);
        Assert.Equal(wrongBody, wrong.RawLine);

        BatchResult missing = Assert.Single(results, r => r.CustomId == dropped);
        Assert.Equal(BatchResultStatus.Missing, missing.Status);
        Assert.Equal("missing_result", missing.Error?.Code);
        Assert.Null(missing.RawLine);
        Assert.Contains("\"custom_id\":\"" + dropped + "\"", missing.ToJsonLine(), StringComparison.Ordinal);

        Assert.Equal(21, results.Count);
        Assert.Equal(18, results.Count(r => r.IsSuccess));
        Assert.All(results.Where(r => r.IsSuccess), AssertMatches);
    }

    [Fact(Timeout = 60000)]
    public async Task A_batch_that_fails_validation_fails_each_request_with_its_own_line_error_when_named()
    {
        await using RestSimulator simulator = await RestSimulator.StartAsync(s_fast);
        OpenAIClient client = ClientFor(simulator);

        // An input file with a repeated custom id on line 3, made by hand as another program might have.
        string input = string.Join('\n', new[] { "a", "b", "a" }.Select(id => $$$"""{"custom_id":"{{{id}}}","method":"POST","url":"/v1/moderations","body":{"input":"x"}}""")) + "\n";
        OpenAIFile file = (await client.Files.CreateFileAsync(new CreateFileRequest { File = new UploadFile(Encoding.UTF8.GetBytes(input), "in.jsonl"), Purpose = CreateFilePurpose.Batch })).Value;
        Batch created = (await client.Batches.CreateBatchAsync(new CreateBatchRequest { InputFileId = file.Id, Endpoint = CreateBatchEndpoint.V1Moderations })).Value;

        List<BatchResult> results = [];
        await foreach (BatchResult result in new BatchRunner(client, FastPolling()).Resume([created.Id]).ReadResultsAsync())
        {
            results.Add(result);
        }

        Assert.Equal(["a", "b", "a"], results.Select(r => r.CustomId));
        Assert.All(results, r => Assert.Equal(BatchResultStatus.Failed, r.Status));
        Assert.Equal("duplicate_custom_id", results[2].Error?.Code);
        Assert.Contains("line 3", results[2].Error?.Message, StringComparison.Ordinal);
        Assert.Equal("batch_failed", results[0].Error?.Code);
        Assert.Contains("duplicate_custom_id", results[0].Error?.Message, StringComparison.Ordinal);
        Assert.Equal("failed", simulator.GetBatchStatus(created.Id));
    }

    [Fact(Timeout = 60000)]
    public async Task A_batch_too_large_for_the_server_fails_every_request_it_held()
    {
        await using RestSimulator simulator = await RestSimulator.StartAsync(new RestSimulatorOptions { AnswerFromRequest = true, BatchStageDuration = TimeSpan.FromMilliseconds(20), BatchMaxRequests = 3 });
        OpenAIClient client = ClientFor(simulator);
        BatchJob job = await new BatchRunner(client, FastPolling(maxRequests: 5)).SubmitAsync(Enumerable.Range(0, 8).Select(i => MixedRequest(i * 4 + 3)));
        Assert.Equal(2, job.BatchIds.Count);
        List<BatchResult> results = [];
        await foreach (BatchResult result in job.ReadResultsAsync())
        {
            results.Add(result);
        }

        Assert.Equal(8, results.Count);
        Assert.Equal(5, results.Count(r => r.Status == BatchResultStatus.Failed && r.Error?.Code == "batch_failed" && r.Error.Message.Contains("too_many_requests", StringComparison.Ordinal)));
        Assert.Equal(3, results.Count(r => r.IsSuccess));
    }

    [Fact(Timeout = 60000)]
    public async Task An_expired_batch_whose_output_file_is_gone_reports_every_request_once()
    {
        await using RestSimulator simulator = await RestSimulator.StartAsync(new RestSimulatorOptions { AnswerFromRequest = true, BatchStageDuration = TimeSpan.FromMilliseconds(20), ExpireBatches = true });
        OpenAIClient client = ClientFor(simulator);
        BatchJob job = await new BatchRunner(client, FastPolling()).SubmitAsync(Enumerable.Range(0, 10).Select(i => MixedRequest(i * 4 + 1)));
        Batch batch = Assert.Single(await job.WaitAsync());
        Assert.Equal(BatchStatus.Expired, batch.Status);
        await client.Files.DeleteFileAsync(batch.OutputFileId!);

        List<BatchResult> results = [];
        await foreach (BatchResult result in job.ReadResultsAsync())
        {
            results.Add(result);
        }

        Assert.Equal(10, results.Select(r => r.CustomId).Distinct().Count());
        Assert.Equal(10, results.Count);
        // The first half ran but its output file is gone; the second half expired (the error file says so).
        Assert.Equal(5, results.Count(r => r.Status == BatchResultStatus.Failed && r.Error?.Code == "batch_expired" && r.RawLine is not null));
        List<BatchResult> missing = [.. results.Where(r => r.Status == BatchResultStatus.Missing)];
        Assert.Equal(5, missing.Count);
        Assert.All(missing, r => Assert.Contains("could not be downloaded", r.Error?.Message, StringComparison.Ordinal));
    }

    [Fact(Timeout = 60000)]
    public async Task Waiting_longer_than_the_deadline_ends_with_a_timeout_and_cancel_ends_the_batch_cancelled()
    {
        await using RestSimulator simulator = await RestSimulator.StartAsync(new RestSimulatorOptions { BatchStageDuration = TimeSpan.FromSeconds(30) });
        OpenAIClient client = ClientFor(simulator);
        BatchRunnerOptions options = FastPolling();
        options.WaitTimeout = TimeSpan.FromMilliseconds(300);
        BatchJob job = await new BatchRunner(client, options).SubmitAsync([MixedRequest(3), MixedRequest(7)]);

        var clock = Stopwatch.StartNew();
        TimeoutException timeout = await Assert.ThrowsAsync<TimeoutException>(() => job.WaitAsync());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"{clock.Elapsed}");
        Assert.Contains(job.BatchIds[0], timeout.Message, StringComparison.Ordinal);

        using var canceled = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (BatchResult _ in job.ReadResultsAsync(cancellationToken: canceled.Token))
            {
            }
        });

        await job.CancelAsync();
        Assert.Equal(BatchStatus.Cancelling, Assert.Single(job.Batches)!.Status);
    }

    /// <summary>An <see cref="IProgress{T}"/> that reports on the caller's thread (Progress&lt;T&gt; posts to the pool).</summary>
    private sealed class SynchronousProgress(Action<BatchProgress> report) : IProgress<BatchProgress>
    {
        public void Report(BatchProgress value) => report(value);
    }
}
