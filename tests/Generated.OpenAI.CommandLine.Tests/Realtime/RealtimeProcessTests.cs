using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Realtime;
using Generated.OpenAI.Simulator;
using Xunit;
using Xunit.Abstractions;
using static Generated.OpenAI.Realtime.Tests.TestSupport;

namespace Generated.OpenAI.CommandLine.Tests;

/// <summary><c>openai realtime</c> as a child process (dotnet exec of the built tool): signals and environment.</summary>
public sealed class ToolProcessTests(ITestOutputHelper log)
{
    private static readonly Lazy<string> s_longSample = new(() =>
    {
        string path = Path.Combine(TempDirectory(), "long.wav");
        SampleAudio.WriteWav(path, TimeSpan.FromSeconds(30));
        return path;
    });

    public static TheoryData<string, string, bool> LongRunningCommands()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (string command in new[] { "transcribe", "translate", "talk" })
        {
            foreach (string signal in new[] { "INT", "TERM" })
            {
                data.Add(command, signal, false);
                data.Add(command, signal, true);
            }
        }

        return data;
    }

    [Theory(Timeout = 60000)]
    [MemberData(nameof(LongRunningCommands))]
    public async Task SIGINT_and_SIGTERM_end_a_streaming_command_within_2_s_with_130_or_143(string command, string signal, bool remote)
    {
        await using RealtimeSimulator? server = remote ? await RealtimeSimulator.StartAsync() : null;
        string dir = TempDirectory();
        var args = new List<string> { "realtime", command, "--input", s_longSample.Value };
        if (command != "transcribe")
        {
            args.AddRange(["--output", Path.Combine(dir, "out.wav")]);
        }

        var env = new Dictionary<string, string?>
        {
            ["OPENAI_API_KEY"] = remote ? "sk-remote-test" : null,
            ["OPENAI_BASE_URL"] = server?.BaseUrl.ToString(),
        };
        using var cli = ToolProcess.Start(args, env);
        await cli.WaitForStderrAsync("sent 1.0 /", TimeSpan.FromSeconds(40));
        Assert.Equal(remote, !cli.Stderr.Contains("built-in realtime simulator", StringComparison.Ordinal));

        var clock = Stopwatch.StartNew();
        ToolProcess.Kill(cli.Id, signal);
        int exit = await cli.WaitForExitAsync(TimeSpan.FromSeconds(10));
        clock.Stop();
        log.WriteLine($"{command} {(remote ? "remote server" : "in-process simulator")} SIG{signal}: exit {exit} after {clock.ElapsedMilliseconds} ms");
        Assert.Equal(signal == "INT" ? OpenAICommandLine.ExitCanceled : OpenAICommandLine.ExitTerminated, exit);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.ElapsedMilliseconds} ms; stderr: {cli.Stderr}");
        Directory.Delete(dir, recursive: true);
    }

    [Fact(Timeout = 60000)]
    public async Task A_malformed_OPENAI_BASE_URL_is_a_usage_error_naming_the_variable_not_its_value()
    {
        string dir = TempDirectory();
        string sample = Path.Combine(dir, "s.wav");
        SampleAudio.WriteWav(sample, TimeSpan.FromSeconds(0.5));
        var env = new Dictionary<string, string?> { ["OPENAI_API_KEY"] = "sk-test", ["OPENAI_BASE_URL"] = "api.example.com/v1?token=secret123" };
        using var cli = ToolProcess.Start(["realtime", "transcribe", "--input", sample, "--fast"], env);
        int exit = await cli.WaitForExitAsync(TimeSpan.FromSeconds(30));
        log.WriteLine(cli.Stderr);
        Assert.Equal(OpenAICommandLine.ExitUsage, exit);
        Assert.Contains("OPENAI_BASE_URL", cli.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("secret123", cli.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("api.openai.com/v1/realtime", cli.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", cli.Stderr, StringComparison.Ordinal);
        Directory.Delete(dir, recursive: true);
    }

    [Fact(Timeout = 60000)]
    public async Task A_base_URL_without_v1_says_what_is_wrong_with_the_404()
    {
        await using RealtimeSimulator server = await RealtimeSimulator.StartAsync();
        string dir = TempDirectory();
        string sample = Path.Combine(dir, "s.wav");
        SampleAudio.WriteWav(sample, TimeSpan.FromSeconds(0.5));
        string root = server.BaseUrl.GetLeftPart(UriPartial.Authority);
        var env = new Dictionary<string, string?> { ["OPENAI_API_KEY"] = "sk-test", ["OPENAI_BASE_URL"] = root };
        using var cli = ToolProcess.Start(["realtime", "transcribe", "--input", sample, "--fast"], env);
        int exit = await cli.WaitForExitAsync(TimeSpan.FromSeconds(30));
        log.WriteLine(cli.Stderr);
        Assert.Equal(OpenAICommandLine.ExitApiError, exit);
        Assert.Contains("the server answered 404 for /realtime; does OPENAI_BASE_URL end in /v1?", cli.Stderr, StringComparison.Ordinal);
        Directory.Delete(dir, recursive: true);
    }
}
