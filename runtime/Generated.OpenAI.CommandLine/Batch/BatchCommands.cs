using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Batches;
using Generated.OpenAI.Http;
using Generated.OpenAI.Models;
using Generated.OpenAI.Simulator;

namespace Generated.OpenAI.CommandLine;

/// <summary>
/// <c>openai batch run</c> and <c>batch resume</c>: a JSONL file of requests through the Batch API (split at OpenAI's limits), with progress on stderr
/// and, with <c>--wait</c>, the results as JSONL on stdout or in <c>--output</c>.
/// </summary>
internal static class BatchCommands
{
    /// <summary>Creates the <c>batch</c> command with its <c>run</c> subcommand.</summary>
    public static Command Create(CommandLineConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        TextWriter output = console.Out;
        TextWriter error = console.Error;
        var input = new Option<FileInfo>("--input", "-i") { Description = "The requests, one per line in OpenAI's batch input format: {\"custom_id\":…,\"method\":\"POST\",\"url\":…,\"body\":{…}}.", Required = true };
        var endpoint = new Option<string>("--endpoint", "-e") { Description = "The endpoint every request goes to: /v1/responses, /v1/chat/completions, /v1/embeddings, /v1/completions, /v1/moderations, /v1/images/generations, /v1/images/edits or /v1/videos.", Required = true };
        var wait = new Option<bool>("--wait", "-w") { Description = "Wait for the batches, printing progress on stderr, and write the results; without it the batch ids are printed and the command ends." };
        var resultFile = new Option<FileInfo?>("--output", "-o") { Description = "Write the results (JSONL, one line per request) here instead of stdout." };
        var poll = new Option<double>("--poll-interval") { Description = "Seconds between status polls at first (it grows while nothing changes, up to a minute).", DefaultValueFactory = _ => 5.0 };
        var maxRequests = new Option<int>("--max-requests") { Description = "Requests per batch at most (OpenAI's limit: 50000).", DefaultValueFactory = _ => BatchRunnerOptions.OpenAIMaxRequestsPerFile };
        var simulator = new Option<bool>("--simulator") { Description = "Use the built-in simulator even when OPENAI_API_KEY is set." };
        var run = new Command("run", "Run a JSONL file of requests as batches: upload, create, and with --wait poll and write the results.")
        {
            input, endpoint, wait, resultFile, poll, maxRequests, simulator,
        };
        run.SetAction((parse, ct) => CommandErrors.GuardAsync(error, () => RunAsync(
            parse.GetValue(input)!, parse.GetValue(endpoint)!, parse.GetValue(wait), parse.GetValue(resultFile), parse.GetValue(poll), parse.GetValue(maxRequests), parse.GetValue(simulator), console, ct)));
        var ids = new Option<string[]>("--batch-id", "-b") { Description = "A batch id (repeat for more), as batch run printed it.", Required = true, AllowMultipleArgumentsPerToken = true };
        var resumeOutput = new Option<FileInfo?>("--output", "-o") { Description = "Write the results (JSONL) here instead of stdout." };
        var resumePoll = new Option<double>("--poll-interval") { Description = "Seconds between status polls at first.", DefaultValueFactory = _ => 5.0 };
        var resumeSimulator = new Option<bool>("--simulator") { Description = "Use the built-in simulator even when OPENAI_API_KEY is set." };
        var resume = new Command("resume", "Wait for batches created earlier (batch run without --wait, or another process) and write their results.")
        {
            ids, resumeOutput, resumePoll, resumeSimulator,
        };
        resume.SetAction((parse, ct) => CommandErrors.GuardAsync(error, () => ResumeAsync(
            parse.GetValue(ids)!, parse.GetValue(resumeOutput), parse.GetValue(resumePoll), parse.GetValue(resumeSimulator), console, ct)));
        return new Command("batch", "[tool] Batch at scale from a JSONL file of requests: run (split at OpenAI's limits, upload, create, poll, results) and resume. The plain Batch API operations are the generated 'batches' and 'files' commands.") { run, resume };
    }

