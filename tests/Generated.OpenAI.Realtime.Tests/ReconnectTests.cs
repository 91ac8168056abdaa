using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Models;
using Generated.OpenAI.Simulator;
using Generated.OpenAI.WebSockets;
using Xunit;
using Xunit.Abstractions;
using static Generated.OpenAI.Realtime.Tests.TestSupport;

namespace Generated.OpenAI.Realtime.Tests;

/// <summary>Reconnect with states and resume, against the simulator's fault injection.</summary>
[Collection(TimingSensitiveCollection.Name)]
public sealed class ReconnectTests(ITestOutputHelper output)
{
    private static RealtimeSessionOptions Reconnecting(Action<RealtimeReconnectPolicy>? policy = null, Action<RealtimeResumeOptions>? resume = null)
    {
        var options = new RealtimeSessionOptions { Reconnect = new RealtimeReconnectPolicy { InitialDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromMilliseconds(400) } };
        policy?.Invoke(options.Reconnect);
        resume?.Invoke(options.Resume);
        return options;
    }

    [Fact(Timeout = 60000)]
    public async Task A_drop_mid_response_resumes_and_the_new_session_holds_the_restored_conversation()
    {
        // Connection 1 drops in the response that follows its 5th client message.
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions { FaultAfterClientMessages = 5 });
        simulator.NextConnectionFault = RealtimeFault.DropMidResponse;
        using RealtimeClient client = CreateClient(simulator);
        await using RealtimeVoiceSession session = await client.ConnectVoiceAgentAsync(options: Reconnecting());
        var recorder = new StateRecorder(session);
        var resumed = new TaskCompletionSource<RealtimeSessionResumed>(TaskCreationOptions.RunContinuationsAsynchronously);
        session.Resumed += r => resumed.TrySetResult(r);

        await session.UpdateSessionAsync(new RealtimeSessionConfig { Instructions = "Answer in one sentence." }).WaitAsync(Patience); // 1
        await session.SendAsync(UserText("What is the weather like?")).AsTask().WaitAsync(Patience);                                // 2
        await session.CreateResponseAsync().AsTask().WaitAsync(Patience);                                                              // 3
        var events = new List<RealtimeServerEvent>(await ReadUntilAsync(session.ReadEventsAsync(), e => e.Kind == RealtimeServerEventKind.ResponseDone));
        await session.SendAsync(UserText("And tomorrow?")).AsTask().WaitAsync(Patience);                                                // 4
        await session.CreateResponseAsync().AsTask().WaitAsync(Patience);                                                              // 5: dropped mid-response

        RealtimeSessionResumed report = await resumed.Task.WaitAsync(Patience);
        output.WriteLine($"drop mid-response: open again after {report.Downtime.TotalMilliseconds:0} ms, {report.RestoredItemIds.Count} items restored");
        Assert.Equal(RealtimeReconnectReason.ConnectionLost, report.Reason);
        Assert.Equal(1, report.Attempts);
        Assert.Equal(1, report.UpdatesReplayed);
        Assert.Equal([(1, RealtimeFault.DropMidResponse)], simulator.FiredFaults);

        // What the session remembered went to connection 2: the update, then the four turns with their ids.
        string[] ids = [.. events.Where(e => e.Kind == RealtimeServerEventKind.ConversationItemDone).Select(e => Id(e.AsConversationItemDone().Item))];
        Assert.Equal(2, ids.Length); // user 1, assistant 1
        Assert.Equal(4, report.RestoredItemIds.Count);
        Assert.Equal(ids, report.RestoredItemIds.Take(2));
        Assert.Equal(0, report.OmittedItems);
        await WaitForAsync(() => simulator.GetConversationItems(2).Count == 4); // the simulator reads what was sent a moment later
        List<RealtimeClientMessage> second = simulator.ClientMessages.Where(m => m.ConnectionId == 2).ToList();
        Assert.Equal(["session.update", "conversation.item.create", "conversation.item.create", "conversation.item.create", "conversation.item.create"], second.Select(m => m.Type));
        Assert.Equal("Answer in one sentence.", Json(second[0].Json).GetProperty("session").GetProperty("instructions").GetString());

        IReadOnlyList<string> restored = simulator.GetConversationItems(2);
        Assert.Equal(4, restored.Count);
        (string Role, string Text)[] turns = [.. restored.Select(Turn)];
        string firstAnswer = session.OutputTranscripts.GetText(ids[1])!;
        Assert.Equal(("user", "What is the weather like?"), turns[0]);
        Assert.Equal(("assistant", firstAnswer), turns[1]);
        Assert.Equal(("user", "And tomorrow?"), turns[2]);
        Assert.Equal("assistant", turns[3].Role);
        Assert.False(string.IsNullOrEmpty(turns[3].Text)); // the part of the cut answer that was heard
        Assert.StartsWith(turns[3].Text, firstAnswer);      // the simulator says the same answer again: the cut one is its beginning
        Assert.True(turns[3].Text.Length < firstAnswer.Length);
        Assert.Equal(report.RestoredItemIds, restored.Select(j => Json(j).GetProperty("id").GetString()));

