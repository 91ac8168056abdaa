using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Models;
using Generated.OpenAI.Simulator;
using Xunit;
using static Generated.OpenAI.Realtime.Tests.TestSupport;

namespace Generated.OpenAI.Realtime.Tests;

public sealed class VoiceSessionTests
{
    private static RealtimeSessionConfig ManualTurns() => new()
    {
        OutputModalities = [RealtimeSessionOutputModality.Audio],
        Audio = new RealtimeSessionAudio
        {
            Input = new RealtimeSessionAudioInput { Format = Pcm24k(), TurnDetection = null },
        },
    };

    [Fact(Timeout = 30000)]
    public async Task A_spoken_turn_round_trips_json_events_and_audio()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        using RealtimeClient client = CreateClient(simulator, safetyIdentifier: "user-42");
        var received = new MemoryStream();
        await using RealtimeVoiceSession session = await client.ConnectVoiceAgentAsync(options: new RealtimeSessionOptions { AudioSink = pcm => received.Write(pcm) });

        RealtimeServerEvent updated = await session.UpdateSessionAsync(ManualTurns());
        Assert.Equal(RealtimeServerEventKind.SessionUpdated, updated.Kind);

        byte[] question = SampleAudio.CreatePcm16(TimeSpan.FromSeconds(1));
        Assert.Equal(question.Length, await session.SendAudioAsync(new MemoryStream(question)));
        string commitId = await session.CommitAudioAsync();
        string responseId = await session.CreateResponseAsync();

        List<RealtimeServerEvent> events = await ReadUntilAsync(session.ReadEventsAsync(), e => e.Kind == RealtimeServerEventKind.ResponseDone);

        // Handshake: URL, credential, safety identifier.
        RealtimeHandshake handshake = simulator.Handshakes.Single();
        Assert.Equal(RealtimeSessionKind.VoiceAgent, handshake.Kind);
        Assert.Equal("?model=gpt-realtime-2", handshake.QueryString);
        Assert.Equal("sk-test", handshake.Credential);
        Assert.Equal("user-42", handshake.SafetyIdentifier);

        // The exact JSON sent.
        List<RealtimeClientMessage> messages = Messages(simulator);
        Assert.Equal(["session.update", "input_audio_buffer.append", "input_audio_buffer.append", "input_audio_buffer.append", "input_audio_buffer.append", "input_audio_buffer.append", "input_audio_buffer.append", "input_audio_buffer.append", "input_audio_buffer.append", "input_audio_buffer.append", "input_audio_buffer.append", "input_audio_buffer.commit", "response.create"], messages.Select(m => m.Type));
        string updateId = Json(messages[0].Json).GetProperty("event_id").GetString()!;
        Assert.Equal(
            "{\"event_id\":\"" + updateId + "\",\"type\":\"session.update\",\"session\":{\"type\":\"realtime\",\"output_modalities\":[\"audio\"],\"audio\":{\"input\":{\"format\":{\"type\":\"audio/pcm\",\"rate\":24000},\"turn_detection\":null}}}}",
            messages[0].Json);
        // Each append carries an event_id of its own (the session's prefix, "a", a sequence number), written with the audio.
        Assert.Matches("^\\{\"event_id\":\"evt_[0-9a-f]{8}_a1\",\"type\":\"input_audio_buffer.append\",\"audio\":\"", messages[1].Json);
        Assert.EndsWith("\"audio\":\"" + Convert.ToBase64String(question, 0, 4800) + "\"}", messages[1].Json);
        Assert.Contains("_a2\"", messages[2].Json);
        Assert.Equal("{\"event_id\":\"" + commitId + "\",\"type\":\"input_audio_buffer.commit\"}", messages[11].Json);
        Assert.Equal("{\"event_id\":\"" + responseId + "\",\"type\":\"response.create\"}", messages[12].Json);
        Assert.Equal(question, simulator.GetReceivedAudio(handshake.ConnectionId));