    private static async Task<int> RunAsync(FileInfo input, string endpointText, bool wait, FileInfo? resultFile, double pollSeconds, int maxRequests, bool forceSimulator, CommandLineConsole console, CancellationToken cancellationToken)
    {
        TextWriter stdout = console.Out;
        TextWriter stderr = console.Error;
        if (!CreateBatchEndpointExtensions.TryParse(Encoding.UTF8.GetBytes(endpointText), out CreateBatchEndpoint endpoint))
        {
            throw new UsageException($"--endpoint '{endpointText}' is not a batch endpoint (/v1/responses, /v1/chat/completions, /v1/embeddings, /v1/completions, /v1/moderations, /v1/images/generations, /v1/images/edits, /v1/videos).");
        }

        CheckPollInterval(pollSeconds);
        if (maxRequests < 1)
        {
            throw new UsageException("--max-requests must be at least 1.");
        }

        if (!input.Exists)
        {
            throw new FileNotFoundException($"the input file {input.FullName} does not exist.", input.FullName);
        }

        // The whole input is checked before anything is uploaded: a bad line 40,000 must not leave batches behind.
        int count = await CheckInputAsync(input, endpointText, cancellationToken).ConfigureAwait(false);
        RealtimeCommands.CheckWritable(resultFile, "--output");
        (OpenAIClient client, OpenAISimulator? local) = await ConnectAsync(forceSimulator, console, cancellationToken).ConfigureAwait(false);
        try
        {
            BatchRunnerOptions runnerOptions = PollingOptions(pollSeconds);
            runnerOptions.MaxRequestsPerBatch = maxRequests;
            var runner = new BatchRunner(client, runnerOptions);
            BatchJob job;
            try
            {
                job = await runner.SubmitAsync(ReadRequestsAsync(input, endpoint, cancellationToken), cancellationToken).ConfigureAwait(false);
            }
            catch (BatchSubmissionException ex)
            {
                await stderr.WriteLineAsync($"error: {ex.Message}; created before the failure: {string.Join(' ', ex.CreatedBatchIds)}").ConfigureAwait(false);
                return ex.InnerException is OperationCanceledException ? OpenAICommandLine.ExitCanceled : OpenAICommandLine.ExitApiError;
            }

            await stderr.WriteLineAsync($"batch: {count} request(s) in {job.BatchIds.Count} batch(es): {string.Join(' ', job.BatchIds)}").ConfigureAwait(false);
            if (!wait)
            {
                foreach (string id in job.BatchIds)
                {
                    await stdout.WriteLineAsync(id).ConfigureAwait(false);
                }

                return 0;
            }

            return await WriteResultsAsync(job, resultFile, stdout, stderr, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (local is not null)
            {
                await local.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Polls <paramref name="job"/> with a progress line on stderr and writes every result as a JSONL line.</summary>
    private static async Task<int> WriteResultsAsync(BatchJob job, FileInfo? resultFile, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var progress = new ProgressLine(stderr);
        TextWriter results = resultFile is null ? stdout : new StreamWriter(resultFile.FullName, append: false, new UTF8Encoding(false));
        int succeeded = 0;
        int failed = 0;
        try
        {
            await foreach (BatchResult result in job.ReadResultsAsync(progress, cancellationToken).ConfigureAwait(false))
            {
                await results.WriteLineAsync(result.ToJsonLine()).ConfigureAwait(false);
                if (result.IsSuccess)
                {
                    succeeded++;
                }
                else
                {
                    failed++;
                }
            }
        }
        finally
        {
            if (resultFile is not null)
            {
                await results.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                await results.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }

        await stderr.WriteLineAsync($"batch: done, {succeeded} succeeded, {failed} failed{(resultFile is null ? string.Empty : $"; results in {resultFile.FullName}")}.").ConfigureAwait(false);
        return 0;
    }

    private static async Task<int> ResumeAsync(string[] batchIds, FileInfo? resultFile, double pollSeconds, bool forceSimulator, CommandLineConsole console, CancellationToken cancellationToken)
    {
        TextWriter stdout = console.Out;
        TextWriter stderr = console.Error;
        CheckPollInterval(pollSeconds);
        if (batchIds.Length == 0 || Array.Exists(batchIds, string.IsNullOrWhiteSpace))
        {
            throw new UsageException("--batch-id must name a batch.");
        }

        RealtimeCommands.CheckWritable(resultFile, "--output");
        (OpenAIClient client, OpenAISimulator? local) = await ConnectAsync(forceSimulator, console, cancellationToken).ConfigureAwait(false);
        await using (local)
        {
            BatchJob job = new BatchRunner(client, PollingOptions(pollSeconds)).Resume(batchIds);
            return await WriteResultsAsync(job, resultFile, stdout, stderr, cancellationToken).ConfigureAwait(false);
        }
    }

    private static void CheckPollInterval(double pollSeconds)
    {
        if (pollSeconds is <= 0 or > 3600 || double.IsNaN(pollSeconds))
        {
            throw new UsageException("--poll-interval must be between 0 and 3600 seconds.");
        }
    }

    private static BatchRunnerOptions PollingOptions(double pollSeconds)
    {
        TimeSpan interval = TimeSpan.FromSeconds(pollSeconds);
        return new BatchRunnerOptions { PollInterval = interval, MaxPollInterval = interval > TimeSpan.FromMinutes(1) ? interval : TimeSpan.FromMinutes(1) };
    }

    /// <summary>A client for <c>OPENAI_BASE_URL</c> with the key, or for the built-in simulator (started here, announced on stderr).</summary>
    private static async Task<(OpenAIClient Client, OpenAISimulator? Local)> ConnectAsync(bool forceSimulator, CommandLineConsole console, CancellationToken cancellationToken)
    {
        TextWriter stderr = console.Error;
        OpenAIClientOptions options = ToolEnvironment.ReadOptions(console.GetVariable);
        OpenAISimulator? local = null;
        if (forceSimulator || options.ApiKey is not { Length: > 0 })
        {
            local = await OpenAISimulator.StartAsync(new RestSimulatorOptions { AnswerFromRequest = true }, cancellationToken: cancellationToken).ConfigureAwait(false);
            await stderr.WriteLineAsync(forceSimulator
                ? $"Using the built-in simulator at {local.BaseUrl} (--simulator)."
                : $"OPENAI_API_KEY is not set: using the built-in simulator at {local.BaseUrl}.").ConfigureAwait(false);
            options.ApiKey = ToolEnvironment.SimulatorApiKey;
            options.BaseUrl = local.BaseUrl;
        }

        return (new OpenAIClient(options), local);
    }

    /// <summary>Reads every line once: JSON, a custom id, a body object, the endpoint's url; returns the number of requests.</summary>
    private static async Task<int> CheckInputAsync(FileInfo input, string endpoint, CancellationToken cancellationToken)
    {
        int count = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        await foreach ((int number, string? customId, string? url, _) in ReadLinesAsync(input, keepBody: false, cancellationToken).ConfigureAwait(false))
        {
            if (customId is null)
            {
                throw new FormatException($"{input.Name}:{number}: not a JSON object with a string custom_id and an object body.");
            }

            if (url is not null && url != endpoint)
            {
                throw new FormatException($"{input.Name}:{number}: url '{url}' is not the --endpoint {endpoint}.");
            }

            if (!seen.Add(customId))
            {
                throw new FormatException($"{input.Name}:{number}: custom_id '{customId}' was used before.");
            }

            count++;
        }

        return count == 0 ? throw new FormatException($"{input.Name} holds no requests.") : count;
    }

    private static async IAsyncEnumerable<BatchRequest> ReadRequestsAsync(FileInfo input, CreateBatchEndpoint endpoint, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach ((_, string? customId, _, byte[]? body) in ReadLinesAsync(input, keepBody: true, cancellationToken).ConfigureAwait(false))
        {
            yield return BatchRequest.FromJson(customId!, endpoint, body);
        }
    }

    private static async IAsyncEnumerable<(int Number, string? CustomId, string? Url, byte[]? Body)> ReadLinesAsync(FileInfo input, bool keepBody, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(input.FullName, Encoding.UTF8);
        int number = 0;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            string? customId = null;
            string? url = null;
            byte[]? body = null;
            try
            {
                using JsonDocument document = JsonDocument.Parse(line);
                JsonElement root = document.RootElement;
                if (root.ValueKind == JsonValueKind.Object
                    && root.TryGetProperty("custom_id", out JsonElement id) && id.ValueKind == JsonValueKind.String && id.GetString() is { Length: > 0 } text
                    && root.TryGetProperty("body", out JsonElement b) && b.ValueKind == JsonValueKind.Object)
                {
                    customId = text;
                    url = root.TryGetProperty("url", out JsonElement u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
                    body = keepBody ? Encoding.UTF8.GetBytes(b.GetRawText()) : null;
                }
            }
            catch (JsonException)
            {
            }

            yield return (number, customId, url, body);
        }
    }

    /// <summary>Prints a progress line on stderr when the counts change.</summary>
    private sealed class ProgressLine(TextWriter error) : IProgress<BatchProgress>
    {
        private string? _last;

        public void Report(BatchProgress value)
        {
            string line = string.Create(CultureInfo.InvariantCulture,
                $"batch: {value.FinishedBatches}/{value.Batches.Count} batches finished, {value.CompletedRequests + value.FailedRequests}/{value.TotalRequests} requests answered ({value.Fraction:P0})");
            if (line != _last)
            {
                _last = line;
                error.WriteLine(line);
            }
        }
    }
}
