using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Generated.OpenAI.Http;
using Generated.OpenAI.Models;
using Generated.OpenAI.Realtime;
using Generated.OpenAI.Simulator;
using Xunit;
using Xunit.Abstractions;
using static Generated.OpenAI.Realtime.Tests.TestSupport;

namespace Generated.OpenAI.CommandLine.Tests;

/// <summary><c>openai simulate</c> as a child process: one base URL for REST and realtime, and the signals.</summary>
public sealed class SimulateCommandTests(ITestOutputHelper log)
{
    private const string ExportLine = "export OPENAI_BASE_URL=";

    private static async Task<Uri> StartedBaseUrlAsync(ToolProcess cli)
    {
        await cli.WaitForStdoutAsync("export OPENAI_API_KEY=", TimeSpan.FromSeconds(40));
        string line = cli.Stdout.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith(ExportLine, StringComparison.Ordinal));
        return new Uri(line[ExportLine.Length..]);
    }

    [Fact(Timeout = 90000)]
    public async Task Simulate_serves_a_REST_operation_and_a_realtime_session_on_the_one_base_URL_it_prints()
    {
        using var cli = ToolProcess.Start(["simulate"], new Dictionary<string, string?>());
        Uri baseUrl = await StartedBaseUrlAsync(cli);
        Assert.Equal("/v1", baseUrl.AbsolutePath);
        Assert.Contains("export OPENAI_API_KEY=" + ToolEnvironment.SimulatorApiKey, cli.Stdout, StringComparison.Ordinal);

        var options = new OpenAIClientOptions { ApiKey = ToolEnvironment.SimulatorApiKey, BaseUrl = baseUrl, MaxRetries = 0 };
        var rest = new OpenAIClient(options);
        ListModelsResponse models = (await rest.Models.ListModelsAsync()).Value;
        Assert.NotEmpty(models.Data);
        // The REST simulator answers from the request: a round trip through the SDK, not a canned page.
        Response answer = (await rest.Responses.CreateResponseAsync(Generated.OpenAI.Serialization.JsonModel.Deserialize<CreateResponse>("""{"model":"gpt-5.4","input":"one port"}"""u8))).Value;
        Assert.Contains("Simulated answer to: one port", answer.ToString(), StringComparison.Ordinal);

        using var realtime = new RealtimeClient(options);
        await using RealtimeTranscriptionSession session = await realtime.ConnectTranscriptionAsync();
        await session.UpdateSessionAsync(new RealtimeTranscriptionSessionConfig
        {
            Audio = new RealtimeTranscriptionSessionAudio
            {
                Input = new RealtimeTranscriptionSessionAudioInput
                {
                    Format = Pcm24k(),
                    Transcription = new AudioTranscription { Model = AudioTranscriptionModel.GptRealtimeWhisper },
                    TurnDetection = null,
                },
            },
        });
        byte[] pcm = SampleAudio.CreatePcm16(TimeSpan.FromSeconds(0.5));
        await session.SendAudioAsync(pcm);
        RealtimeTranscript transcript = await session.CommitAndWaitAsync().WaitAsync(Patience);
        Assert.Equal(SimulatedText.Transcript(1, pcm.Length), transcript.Text);
    }

    [Theory(Timeout = 60000)]
    [InlineData("INT")]
    [InlineData("TERM")]
    public async Task Simulate_ends_within_2_s_with_130_or_143_on_SIGINT_or_SIGTERM(string signal)
    {
        using var cli = ToolProcess.Start(["simulate"], new Dictionary<string, string?>());
        Uri baseUrl = await StartedBaseUrlAsync(cli);
        // Busy when the signal comes: a realtime connection is open.
        using var realtime = new RealtimeClient(new OpenAIClientOptions { ApiKey = "sk-test", BaseUrl = baseUrl, MaxRetries = 0 });
        await using RealtimeTranscriptionSession session = await realtime.ConnectTranscriptionAsync();

        var clock = Stopwatch.StartNew();
        ToolProcess.Kill(cli.Id, signal);
        int exit = await cli.WaitForExitAsync(TimeSpan.FromSeconds(10));
        clock.Stop();
        log.WriteLine($"simulate SIG{signal}: exit {exit} after {clock.ElapsedMilliseconds} ms");
        Assert.Equal(signal == "INT" ? OpenAICommandLine.ExitCanceled : OpenAICommandLine.ExitTerminated, exit);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.ElapsedMilliseconds} ms; stderr: {cli.Stderr}");
    }
}