        // The events, in order (audio deltas went to the sink, not the stream).
        Assert.Equal(
            ["SessionCreated", "SessionUpdated", "InputAudioBufferCommitted", "ConversationItemAdded", "ConversationItemDone",
             "ResponseCreated", "ResponseOutputItemAdded", "ConversationItemAdded", "ResponseContentPartAdded"],
            Kinds(events).Take(9));
        Assert.DoesNotContain(events, e => e.Kind == RealtimeServerEventKind.ResponseOutputAudioDelta);
        Assert.Equal(
            ["ResponseOutputAudioDone", "ResponseOutputAudioTranscriptDone", "ResponseContentPartDone", "ResponseOutputItemDone", "ConversationItemDone", "ResponseDone"],
            Kinds(events).TakeLast(6));

        // The committed audio echoed back through the sink, and the transcript joined verbatim.
        Assert.Equal(question, received.ToArray());
        Assert.Equal(question.Length, session.AudioBytesReceived);
        string expected = SimulatedText.Answer(question.Length);
        RealtimeTranscript transcript = Assert.Single(session.OutputTranscripts.Transcripts);
        Assert.Equal(expected, transcript.Text);
        Assert.True(transcript.IsFinal);
        Assert.Equal(expected, string.Concat(events.Where(e => e.IsResponseOutputAudioTranscriptDelta).Select(e => e.AsResponseOutputAudioTranscriptDelta().Delta)));
        Assert.Null(session.ActiveResponseId);
        Assert.Empty(session.Errors);
    }

    [Fact(Timeout = 30000)]
    public async Task Without_a_sink_audio_deltas_are_parsed_events()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        using RealtimeClient client = CreateClient(simulator);
        await using RealtimeVoiceSession session = await client.ConnectVoiceAgentAsync();
        await session.CreateResponseAsync();

        // A typed delta is lent until the next read (the default): its audio is copied as it is read.
        var received = new List<byte>();
        List<RealtimeServerEvent> events = await ReadUntilAsync(session.ReadEventsAsync(), e =>
        {
            if (e.IsResponseOutputAudioDelta)
            {
                received.AddRange(e.AsResponseOutputAudioDelta().Delta.ToArray());
            }

            return e.Kind == RealtimeServerEventKind.ResponseDone;
        });

        byte[] audio = [.. received];
        Assert.Equal(10, events.Count(e => e.IsResponseOutputAudioDelta));
        Assert.Equal(SampleAudio.BytesPerSecond, audio.Length); // the 1 s tone when nothing was committed
        Assert.Equal(SampleAudio.CreateTonePcm16(440, TimeSpan.FromSeconds(1)), audio);
        Assert.Equal(0, session.AudioBytesReceived);
        Assert.Equal(SimulatedText.Answer(0), session.OutputTranscripts.GetFullText());
    }

    [Fact(Timeout = 30000)]
    public async Task A_function_tool_runs_and_its_output_is_sent_back_before_a_new_response()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        using RealtimeClient client = CreateClient(simulator);
        await using RealtimeVoiceSession session = await client.ConnectVoiceAgentAsync(options: new RealtimeSessionOptions { AudioSink = _ => { } });
        var arguments = new TaskCompletionSource<string>();
        session.AddFunctionTool("get_weather", (args, ct) =>
        {
            arguments.TrySetResult(args);
            return ValueTask.FromResult("""{"temperature_c":21}""");
        }, "Current weather", Json("""{"type":"object","properties":{"location":{"type":"string"}}}"""));

        await session.UpdateSessionAsync(ManualTurns());
        await session.CreateResponseAsync();

        int done = 0;
        List<RealtimeServerEvent> events = await ReadUntilAsync(session.ReadEventsAsync(), e => e.Kind == RealtimeServerEventKind.ResponseDone && ++done == 2);

        Assert.Equal("""{"location":"San Francisco"}""", await arguments.Task);
        RealtimeFunctionCallArgumentsDone call = events.Single(e => e.IsResponseFunctionCallArgumentsDone).AsResponseFunctionCallArgumentsDone();
        Assert.Equal("get_weather", call.Name);

        List<RealtimeClientMessage> messages = Messages(simulator);
        Assert.Equal(["session.update", "response.create", "conversation.item.create", "response.create"], messages.Select(m => m.Type));
        JsonElement tool = Json(messages[0].Json).GetProperty("session").GetProperty("tools")[0];
        Assert.Equal("""{"type":"function","name":"get_weather","description":"Current weather","parameters":{"type":"object","properties":{"location":{"type":"string"}}}}""", tool.GetRawText());
        string itemCreateId = Json(messages[2].Json).GetProperty("event_id").GetString()!;
        Assert.Equal(
            "{\"event_id\":\"" + itemCreateId + "\",\"type\":\"conversation.item.create\",\"item\":{\"type\":\"function_call_output\",\"call_id\":\"" + call.CallId + "\",\"output\":\"{\\u0022temperature_c\\u0022:21}\"}}",
            messages[2].Json);

        string answer = SimulatedText.FunctionAnswer("get_weather", """{"temperature_c":21}""");
        string secondResponse = events.Last(e => e.Kind == RealtimeServerEventKind.ResponseCreated).AsResponseCreated().Response.Id!;
        Assert.Equal(answer, session.OutputTranscripts.GetResponseText(secondResponse));
    }

    [Fact(Timeout = 30000)]
    public async Task Interrupting_cancels_and_truncates_at_the_audio_received_without_the_WebRTC_only_clear()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions { ResponseChunkDelay = TimeSpan.FromMilliseconds(100) });
        using RealtimeClient client = CreateClient(simulator);
        var firstAudio = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using RealtimeVoiceSession session = await client.ConnectVoiceAgentAsync(options: new RealtimeSessionOptions { AudioSink = _ => firstAudio.TrySetResult() });
        await session.CreateResponseAsync();
        await firstAudio.Task.WaitAsync(Patience);
        string responseId = session.ActiveResponseId!;
        Assert.NotNull(responseId);
        string itemId = session.CurrentAudioItemId!;
        Assert.NotNull(itemId);

        IReadOnlyList<string> sent = await session.InterruptAsync(audioEndMs: 100);
        Assert.Equal(2, sent.Count);

        var seen = new HashSet<RealtimeServerEventKind>();
        List<RealtimeServerEvent> events = await ReadUntilAsync(session.ReadEventsAsync(), e =>
        {
            seen.Add(e.Kind);
            return seen.Contains(RealtimeServerEventKind.ResponseDone) && seen.Contains(RealtimeServerEventKind.ConversationItemTruncated);
        });

        RealtimeServerEvent done = events.Single(e => e.Kind == RealtimeServerEventKind.ResponseDone);
        Assert.Equal("cancelled", (done.UnknownJson ?? Json(done.ToString()!)).GetProperty("response").GetProperty("status").GetString());
        RealtimeServerEventConversationItemTruncated truncated = events.Single(e => e.IsConversationItemTruncated).AsConversationItemTruncated();
        Assert.Equal(itemId, truncated.ItemId);
        Assert.Equal(100, truncated.AudioEndMs);

        List<RealtimeClientMessage> messages = Messages(simulator);
        // output_audio_buffer.clear is "WebRTC/SIP only" in the spec: never sent on a WebSocket.
        Assert.Equal(["response.create", "response.cancel", "conversation.item.truncate"], messages.Select(m => m.Type));
        Assert.Equal("{\"event_id\":\"" + sent[0] + "\",\"type\":\"response.cancel\",\"response_id\":\"" + responseId + "\"}", messages[1].Json);
        Assert.Equal("{\"event_id\":\"" + sent[1] + "\",\"type\":\"conversation.item.truncate\",\"item_id\":\"" + itemId + "\",\"content_index\":0,\"audio_end_ms\":100}", messages[2].Json);
        Assert.Null(session.ActiveResponseId);
    }

    [Fact(Timeout = 30000)]
    public async Task An_error_event_is_correlated_to_the_client_event_id_and_the_session_goes_on()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        using RealtimeClient client = CreateClient(simulator);
        await using RealtimeVoiceSession session = await client.ConnectVoiceAgentAsync();
        var raised = new TaskCompletionSource<RealtimeErrorException>(TaskCreationOptions.RunContinuationsAsynchronously);
        session.ErrorReceived += e => raised.TrySetResult(e);

        string badId = await session.SendAsync(new RealtimeClientEventConversationItemTruncate { EventId = "my-truncate-1", ItemId = "item_missing", ContentIndex = 0, AudioEndMs = 5 });
        Assert.Equal("my-truncate-1", badId);
        RealtimeErrorException error = await session.WaitForErrorAsync(badId).WaitAsync(Patience);

        Assert.Equal("my-truncate-1", error.ClientEventId);
        Assert.Equal("conversation.item.truncate", error.ClientEventType);
        Assert.Equal("invalid_request_error", error.ErrorType);
        Assert.Equal("item_truncate_invalid_item_id", error.Code);
        Assert.Same(error, await raised.Task.WaitAsync(Patience));
        Assert.Same(error, Assert.Single(session.Errors));

        // A rejected session.update throws the correlated error.
        var wrongType = RealtimeClientEventSessionUpdateSession.FromTranscription(new RealtimeTranscriptionSessionConfig());
        string updateId = await session.SendAsync(RealtimeClientEvent.FromSessionUpdate(new RealtimeClientEventSessionUpdate { Session = wrongType }));
        RealtimeErrorException rejected = await session.WaitForErrorAsync(updateId).WaitAsync(Patience);
        Assert.Equal("session.type", rejected.Param);

        // The session goes on.
        RealtimeServerEvent ok = await session.UpdateSessionAsync(ManualTurns()).WaitAsync(Patience);
        Assert.Equal(RealtimeServerEventKind.SessionUpdated, ok.Kind);
        List<RealtimeServerEvent> events = await ReadUntilAsync(session.ReadEventsAsync(), e => e.Kind == RealtimeServerEventKind.SessionUpdated);
        Assert.Equal(["SessionCreated", "Error", "Error", "SessionUpdated"], Kinds(events));
    }

    /// <summary>
    /// A typed send gives the model the session's id as a value (no string): the id on the wire is the one the send
    /// returns and the model's <c>EventId</c> reads afterwards, and the server's <c>error</c> naming it is correlated to
    /// the event sent.
    /// </summary>
    [Fact(Timeout = 30000)]
    public async Task A_typed_send_puts_on_the_wire_the_id_the_model_reads_afterwards_and_an_error_naming_it_is_correlated()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        using RealtimeClient client = CreateClient(simulator);
        await using RealtimeVoiceSession session = await client.ConnectVoiceAgentAsync();

        var truncate = new RealtimeClientEventConversationItemTruncate { ItemId = "item_missing", ContentIndex = 0, AudioEndMs = 5 };
        RealtimeEventId sent = await session.SendAsync(truncate);
        Assert.True(sent.HasValue);
        Assert.True(((IRealtimeEvent)truncate).EventIdValue == sent);
        RealtimeErrorException error = await session.WaitForErrorAsync(sent).WaitAsync(Patience);

        string? id = truncate.EventId;
        Assert.NotNull(id);
        Assert.StartsWith("evt_", id, StringComparison.Ordinal);
        Assert.Equal(sent.ToString(), id);
        Assert.Same(id, truncate.EventId); // made a string once, then kept
        Assert.Equal(id, error.ClientEventId);
        Assert.Equal("conversation.item.truncate", error.ClientEventType);
        Assert.Same(error, Assert.Single(session.Errors));
        RealtimeClientMessage wire = Messages(simulator).Single(m => m.Type == "conversation.item.truncate");
        Assert.Equal("{\"event_id\":\"" + id + "\",\"type\":\"conversation.item.truncate\",\"item_id\":\"item_missing\",\"content_index\":0,\"audio_end_ms\":5}", wire.Json);

        // Sent again, the model keeps its id (now the string read above): the same id on the wire, the same correlation.
        Assert.True(await session.SendAsync(truncate) == sent);
        int errorsRead = 0;
        List<RealtimeServerEvent> events = await ReadUntilAsync(session.ReadEventsAsync(), e => e.IsError && ++errorsRead == 2);
        Assert.Equal(2, events.Count(e => e.IsError && e.AsError().Error.EventId == id));
        Assert.All(session.Errors, e => Assert.Equal("conversation.item.truncate", e.ClientEventType));
    }

    [Fact(Timeout = 30000)]
    public async Task UpdateSessionAsync_throws_the_error_the_server_answers_with()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        using RealtimeClient client = CreateClient(simulator);
        await using RealtimeTranscriptionSession session = await client.ConnectTranscriptionAsync();
        RealtimeErrorException error = await Assert.ThrowsAsync<RealtimeErrorException>(() => session.CommitAndWaitAsync().WaitAsync(Patience));
        Assert.Equal("input_audio_buffer_commit_empty", error.Code);
        Assert.Equal("input_audio_buffer.commit", error.ClientEventType);
    }
}
