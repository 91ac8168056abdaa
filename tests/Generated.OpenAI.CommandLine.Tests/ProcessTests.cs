using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Generated.OpenAI.Simulator;
using Xunit;

namespace Generated.OpenAI.CommandLine.Tests;

/// <summary>The real <c>openai</c> process: a body piped on stdin, exit code 2 for usage, 130/143 for SIGINT/SIGTERM.</summary>
public sealed class ProcessTests
{
    [Fact(Timeout = 60000)]
    public async Task A_body_piped_on_stdin_is_sent()
    {
        await using RestSimulator simulator = await RestSimulator.StartAsync();
        using var process = ToolProcess.Start(["responses", "create", "--format", "jsonl"], Environment(simulator.BaseUrl));
        await process.WriteInputAndCloseAsync("""{"model": "gpt-5.5", "input": "piped"}""");
        Assert.True(await process.WaitForExitAsync(TimeSpan.FromSeconds(20)) == 0, process.Stderr);
        JsonDocument.Parse(process.Stdout).Dispose();
        var sent = simulator.Requests.Single(r => r.Path.EndsWith("/responses", StringComparison.Ordinal));
        Assert.Equal("piped", JsonDocument.Parse(sent.BodyText).RootElement.GetProperty("input").GetString());
    }

    [Fact(Timeout = 60000)]
    public async Task A_YAML_heredoc_on_stdin_is_sent_as_JSON()
    {
        await using RestSimulator simulator = await RestSimulator.StartAsync();
        using var process = ToolProcess.Start(["responses", "create", "--format", "yaml", "--transform", "object"], Environment(simulator.BaseUrl));
        // The docs' heredoc: a literal block for the prompt, a typed integer.
        await process.WriteInputAndCloseAsync("model: gpt-5.5\ninstructions: Return exactly one sentence.\nmax_output_tokens: 120\ninput: |\n  Summarize this release note in one sentence.\n\n  <release_note>\n  Fixed it.\n  </release_note>\n");
        Assert.True(await process.WaitForExitAsync(TimeSpan.FromSeconds(20)) == 0, process.Stderr);
        Assert.Equal("response", process.Stdout.Trim());
        JsonElement sent = JsonDocument.Parse(simulator.Requests.Single(r => r.Path.EndsWith("/responses", StringComparison.Ordinal)).BodyText).RootElement;
        Assert.Equal("gpt-5.5", sent.GetProperty("model").GetString());
        Assert.Equal(120, sent.GetProperty("max_output_tokens").GetInt32());
        Assert.Equal("Summarize this release note in one sentence.\n\n<release_note>\nFixed it.\n</release_note>\n", sent.GetProperty("input").GetString());
    }

    [Fact(Timeout = 60000)]
    public async Task A_usage_error_exits_2()
    {
        using var process = ToolProcess.Start(["models", "list", "--no-such-flag"], Environment(new Uri("http://127.0.0.1:9/v1")));
        process.CloseInput();
        Assert.Equal(2, await process.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("--no-such-flag", process.Stderr, StringComparison.Ordinal);
    }

    [Theory(Timeout = 60000)]
    [InlineData("INT", 130)]
    [InlineData("TERM", 143)]
    public async Task A_signal_ends_a_stalled_request(string signal, int expected)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        await using RestSimulator simulator = await RestSimulator.StartAsync();
        simulator.AddFault(RestFaultKind.Stall, "/models", count: null);
        using var process = ToolProcess.Start(["models", "list"], Environment(simulator.BaseUrl));
        process.CloseInput();
        var clock = Stopwatch.StartNew();
        while (!simulator.Requests.Any() && clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(50);
        }
        Assert.NotEmpty(simulator.Requests);
        ToolProcess.Kill(process.Id, signal);
        var sent = Stopwatch.StartNew();
        Assert.Equal(expected, await process.WaitForExitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(sent.Elapsed < TimeSpan.FromSeconds(2), $"took {sent.Elapsed}");
    }

    private static Dictionary<string, string?> Environment(Uri baseUrl) => new()
    {
        ["OPENAI_API_KEY"] = "sk-test",
        ["OPENAI_BASE_URL"] = baseUrl.AbsoluteUri,
    };
}
