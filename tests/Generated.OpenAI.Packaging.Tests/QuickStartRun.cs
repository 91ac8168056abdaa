using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Generated.OpenAI.Simulator;
using Xunit;

namespace Generated.OpenAI.Packaging.Tests;

/// <summary>
/// Runs a built quick start (a .dll through dotnet, or a native executable) against the two simulators behind one
/// base URL, and asserts what it prints and what the simulators saw.
/// </summary>
internal static class QuickStartRun
{
    /// <summary>1.5 s of the simulator's speech-like sample: the transcript names its length.</summary>
    public static readonly TimeSpan AudioLength = TimeSpan.FromSeconds(1.5);

    public static async Task<ProcessResult> RunAndAssertAsync(string fileName, string arguments, string workingDirectory)
    {
        SampleAudio.WriteWav(Path.Combine(workingDirectory, "speech.wav"), AudioLength);
        await using RestSimulator rest = await RestSimulator.StartAsync();
        await using RealtimeSimulator realtime = await RealtimeSimulator.StartAsync();
        await using var proxy = new RoutingProxy(rest.BaseUrl, realtime.BaseUrl);
        var environment = new Dictionary<string, string>
        {
            ["OPENAI_API_KEY"] = "sk-packaging-test",
            ["OPENAI_BASE_URL"] = proxy.BaseUrl.ToString(),
        };

        ProcessResult run = await DotnetRun.RunAsync(fileName, workingDirectory, arguments, TimeSpan.FromMinutes(3), environment);
        Assert.True(run.ExitCode == 0, run.Describe("the quick start failed"));

        // REST: the spec's example for GET /models, typed and printed.
        string[] lines = run.Output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Contains("model: model-id-0") && lines.Contains("model: model-id-1"), run.Describe("no model ids from the REST simulator"));
        RecordedRequest listModels = Assert.Single(rest.Requests);
        Assert.Equal("GET", listModels.Method);
        Assert.Equal("/v1/models", listModels.Path);
        Assert.Equal("Bearer sk-packaging-test", listModels.Header("Authorization"));

        // Realtime: the simulator transcribes the committed audio by its length, so every byte must have arrived.
        Assert.True(lines.Contains("transcript: Simulated transcript 1 of 1.50 seconds of audio."), run.Describe("no transcript from the realtime simulator"));
        RealtimeHandshake handshake = Assert.Single(realtime.Handshakes);
        Assert.Equal(RealtimeSessionKind.Transcription, handshake.Kind);
        Assert.Equal((int)(AudioLength.TotalSeconds * SampleAudio.BytesPerSecond), realtime.GetReceivedAudio(handshake.ConnectionId).Length);

        Assert.Empty(rest.ServerErrors);
        Assert.Empty(realtime.ServerErrors);
        return run;
    }
}