        // The app's stream went on: one session.created, one session.updated (its own), no echo of the restore.
        await session.CreateResponseAsync().AsTask().WaitAsync(Patience);
        events.AddRange(await ReadUntilAsync(session.ReadEventsAsync(), e => e.Kind == RealtimeServerEventKind.ResponseDone && e.AsResponseDone().Response.Status == RealtimeResponseStatus.Completed));
        Assert.Single(events, e => e.Kind == RealtimeServerEventKind.SessionCreated);
        Assert.Single(events, e => e.Kind == RealtimeServerEventKind.SessionUpdated);
        // Restored items keep their ids; the app saw each item's done once, from connection 1 (the cut answer: never), none from the restore.
        Assert.Equal([1, 1, 1, 0], report.RestoredItemIds.Select(id => events.Count(e => e.Kind == RealtimeServerEventKind.ConversationItemDone && Id(e.AsConversationItemDone().Item) == id)));
        Assert.Equal(
            ["Open -> Reconnecting (attempt 1)", "Reconnecting -> Open (attempt 1)"],
            recorder.Changes);
        Assert.Equal(RealtimeSessionState.Open, session.State);
        Assert.Equal(1, session.Reconnects);
        Assert.Empty(simulator.ServerErrors);
    }

    [Fact(Timeout = 60000)]
    public async Task Function_calls_are_restored_with_their_outputs_within_the_budget_and_the_app_shapes_the_plan()
    {
        // Messages of connection 1: update, user item, response.create, the tool's output, its response.create, response.create (dropped).
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions { FaultAfterClientMessages = 6 });
        simulator.NextConnectionFault = RealtimeFault.DropMidResponse;
        using RealtimeClient client = CreateClient(simulator);
        RealtimeRestorePlan? seen = null;
        int seenCount = 0;
        await using RealtimeVoiceSession session = await client.ConnectVoiceAgentAsync(options: Reconnecting(resume: r =>
        {
            r.MaxItems = 4;
            r.ShapeRestore = plan =>
            {
                seen = plan;
                seenCount = plan.Items.Count;
                plan.Items.Insert(0, RealtimeConversationItem.FromMessageSystem(new RealtimeConversationItemMessageSystem
                {
                    Content = [new RealtimeConversationItemMessageSystemContentItem { Text = "Summary: the user asked about the weather." }],
                }));
            };
        }));
        var resumed = new TaskCompletionSource<RealtimeSessionResumed>(TaskCreationOptions.RunContinuationsAsynchronously);
        session.Resumed += r => resumed.TrySetResult(r);
        session.AddFunctionTool("get_weather", (args, ct) => ValueTask.FromResult("""{"temperature_c":21}"""));
        await session.UpdateSessionAsync(new RealtimeSessionConfig()).WaitAsync(Patience);
        await session.SendAsync(UserText("Weather in San Francisco?")).AsTask().WaitAsync(Patience);
        await session.CreateResponseAsync().AsTask().WaitAsync(Patience);
        int done = 0;
        await ReadUntilAsync(session.ReadEventsAsync(), e => e.Kind == RealtimeServerEventKind.ResponseDone && ++done == 2); // the call, then the answer
        await session.CreateResponseAsync(new RealtimeResponseCreateParams { Tools = [] }).AsTask().WaitAsync(Patience); // no tool: a plain answer, dropped

        RealtimeSessionResumed report = await resumed.Task.WaitAsync(Patience);
        await WaitForAsync(() => simulator.GetConversationItems(2).Count == 5);

        Assert.NotNull(seen);
        Assert.Equal(RealtimeReconnectReason.ConnectionLost, seen!.Reason);
        Assert.Equal(4, seenCount);        // the budget: the 4 most recent of 5 items (user, call, output, answer, cut answer)
        Assert.Equal(1, seen.OmittedItems); // the user turn
        Assert.Equal(1, report.OmittedItems);
        JsonElement[] items = [.. simulator.GetConversationItems(2).Select(Json)];
        Assert.Equal(["message", "function_call", "function_call_output", "message", "message"], items.Select(i => i.GetProperty("type").GetString()));
        Assert.Equal(["system", "assistant", "assistant"], items.Where(i => i.GetProperty("type").GetString() == "message").Select(i => i.GetProperty("role").GetString()));
        Assert.Equal("Summary: the user asked about the weather.", items[0].GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal("get_weather", items[1].GetProperty("name").GetString());
        Assert.Equal("""{"location":"San Francisco"}""", items[1].GetProperty("arguments").GetString());
        Assert.Equal(items[1].GetProperty("call_id").GetString(), items[2].GetProperty("call_id").GetString());
        Assert.Equal("""{"temperature_c":21}""", items[2].GetProperty("output").GetString());
        Assert.Equal(SimulatedText.FunctionAnswer("get_weather", """{"temperature_c":21}"""), items[3].GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal(report.RestoredItemIds, items.Select(i => i.GetProperty("id").GetString()));
        Assert.StartsWith("item_restored_", report.RestoredItemIds[0], StringComparison.Ordinal); // the app's item had no id
    }

    [Fact(Timeout = 60000)]
    public async Task A_call_sideband_reattaches_by_call_id_and_restores_no_items()
    {
        await using OpenAISimulator simulator = await OpenAISimulator.StartAsync();
        simulator.Realtime.Options.FaultAfterClientMessages = 2;
        using var client = new RealtimeClient(new Http.OpenAIClientOptions { ApiKey = "sk-test", BaseUrl = simulator.BaseUrl, MaxRetries = 0 });
        simulator.Realtime.StartIncomingCall("whsec_" + Convert.ToBase64String(new byte[32]));
        string callId = simulator.Realtime.Calls.Keys.Single();
        await client.AcceptCallAsync(callId, new RealtimeSessionConfig { Model = "gpt-realtime-2", Instructions = "You are a support agent." });
        simulator.Realtime.NextConnectionFault = RealtimeFault.DropMidFrame;
        await using RealtimeCallSession session = await client.AttachToCallAsync(callId, Reconnecting());
        var resumed = new TaskCompletionSource<RealtimeSessionResumed>(TaskCreationOptions.RunContinuationsAsynchronously);
        session.Resumed += r => resumed.TrySetResult(r);

        await session.UpdateSessionAsync(new RealtimeSessionConfig { Instructions = "Be brief." }).WaitAsync(Patience); // 1
        await session.SendAsync(UserText("Hello?")).AsTask().WaitAsync(Patience);                                         // 2: then the drop
        RealtimeSessionResumed report = await resumed.Task.WaitAsync(Patience);

        Assert.Empty(report.RestoredItemIds); // the call's server session lives on with the call
        Assert.Equal(1, report.UpdatesReplayed);
        Assert.Equal(2, simulator.Realtime.Calls[callId].SidebandCount);
        Assert.Contains("call_id=" + callId, simulator.Realtime.Handshakes[^1].QueryString, StringComparison.Ordinal);
        await WaitForAsync(() => simulator.Realtime.ClientMessages.Any(m => m.ConnectionId == 2));
        Assert.Equal(["session.update"], simulator.Realtime.ClientMessages.Where(m => m.ConnectionId == 2).Select(m => m.Type));
    }

    [Fact(Timeout = 60000)]
    public async Task The_session_length_limit_resumes_without_the_app_noticing_beyond_the_state_events()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions { SessionLifetime = TimeSpan.FromSeconds(3) });
        using RealtimeClient client = CreateClient(simulator);
        await using RealtimeVoiceSession session = await client.ConnectVoiceAgentAsync(options: Reconnecting(resume: r => r.RenewBeforeExpiry = TimeSpan.Zero));
        simulator.Options.SessionLifetime = null; // only the first connection has a short life
        var recorder = new StateRecorder(session);
        var resumed = new TaskCompletionSource<RealtimeSessionResumed>(TaskCreationOptions.RunContinuationsAsynchronously);
        session.Resumed += r => resumed.TrySetResult(r);

        await session.SendAsync(UserText("Remember the number 42.")).AsTask().WaitAsync(Patience);
        await session.CreateResponseAsync().AsTask().WaitAsync(Patience);
        var events = new List<RealtimeServerEvent>(await ReadUntilAsync(session.ReadEventsAsync(), e => e.Kind == RealtimeServerEventKind.ResponseDone));

        RealtimeSessionResumed report = await resumed.Task.WaitAsync(Patience);
        output.WriteLine($"session expired: open again after {report.Downtime.TotalMilliseconds:0} ms");
        Assert.Equal(RealtimeReconnectReason.SessionExpired, report.Reason);
        Assert.Equal([1], simulator.ExpiredConnections);
        await WaitForAsync(() => simulator.GetConversationItems(2).Count == 2);
        Assert.Equal(("user", "Remember the number 42."), Turn(simulator.GetConversationItems(2)[0]));

        await session.CreateResponseAsync().AsTask().WaitAsync(Patience);
        events.AddRange(await ReadUntilAsync(session.ReadEventsAsync(), e => e.Kind == RealtimeServerEventKind.ResponseDone));
        Assert.DoesNotContain(events, e => e.Kind is RealtimeServerEventKind.Error or RealtimeServerEventKind.Unknown);
        Assert.Single(events, e => e.Kind == RealtimeServerEventKind.SessionCreated);
        Assert.Empty(session.Errors);
        Assert.Null(session.TerminalException);
        Assert.Equal(["Open -> Reconnecting (attempt 1)", "Reconnecting -> Open (attempt 1)"], recorder.Changes);
        Assert.Equal(TimeSpan.Zero, recorder.All[0].RetryDelay); // an expiry reconnects at once
    }

    [Fact(Timeout = 60000)]
    public async Task A_session_renews_itself_before_its_maximum_length()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions { SessionLifetime = TimeSpan.FromSeconds(3) });
        using RealtimeClient client = CreateClient(simulator);
        await using RealtimeVoiceSession session = await client.ConnectVoiceAgentAsync(options: Reconnecting(resume: r => r.RenewBeforeExpiry = TimeSpan.FromSeconds(1.5)));
        simulator.Options.SessionLifetime = null;
        var recorder = new StateRecorder(session);
        var resumed = new TaskCompletionSource<RealtimeSessionResumed>(TaskCreationOptions.RunContinuationsAsynchronously);
        session.Resumed += r => resumed.TrySetResult(r);
        await session.UpdateSessionAsync(new RealtimeSessionConfig { Instructions = "Be brief." }).WaitAsync(Patience);

        RealtimeSessionResumed report = await resumed.Task.WaitAsync(Patience);
        Assert.Equal(RealtimeReconnectReason.Renewal, report.Reason);
        await Task.Delay(TimeSpan.FromSeconds(2)); // past the first connection's end: the server never had to expire it
        Assert.Empty(simulator.ExpiredConnections);
        Assert.Equal(2, simulator.ConnectionCount);
        Assert.Equal("session.update", simulator.ClientMessages.First(m => m.ConnectionId == 2).Type);
        Assert.Equal(["Open -> Reconnecting (attempt 1)", "Reconnecting -> Open (attempt 1)"], recorder.Changes);
        Assert.Equal(RealtimeSessionState.Open, session.State);
    }

    [Fact(Timeout = 60000)]
    public async Task A_401_on_reconnect_goes_straight_to_unavailable_without_a_retry_storm()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions { FaultAfterClientMessages = 1 });
        simulator.NextConnectionFault = RealtimeFault.DropMidFrame;
        using RealtimeClient client = CreateClient(simulator);
        await using RealtimeVoiceSession session = await client.ConnectVoiceAgentAsync(options: Reconnecting(p => p.MaxAttempts = 10));
        var recorder = new StateRecorder(session);
        simulator.RefuseUpgrades(401, int.MaxValue);

        await session.CommitAudioAsync().AsTask().WaitAsync(Patience); // the fault fires after this message
        WebSocketHandshakeException error = await Assert.ThrowsAsync<WebSocketHandshakeException>(() => DrainAsync(session.ReadEventsAsync()));
        await session.Completion.WaitAsync(Patience);
        await Task.Delay(TimeSpan.FromSeconds(1)); // would be several more attempts under the policy's backoff

        Assert.Equal(401, error.StatusCode);
        Assert.Same(error, session.TerminalException);
        Assert.Equal(1, simulator.RefusedUpgrades);
        Assert.Equal(1, simulator.ConnectionCount);
        Assert.Equal(RealtimeSessionState.Unavailable, session.State);
        Assert.Equal(["Open -> Reconnecting (attempt 1)", "Reconnecting -> Unavailable"], recorder.Changes);
        Assert.Same(error, recorder.All[^1].Failure);
        Assert.DoesNotContain("sk-test", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<RealtimeSessionClosedException>(() => session.WaitUntilOpenAsync().WaitAsync(Patience));
        await Assert.ThrowsAsync<RealtimeSessionClosedException>(() => session.UpdateSessionAsync(new RealtimeSessionConfig()).WaitAsync(Patience));
    }

    [Fact(Timeout = 60000)]
    public async Task Refusals_worth_retrying_back_off_then_resume()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions { FaultAfterClientMessages = 1 });
        simulator.NextConnectionFault = RealtimeFault.DropMidFrame;
        using RealtimeClient client = CreateClient(simulator);
        await using RealtimeVoiceSession session = await client.ConnectVoiceAgentAsync(options: Reconnecting(p => p.Jitter = 0));
        var recorder = new StateRecorder(session);
        var resumed = new TaskCompletionSource<RealtimeSessionResumed>(TaskCreationOptions.RunContinuationsAsynchronously);
        session.Resumed += r => resumed.TrySetResult(r);
        simulator.RefuseUpgrades(503, 2);

        await session.CommitAudioAsync().AsTask().WaitAsync(Patience);
        RealtimeSessionResumed report = await resumed.Task.WaitAsync(Patience);

        output.WriteLine($"two 503s: open again after {report.Downtime.TotalMilliseconds:0} ms, {report.Attempts} attempts");
        Assert.Equal(3, report.Attempts);
        Assert.Equal(2, simulator.RefusedUpgrades);
        Assert.Equal(
            ["Open -> Reconnecting (attempt 1)", "Reconnecting -> Reconnecting (attempt 2)", "Reconnecting -> Reconnecting (attempt 3)", "Reconnecting -> Open (attempt 3)"],
            recorder.Changes);
        Assert.Equal([50, 100, 200], recorder.All.Take(3).Select(c => (int)c.RetryDelay!.Value.TotalMilliseconds));
        Assert.Equal(503, Assert.IsType<WebSocketHandshakeException>(recorder.All[2].Failure).StatusCode);
        // The three back-offs sum to 350 ms; each Task.Delay counts a coarser clock (whole milliseconds of the tick count)
        // than the Stopwatch that measures the downtime, so each may end up to a millisecond early (seen: 348.7 ms).
        Assert.True(report.Downtime >= TimeSpan.FromMilliseconds(345), report.Downtime.ToString());
    }

    [Fact(Timeout = 60000)]
    public async Task A_translation_resumes_its_language_and_carries_on_with_the_next_audio()
    {
        // Connection 1 drops mid-frame after session.update and two 200 ms appends.
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions { FaultAfterClientMessages = 3 });
        simulator.NextConnectionFault = RealtimeFault.DropMidFrame;
        using RealtimeClient client = CreateClient(simulator);
        var translated = new MemoryStream();
        RealtimeSessionOptions options = Reconnecting();
        options.AudioSink = pcm => translated.Write(pcm);
        await using RealtimeTranslationSession session = await client.ConnectTranslationAsync(options: options);
        var recorder = new StateRecorder(session);
        var resumed = new TaskCompletionSource<RealtimeSessionResumed>(TaskCreationOptions.RunContinuationsAsynchronously);
        session.Resumed += r => resumed.TrySetResult(r);

        await session.SetLanguageAsync("fr").WaitAsync(Patience);
        byte[] before = SampleAudio.CreatePcm16(TimeSpan.FromMilliseconds(400));
        await session.SendAudioAsync(new MemoryStream(before)).WaitAsync(Patience);
        RealtimeSessionResumed report = await resumed.Task.WaitAsync(Patience);
        Assert.Equal(1, report.UpdatesReplayed);
        Assert.Equal(0, report.LostInputAudioBytes); // translation has no commit: not counted

        byte[] after = SampleAudio.CreatePcm16(TimeSpan.FromMilliseconds(600));
        await session.SendAudioAsync(new MemoryStream(after)).WaitAsync(Patience);
        List<RealtimeTranslationServerEvent> events = await ReadUntilAsync(session.ReadEventsAsync(), e => e.Kind == RealtimeTranslationServerEventKind.SessionOutputTranscriptDelta && session.OutputTranscript.Contains("[fr 3]", StringComparison.Ordinal));

        List<RealtimeClientMessage> second = simulator.ClientMessages.Where(m => m.ConnectionId == 2).ToList();
        Assert.Equal("session.update", second[0].Type);
        Assert.Equal("fr", Json(second[0].Json).GetProperty("session").GetProperty("audio").GetProperty("output").GetProperty("language").GetString());
        Assert.Equal(after, simulator.GetReceivedAudio(2));
        Assert.Single(events, e => e.Kind == RealtimeTranslationServerEventKind.SessionCreated);
        Assert.Equal(["Open -> Reconnecting (attempt 1)", "Reconnecting -> Open (attempt 1)"], recorder.Changes);
    }

    [Fact(Timeout = 60000)]
    public async Task A_transcription_resumes_its_configuration_and_transcribes_the_next_turn()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions { FaultAfterClientMessages = 3 });
        simulator.NextConnectionFault = RealtimeFault.DropMidFrame;
        using RealtimeClient client = CreateClient(simulator);
        await using RealtimeTranscriptionSession session = await client.ConnectTranscriptionAsync(Reconnecting());
        var recorder = new StateRecorder(session);
        var resumed = new TaskCompletionSource<RealtimeSessionResumed>(TaskCreationOptions.RunContinuationsAsynchronously);
        session.Resumed += r => resumed.TrySetResult(r);
        await session.UpdateSessionAsync(new RealtimeTranscriptionSessionConfig
        {
            Audio = new RealtimeTranscriptionSessionAudio
            {
                Input = new RealtimeTranscriptionSessionAudioInput
                {
                    Format = Pcm24k(),
                    Transcription = new AudioTranscription { Model = AudioTranscriptionModel.GptRealtimeWhisper, Language = "en" },
                    TurnDetection = null,
                },
            },
        }).WaitAsync(Patience);

        byte[] chunk = SampleAudio.CreatePcm16(TimeSpan.FromMilliseconds(100));
        await session.SendAudioAsync(chunk).AsTask().WaitAsync(Patience);
        await session.SendAudioAsync(chunk).AsTask().WaitAsync(Patience); // 3rd message: the connection drops, uncommitted
        RealtimeSessionResumed report = await resumed.Task.WaitAsync(Patience);
        Assert.Equal(2 * chunk.Length, report.LostInputAudioBytes);
        Assert.Equal(2, report.LostInputAudioAppends);

        byte[] turn = SampleAudio.CreatePcm16(TimeSpan.FromMilliseconds(500));
        await session.SendAudioAsync(turn).AsTask().WaitAsync(Patience);
        RealtimeTranscript transcript = await session.CommitAndWaitAsync().WaitAsync(Patience);

        Assert.Equal(SimulatedText.Transcript(1, turn.Length), transcript.Text); // the new server's first item
        RealtimeClientMessage update = simulator.ClientMessages.First(m => m.ConnectionId == 2);
        Assert.Equal("session.update", update.Type);
        Assert.Equal("transcription", Json(update.Json).GetProperty("session").GetProperty("type").GetString());
        Assert.Equal(turn, simulator.GetReceivedAudio(2));
        Assert.Equal(["Open -> Reconnecting (attempt 1)", "Reconnecting -> Open (attempt 1)"], recorder.Changes);
    }

    [Fact(Timeout = 60000)]
    public async Task Sends_while_reconnecting_wait_in_a_bounded_queue_and_what_overflows_is_counted()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions { FaultAfterClientMessages = 3 });
        simulator.NextConnectionFault = RealtimeFault.DropMidFrame;
        using RealtimeClient client = CreateClient(simulator);
        await using RealtimeVoiceSession session = await client.ConnectVoiceAgentAsync(options: Reconnecting(p => { p.MaxQueuedSends = 2; p.InitialDelay = TimeSpan.FromMilliseconds(300); p.Jitter = 0; }));
        var reconnecting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        session.StateChanged += c => { if (c.State == RealtimeSessionState.Reconnecting) { reconnecting.TrySetResult(); } };
        var resumed = new TaskCompletionSource<RealtimeSessionResumed>(TaskCreationOptions.RunContinuationsAsynchronously);
        session.Resumed += r => resumed.TrySetResult(r);
        simulator.RefuseUpgrades(503, 1); // reconnecting lasts 300 + 600 ms

        byte[] chunk = SampleAudio.CreatePcm16(TimeSpan.FromMilliseconds(100));
        for (int i = 0; i < 3; i++)
        {
            await session.SendAudioAsync(chunk).AsTask().WaitAsync(Patience); // the 3rd is the fault's trigger
        }

        await reconnecting.Task.WaitAsync(Patience);
        byte[] one = SampleAudio.CreateTonePcm16(300, TimeSpan.FromMilliseconds(100));
        byte[] two = SampleAudio.CreateTonePcm16(600, TimeSpan.FromMilliseconds(100));
        Task first = session.SendAudioAsync(one).AsTask();
        Task second = session.SendAudioAsync(two).AsTask();
        RealtimeConnectionLostException overflow = await Assert.ThrowsAsync<RealtimeConnectionLostException>(() => session.SendAudioAsync(chunk).AsTask());
        Assert.Contains("MaxQueuedSends", overflow.Message, StringComparison.Ordinal);
        Assert.False(first.IsCompleted);
        Assert.Equal(RealtimeSessionState.Reconnecting, session.State);

        await Task.WhenAll(first, second).WaitAsync(Patience);
        RealtimeSessionResumed report = await resumed.Task.WaitAsync(Patience);
        Assert.Equal(1, session.DroppedInputAudioAppends);
        Assert.Equal(chunk.Length, session.DroppedInputAudioBytes);
        Assert.Equal(3 * chunk.Length, report.LostInputAudioBytes); // accepted by connection 1, never committed
        Assert.Equal(3 * chunk.Length, simulator.GetReceivedAudio(1).Length);
        await WaitForAsync(() => simulator.GetReceivedAudio(2).Length == 2 * one.Length);
        Assert.Equal([.. one, .. two], simulator.GetReceivedAudio(2)); // in order, on the new connection
    }

    [Fact(Timeout = 60000)]
    public async Task Fail_fast_sends_fail_at_once_while_reconnecting_and_count_the_audio()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions { FaultAfterClientMessages = 1 });
        simulator.NextConnectionFault = RealtimeFault.DropMidFrame;
        using RealtimeClient client = CreateClient(simulator);
        await using RealtimeVoiceSession session = await client.ConnectVoiceAgentAsync(options: Reconnecting(p => { p.WhileReconnecting = RealtimeSendWhileReconnecting.FailFast; p.InitialDelay = TimeSpan.FromMilliseconds(500); }));
        var reconnecting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        session.StateChanged += c => { if (c.State == RealtimeSessionState.Reconnecting) { reconnecting.TrySetResult(); } };

        await session.CommitAudioAsync().AsTask().WaitAsync(Patience);
        await reconnecting.Task.WaitAsync(Patience);
        byte[] chunk = SampleAudio.CreatePcm16(TimeSpan.FromMilliseconds(100));
        var stopwatch = Stopwatch.StartNew();
        await Assert.ThrowsAsync<RealtimeConnectionLostException>(() => session.SendAudioAsync(chunk).AsTask());
        await Assert.ThrowsAsync<RealtimeConnectionLostException>(() => session.SendAudioAsync(chunk).AsTask());
        await Assert.ThrowsAsync<RealtimeConnectionLostException>(() => session.CreateResponseAsync().AsTask());
        Assert.True(stopwatch.Elapsed < TimeSpan.FromMilliseconds(300), stopwatch.Elapsed.ToString());

        Assert.Equal(2, session.DroppedInputAudioAppends);
        Assert.Equal(2 * chunk.Length, session.DroppedInputAudioBytes);
        await session.WaitUntilOpenAsync().WaitAsync(Patience);
        await session.SendAudioAsync(chunk).AsTask().WaitAsync(Patience);
    }

    [Fact(Timeout = 60000)]
    public async Task A_call_waiting_for_its_answer_when_the_connection_drops_fails_with_a_typed_error()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        simulator.NextConnectionFault = RealtimeFault.Stall; // after session.created: the update is never answered, keep-alive then gives up
        using RealtimeClient client = CreateClient(simulator);
        RealtimeSessionOptions options = Reconnecting();
        options.KeepAliveInterval = TimeSpan.FromMilliseconds(200);
        options.KeepAliveTimeout = TimeSpan.FromMilliseconds(300);
        await using RealtimeVoiceSession session = await client.ConnectVoiceAgentAsync(options: options);
        var resumed = new TaskCompletionSource<RealtimeSessionResumed>(TaskCreationOptions.RunContinuationsAsynchronously);
        session.Resumed += r => resumed.TrySetResult(r);

        RealtimeConnectionLostException lost = await Assert.ThrowsAsync<RealtimeConnectionLostException>(
            () => session.UpdateSessionAsync(new RealtimeSessionConfig { Instructions = "Never answered." }).WaitAsync(Patience));
        Assert.Equal(ShutdownReason.KeepAliveTimeout, Assert.IsAssignableFrom<WebSocketConnectionException>(lost.InnerException).Reason);
        RealtimeSessionResumed report = await resumed.Task.WaitAsync(Patience);

        Assert.Equal(0, report.UpdatesReplayed); // never accepted: not re-sent; the app calls again
        await session.UpdateSessionAsync(new RealtimeSessionConfig { Instructions = "Answered." }).WaitAsync(Patience);
        Assert.Equal(["session.update"], simulator.ClientMessages.Where(m => m.ConnectionId == 2).Select(m => m.Type));
        Assert.Equal("Answered.", Json(simulator.ClientMessages.Single(m => m.ConnectionId == 2).Json).GetProperty("session").GetProperty("instructions").GetString());
    }

    [Fact(Timeout = 60000)]
    public async Task Dispose_during_the_backoff_returns_promptly_and_opens_nothing()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions { FaultAfterClientMessages = 1 });
        simulator.NextConnectionFault = RealtimeFault.DropMidFrame;
        using RealtimeClient client = CreateClient(simulator);
        RealtimeVoiceSession session = await client.ConnectVoiceAgentAsync(options: Reconnecting(p => p.InitialDelay = TimeSpan.FromSeconds(30)));
        var recorder = new StateRecorder(session);
        var reconnecting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        session.StateChanged += c => { if (c.State == RealtimeSessionState.Reconnecting) { reconnecting.TrySetResult(); } };
        await session.CommitAudioAsync().AsTask().WaitAsync(Patience);
        await reconnecting.Task.WaitAsync(Patience);
        Task waiting = session.SendAudioAsync(new byte[4800]).AsTask();

        var stopwatch = Stopwatch.StartNew();
        await session.DisposeAsync().AsTask().WaitAsync(Patience);
        stopwatch.Stop();

        output.WriteLine($"dispose during backoff: {stopwatch.Elapsed.TotalMilliseconds:0} ms");
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1), stopwatch.Elapsed.ToString());
        await Assert.ThrowsAsync<RealtimeSessionClosedException>(() => waiting.WaitAsync(Patience));
        Assert.Equal(4800, session.DroppedInputAudioBytes);
        Assert.True(session.Completion.IsCompleted);
        Assert.Equal(RealtimeSessionState.Closed, session.State);
        Assert.Equal("Reconnecting -> Closed", recorder.Changes[^1]);
        await Task.Delay(200);
        Assert.Equal(1, simulator.ConnectionCount);
    }

    [Fact(Timeout = 60000)]
    public async Task CloseAsync_during_the_backoff_abandons_the_reconnect_and_ends_the_session_closed()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions { FaultAfterClientMessages = 1 });
        simulator.NextConnectionFault = RealtimeFault.DropMidFrame;
        using RealtimeClient client = CreateClient(simulator);
        await using RealtimeVoiceSession session = await client.ConnectVoiceAgentAsync(options: Reconnecting(p => p.InitialDelay = TimeSpan.FromSeconds(30)));
        var recorder = new StateRecorder(session);
        var reconnecting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        session.StateChanged += c => { if (c.State == RealtimeSessionState.Reconnecting) { reconnecting.TrySetResult(); } };
        await session.CommitAudioAsync().AsTask().WaitAsync(Patience);
        await reconnecting.Task.WaitAsync(Patience);

        var stopwatch = Stopwatch.StartNew();
        await session.CloseAsync().WaitAsync(Patience);

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1), stopwatch.Elapsed.ToString());
        Assert.Equal(RealtimeSessionState.Closed, session.State);
        Assert.Equal(["Open -> Reconnecting (attempt 1)", "Reconnecting -> Closed"], recorder.Changes);
        Assert.Null(session.TerminalException);
        Assert.Equal(1, simulator.ConnectionCount);
    }

    [Fact(Timeout = 60000)]
    public async Task Dispose_during_a_reconnect_handshake_leaves_no_socket_open()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions { FaultAfterClientMessages = 1 });
        simulator.NextConnectionFault = RealtimeFault.DropMidFrame;
        using RealtimeClient client = CreateClient(simulator);
        RealtimeVoiceSession session = await client.ConnectVoiceAgentAsync(options: Reconnecting());
        simulator.StallUpgrades(1);
        await session.CommitAudioAsync().AsTask().WaitAsync(Patience);
        await WaitForAsync(() => simulator.StalledUpgrades == 1);

        var stopwatch = Stopwatch.StartNew();
        await session.DisposeAsync().AsTask().WaitAsync(Patience);
        stopwatch.Stop();

        output.WriteLine($"dispose during a stalled handshake: {stopwatch.Elapsed.TotalMilliseconds:0} ms");
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1.5), stopwatch.Elapsed.ToString());
        await WaitForAsync(() => simulator.AbandonedUpgrades == 1); // the client closed the half-open connection
        Assert.Equal(RealtimeSessionState.Closed, session.State);
        Assert.Equal(1, simulator.ConnectionCount);
    }

    private static RealtimeClientEvent UserText(string text) => RealtimeClientEvent.FromConversationItemCreate(new RealtimeConversationItemCreate
    {
        Item = RealtimeConversationItem.FromMessageUser(new RealtimeConversationItemMessageUser
        {
            Content = [new RealtimeConversationItemMessageUserContentItem { Type = RealtimeConversationItemMessageUserContentItemType.InputText, Text = text }],
        }),
    });

    private static string Id(RealtimeConversationItem item) => item.Value switch
    {
        RealtimeConversationItemMessageUser user => user.Id!,
        RealtimeConversationItemMessageAssistant assistant => assistant.Id!,
        _ => throw new InvalidOperationException(item.Kind.ToString()),
    };

    /// <summary>A simulator item as (role, text): the text of input_text/output_text content.</summary>
    private static (string Role, string Text) Turn(string json)
    {
        JsonElement item = Json(json);
        JsonElement content = item.GetProperty("content")[0];
        return (item.GetProperty("role").GetString()!, content.GetProperty("text").GetString()!);
    }

    private static async Task DrainAsync<T>(IAsyncEnumerable<T> events)
    {
        using var cts = new CancellationTokenSource(Patience);
        await foreach (T _ in events.WithCancellation(cts.Token))
        {
        }
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var stopwatch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(stopwatch.Elapsed < Patience, "The condition was not met in time.");
            await Task.Delay(10);
        }
    }

    /// <summary>Records every state change of a session, in order.</summary>
    private sealed class StateRecorder
    {
        private readonly ConcurrentQueue<RealtimeSessionStateChange> _changes = new();

        public StateRecorder(RealtimeVoiceSession session) => session.StateChanged += _changes.Enqueue;

        public StateRecorder(RealtimeTranscriptionSession session) => session.StateChanged += _changes.Enqueue;

        public StateRecorder(RealtimeTranslationSession session) => session.StateChanged += _changes.Enqueue;

        public RealtimeSessionStateChange[] All => [.. _changes];

        public string[] Changes => [.. _changes.Select(c => c.ToString())];
    }
}
