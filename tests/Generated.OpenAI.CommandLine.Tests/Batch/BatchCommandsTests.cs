using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Realtime;
using Generated.OpenAI.Simulator;
using Xunit;
using static Generated.OpenAI.Realtime.Tests.TestSupport;

namespace Generated.OpenAI.CommandLine.Tests;

/// <summary><c>batch run</c> end to end against the built-in simulator.</summary>
public sealed class BatchCommandsTests
{
    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        CliRun run = await CliRun.RunAsync(null, args, timeout: TimeSpan.FromSeconds(60));
        return (run.Exit, run.Stdout, run.Stderr);
    }

    /// <summary>Chat requests q0…q(n-1); every fifth has no <c>messages</c>, which the server answers with a 400.</summary>
    private static string WriteInput(string dir, int count)
    {
        string path = Path.Combine(dir, "requests.jsonl");
        File.WriteAllLines(path, Enumerable.Range(0, count).Select(i => i % 5 == 4
            ? $$$"""{"custom_id":"q{{{i}}}","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-5.4"}}"""
            : $$$"""{"custom_id":"q{{{i}}}","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-5.4","messages":[{"role":"user","content":"question {{{i}}}"}]}}"""));
        return path;
    }

    private static void AssertResults(IEnumerable<string> lines, int count)
    {
        var byId = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (string line in lines.Where(l => l.Length > 0))
        {
            JsonElement result = JsonDocument.Parse(line).RootElement.Clone();
            byId.Add(result.GetProperty("custom_id").GetString()!, result);
        }

        Assert.Equal(Enumerable.Range(0, count).Select(i => "q" + i).Order(StringComparer.Ordinal), byId.Keys.Order(StringComparer.Ordinal));
        foreach ((string id, JsonElement result) in byId)
        {
            int i = int.Parse(id.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
            JsonElement response = result.GetProperty("response");
            if (i % 5 == 4)
            {
                Assert.Equal(400, response.GetProperty("status_code").GetInt32());
                Assert.Equal("messages", response.GetProperty("body").GetProperty("error").GetProperty("param").GetString());
            }
            else
            {
                Assert.Equal(200, response.GetProperty("status_code").GetInt32());
                string content = response.GetProperty("body").GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
                Assert.Equal("Simulated answer to: question " + i, content);
            }
        }
    }

    [Fact(Timeout = 90000)]
    public async Task Batch_run_with_wait_splits_polls_and_writes_every_result_keyed_by_custom_id()
    {
        string dir = TempDirectory();
        string input = WriteInput(dir, 25);
        (int exit, string output, string error) = await RunAsync("batch", "run", "--input", input, "--endpoint", "/v1/chat/completions", "--wait", "--poll-interval", "0.05", "--max-requests", "10", "--simulator");
        Assert.True(exit == 0, error);
        Assert.Contains("built-in simulator", error, StringComparison.Ordinal);
        Assert.Contains("25 request(s) in 3 batch(es)", error, StringComparison.Ordinal);
        Assert.Contains("batch: 3/3 batches finished, 25/25 requests answered (100", error, StringComparison.Ordinal);
        Assert.Contains("20 succeeded, 5 failed", error, StringComparison.Ordinal);
        AssertResults(output.Split('\n', StringSplitOptions.TrimEntries), 25);

        string results = Path.Combine(dir, "results.jsonl");
        (exit, output, error) = await RunAsync("batch", "run", "-i", input, "-e", "/v1/chat/completions", "--wait", "--poll-interval", "0.05", "--output", results, "--simulator");
        Assert.True(exit == 0, error);
        Assert.Equal(string.Empty, output);
        AssertResults(await File.ReadAllLinesAsync(results), 25);
        Directory.Delete(dir, recursive: true);
    }

    [Fact(Timeout = 60000)]
    public async Task Batch_run_without_wait_prints_the_batch_ids_and_a_bad_line_is_a_usage_error_before_any_upload()
    {
        string dir = TempDirectory();
        string input = WriteInput(dir, 3);
        (int exit, string output, string error) = await RunAsync("batch", "run", "--input", input, "--endpoint", "/v1/chat/completions", "--simulator");
        Assert.True(exit == 0, error);
        Assert.StartsWith("batch_", Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)), StringComparison.Ordinal);

        (exit, _, error) = await RunAsync("batch", "run", "--input", input, "--endpoint", "/v1/embeddings", "--simulator");
        Assert.Equal(OpenAICommandLine.ExitUsage, exit);
        Assert.Contains("requests.jsonl:1: url '/v1/chat/completions' is not the --endpoint /v1/embeddings", error, StringComparison.Ordinal);
        Assert.DoesNotContain("built-in simulator", error, StringComparison.Ordinal);

        await File.AppendAllTextAsync(input, "{not json\n");
        (exit, _, error) = await RunAsync("batch", "run", "--input", input, "--endpoint", "/v1/chat/completions", "--simulator");
        Assert.Equal(OpenAICommandLine.ExitUsage, exit);
        Assert.Contains("requests.jsonl:4:", error, StringComparison.Ordinal);

        (exit, _, error) = await RunAsync("batch", "run", "--input", input, "--endpoint", "/v1/nothing");
        Assert.Equal(OpenAICommandLine.ExitUsage, exit);
        Assert.Contains("--endpoint '/v1/nothing'", error, StringComparison.Ordinal);
        Directory.Delete(dir, recursive: true);
    }

    [Fact(Timeout = 120000)]
    public async Task Batch_resume_in_a_new_process_writes_the_results_of_batches_another_process_created()
    {
        await using OpenAISimulator server = await OpenAISimulator.StartAsync(new RestSimulatorOptions { AnswerFromRequest = true, BatchStageDuration = TimeSpan.FromMilliseconds(20) });
        var env = new Dictionary<string, string?> { ["OPENAI_API_KEY"] = "sk-remote-test", ["OPENAI_BASE_URL"] = server.BaseUrl.ToString() };
        string dir = TempDirectory();
        string input = WriteInput(dir, 10);

        string[] ids;
        using (var submit = ToolProcess.Start(["batch", "run", "--input", input, "--endpoint", "/v1/chat/completions", "--max-requests", "4"], env))
        {
            Assert.True(await submit.WaitForExitAsync(TimeSpan.FromSeconds(60)) == 0, submit.Stderr);
            ids = submit.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }

        Assert.Equal(server.Rest.BatchIds, ids);
        Assert.Equal(3, ids.Length);

        using var resume = ToolProcess.Start(["batch", "resume", "--poll-interval", "0.05", .. ids.SelectMany(id => new[] { "--batch-id", id })], env);
        Assert.True(await resume.WaitForExitAsync(TimeSpan.FromSeconds(60)) == 0, resume.Stderr);
        Assert.DoesNotContain("built-in simulator", resume.Stderr, StringComparison.Ordinal);
        Assert.Contains("8 succeeded, 2 failed", resume.Stderr, StringComparison.Ordinal);
        AssertResults(resume.Stdout.Split('\n', StringSplitOptions.TrimEntries), 10);
        Directory.Delete(dir, recursive: true);
    }
}
