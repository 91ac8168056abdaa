using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Extensions.AI.Realtime;
using Generated.OpenAI.Http;
using Generated.OpenAI.Models;
using Generated.OpenAI.Realtime;
using Generated.OpenAI.Simulator;
using Microsoft.Extensions.AI;
using Xunit;
using TextContent = Microsoft.Extensions.AI.TextContent;
using MeaiItem = Microsoft.Extensions.AI.RealtimeConversationItem;
using MeaiSessionKind = Microsoft.Extensions.AI.RealtimeSessionKind;
using RealtimeClientMessage = Microsoft.Extensions.AI.RealtimeClientMessage;
using MeaiSessionOptions = Microsoft.Extensions.AI.RealtimeSessionOptions;
using SdkSessionOptions = Generated.OpenAI.Realtime.RealtimeSessionOptions;

namespace Generated.OpenAI.Extensions.AI.Tests;

/// <summary>The <see cref="IRealtimeClient"/> adapter against the realtime simulator, through MEAI's <c>FunctionInvokingRealtimeClient</c>.</summary>
public sealed class RealtimeClientAdapterTests
{
    private const int TimeLimit = 30_000;
    private const int OneSecondOfPcm16 = 48_000;

    private static RealtimeClient Client(RealtimeSimulator simulator) =>
        new(new OpenAIClientOptions { ApiKey = "sk-meai-realtime", BaseUrl = simulator.BaseUrl, MaxRetries = 0 });

    private static CancellationToken Limit() => new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token;

    /// <summary>Reads messages until <paramref name="stop"/> has accepted <paramref name="count"/> of them.</summary>
    private static async Task<List<RealtimeServerMessage>> ReadUntilAsync(IRealtimeClientSession session, Func<RealtimeServerMessage, bool> stop, int count, CancellationToken cancellationToken)
    {
        var messages = new List<RealtimeServerMessage>();
        await foreach (RealtimeServerMessage message in session.GetStreamingResponseAsync(cancellationToken))
        {
            messages.Add(message);
            if (stop(message) && --count == 0)
            {
                return messages;
            }
        }

        throw new InvalidOperationException("The session ended before the expected message.");
    }

    private static JsonElement[] Sent(RealtimeSimulator simulator, string type) =>
        simulator.ClientMessages.Where(m => m.Type == type).Select(m => JsonDocument.Parse(m.Json).RootElement.Clone()).ToArray();

    private static byte[] Audio(IEnumerable<RealtimeServerMessage> messages) =>
        messages.OfType<OutputTextAudioRealtimeServerMessage>().Where(m => m.Type == RealtimeServerMessageType.OutputAudioDelta).SelectMany(m => Convert.FromBase64String(m.Audio!)).ToArray();

    [Fact(Timeout = TimeLimit)]
    public async Task FunctionInvokingRealtimeClient_calls_the_tool_and_the_models_spoken_answer_arrives_as_audio_and_transcript()
    {
        CancellationToken limit = Limit();
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        using RealtimeClient realtime = Client(simulator);
        var locations = new List<string>();
        AIFunction weather = AIFunctionFactory.Create((string location) => { locations.Add(location); return $"Sunny in {location}"; }, "get_weather", "Gets the weather.");
        using IRealtimeClient client = realtime.AsIRealtimeClient("gpt-realtime-2").AsBuilder().UseFunctionInvocation().Build();
        var options = new MeaiSessionOptions { Instructions = "Be brief.", Tools = [weather], VoiceActivityDetection = new VoiceActivityDetectionOptions { Enabled = false } };
        await using IRealtimeClientSession session = await client.CreateSessionAsync(options, limit);

        await session.SendAsync(new CreateConversationItemRealtimeClientMessage(new MeaiItem([new TextContent("Weather in San Francisco?")], role: ChatRole.User)), limit);
        await session.SendAsync(new CreateResponseRealtimeClientMessage(), limit);
        List<RealtimeServerMessage> messages = await ReadUntilAsync(session, m => m.Type == RealtimeServerMessageType.ResponseDone, 2, limit);

        // The simulator calls get_weather with {"location":"San Francisco"}; MEAI ran it once.
        Assert.Equal(["San Francisco"], locations);
        int firstDone = messages.FindIndex(m => m.Type == RealtimeServerMessageType.ResponseDone);
        var call = Assert.IsType<ResponseOutputItemRealtimeServerMessage>(messages[firstDone - 1]);
        Assert.Equal(RealtimeServerMessageType.ResponseOutputItemDone, call.Type);
        FunctionCallContent content = Assert.IsType<FunctionCallContent>(Assert.Single(call.Item!.Contents));
        Assert.Equal(("get_weather", "San Francisco"), (content.Name, content.Arguments!["location"]?.ToString()));
        Assert.IsType<RealtimeServerEvent>(call.RawRepresentation);
        Assert.Single(messages, m => m.Type == RealtimeServerMessageType.ResponseOutputItemDone && ((ResponseOutputItemRealtimeServerMessage)m).Item!.Contents.OfType<FunctionCallContent>().Any());

        // The tool's output went back as a function_call_output item, then response.create.
        JsonElement output = Sent(simulator, "conversation.item.create").Select(e => e.GetProperty("item")).Single(i => i.GetProperty("type").GetString() == "function_call_output");
        Assert.Equal((content.CallId, "\"Sunny in San Francisco\""), (output.GetProperty("call_id").GetString(), output.GetProperty("output").GetString()));
        Assert.Equal(2, Sent(simulator, "response.create").Length);

        // The spoken answer: one second of audio and its transcript, in the second response.
        List<RealtimeServerMessage> answer = messages[(firstDone + 1)..];
        Assert.Equal(OneSecondOfPcm16, Audio(answer).Length);
        string transcript = string.Concat(answer.OfType<OutputTextAudioRealtimeServerMessage>().Where(m => m.Type == RealtimeServerMessageType.OutputAudioTranscriptionDelta).Select(m => m.Text));
        Assert.Equal("The get_weather function returned \"Sunny in San Francisco\"", transcript);
        Assert.Equal(transcript, answer.OfType<OutputTextAudioRealtimeServerMessage>().Single(m => m.Type == RealtimeServerMessageType.OutputAudioTranscriptionDone).Text);
        var done = Assert.IsType<ResponseCreatedRealtimeServerMessage>(messages[^1]);
        Assert.Equal(Microsoft.Extensions.AI.RealtimeResponseStatus.Completed, done.Status);
        Assert.True(done.Usage!.OutputTokenCount > 0);
        Assert.Contains(done.Items!, i => i.Role == ChatRole.Assistant && i.Contents.OfType<TextContent>().Any(t => t.Text == transcript));

        // The session.update carried the instructions, the tool's definition, and turn detection off.
        JsonElement update = Sent(simulator, "session.update").Single().GetProperty("session");
        Assert.Equal("Be brief.", update.GetProperty("instructions").GetString());
        JsonElement tool = update.GetProperty("tools").EnumerateArray().Single();
        Assert.Equal(("function", "get_weather", "string"), (tool.GetProperty("type").GetString(), tool.GetProperty("name").GetString(), tool.GetProperty("parameters").GetProperty("properties").GetProperty("location").GetProperty("type").GetString()));
        Assert.Equal(JsonValueKind.Null, update.GetProperty("audio").GetProperty("input").GetProperty("turn_detection").ValueKind);

        Assert.IsType<RealtimeVoiceSession>(session.GetService<RealtimeVoiceSession>());
        Assert.NotNull(session.GetService<RealtimeClientSessionAdapter>());
        Assert.Same(options, session.Options);
        Assert.Same(realtime, client.GetService<RealtimeClient>());
        Assert.Equal("openai", client.GetService<ChatClientMetadata>()!.ProviderName);
    }

    [Fact(Timeout = TimeLimit)]
    public async Task Audio_appended_through_MEAI_is_committed_and_the_model_answers_with_it_byte_for_byte()
    {
        CancellationToken limit = Limit();
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        using RealtimeClient realtime = Client(simulator);
        using IRealtimeClient client = realtime.AsIRealtimeClient();
        await using IRealtimeClientSession session = await client.CreateSessionAsync(new MeaiSessionOptions
        {
            VoiceActivityDetection = new VoiceActivityDetectionOptions { Enabled = false },
            InputAudioFormat = new RealtimeAudioFormat("audio/pcm", 24000),
            OutputAudioFormat = new RealtimeAudioFormat("audio/pcm", 24000),
        }, limit);
        byte[] pcm = new byte[OneSecondOfPcm16];
        for (int i = 0; i < pcm.Length; i++)
        {
            pcm[i] = (byte)(i * 7);
        }

        for (int offset = 0; offset < pcm.Length; offset += 4_800)
        {
            await session.SendAsync(new InputAudioBufferAppendRealtimeClientMessage(new DataContent(pcm.AsMemory(offset, 4_800), "audio/pcm")), limit);
        }

        await session.SendAsync(new InputAudioBufferCommitRealtimeClientMessage(), limit);
        await session.SendAsync(new CreateResponseRealtimeClientMessage { OutputModalities = ["audio"], Instructions = "Repeat it." }, limit);
        List<RealtimeServerMessage> messages = await ReadUntilAsync(session, m => m.Type == RealtimeServerMessageType.ResponseDone, 1, limit);

        // The simulator echoes the committed audio and says how much it heard.
        Assert.Equal(pcm, Audio(messages));
        Assert.Equal("I heard 1.00 seconds of audio.", messages.OfType<OutputTextAudioRealtimeServerMessage>().Single(m => m.Type == RealtimeServerMessageType.OutputAudioTranscriptionDone).Text);
        Assert.Equal(10, Sent(simulator, "input_audio_buffer.append").Length);
        JsonElement create = Sent(simulator, "response.create").Single().GetProperty("response");
        Assert.Equal(("Repeat it.", "audio"), (create.GetProperty("instructions").GetString(), create.GetProperty("output_modalities")[0].GetString()));
        JsonElement format = Sent(simulator, "session.update").Single().GetProperty("session").GetProperty("audio").GetProperty("input").GetProperty("format");
        Assert.Equal(("audio/pcm", 24000), (format.GetProperty("type").GetString(), format.GetProperty("rate").GetInt32()));
        Assert.Contains(messages, m => m.Type == RealtimeServerMessageType.ConversationItemDone);
    }

    [Fact(Timeout = TimeLimit)]
    public async Task With_an_AudioSink_the_models_audio_goes_to_the_sink_and_not_into_MEAI_messages()
    {
        CancellationToken limit = Limit();
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        using RealtimeClient realtime = Client(simulator);
        long sunk = 0;
        using IRealtimeClient client = realtime.AsIRealtimeClient(sessionOptions: new SdkSessionOptions { AudioSink = pcm16 => Interlocked.Add(ref sunk, pcm16.Length) });
        await using IRealtimeClientSession session = await client.CreateSessionAsync(cancellationToken: limit);

        await session.SendAsync(new CreateResponseRealtimeClientMessage(), limit);
        List<RealtimeServerMessage> messages = await ReadUntilAsync(session, m => m.Type == RealtimeServerMessageType.ResponseDone, 1, limit);

        Assert.Equal(OneSecondOfPcm16, Interlocked.Read(ref sunk));
        Assert.DoesNotContain(messages, m => m.Type == RealtimeServerMessageType.OutputAudioDelta);
        Assert.Equal("Hello from the realtime simulator.", messages.OfType<OutputTextAudioRealtimeServerMessage>().Single(m => m.Type == RealtimeServerMessageType.OutputAudioTranscriptionDone).Text);
        Assert.Null(session.Options);
    }

    [Fact(Timeout = TimeLimit)]
    public async Task A_transcription_session_kind_opens_a_transcription_session_and_the_transcript_arrives()
    {
        CancellationToken limit = Limit();
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        using RealtimeClient realtime = Client(simulator);
        using IRealtimeClient client = realtime.AsIRealtimeClient();
        await using IRealtimeClientSession session = await client.CreateSessionAsync(new MeaiSessionOptions
        {
            SessionKind = MeaiSessionKind.Transcription,
            InputAudioFormat = new RealtimeAudioFormat("audio/pcm", 24000),
            TranscriptionOptions = new TranscriptionOptions { ModelId = "gpt-4o-transcribe", SpeechLanguage = "en" },
            VoiceActivityDetection = new VoiceActivityDetectionOptions { Enabled = false },
        }, limit);

        await session.SendAsync(new InputAudioBufferAppendRealtimeClientMessage(new DataContent(new byte[OneSecondOfPcm16], "audio/pcm")), limit);
        await session.SendAsync(new InputAudioBufferCommitRealtimeClientMessage(), limit);
        List<RealtimeServerMessage> messages = await ReadUntilAsync(session, m => m.Type == RealtimeServerMessageType.InputAudioTranscriptionCompleted, 1, limit);

        var completed = Assert.IsType<InputAudioTranscriptionRealtimeServerMessage>(messages[^1]);
        Assert.False(string.IsNullOrEmpty(completed.Transcription));
        Assert.Equal(completed.Transcription, string.Concat(messages.OfType<InputAudioTranscriptionRealtimeServerMessage>().Where(m => m.Type == RealtimeServerMessageType.InputAudioTranscriptionDelta).Select(m => m.Transcription)));
        Assert.NotNull(session.GetService<RealtimeTranscriptionSession>());
        Assert.Null(session.GetService<RealtimeVoiceSession>());
        Assert.Equal(Simulator.RealtimeSessionKind.Transcription, simulator.Handshakes[^1].Kind);
        Assert.Contains("intent=transcription", simulator.Handshakes[^1].QueryString, StringComparison.Ordinal);
        JsonElement transcription = Sent(simulator, "session.update").Single().GetProperty("session").GetProperty("audio").GetProperty("input").GetProperty("transcription");
        Assert.Equal(("gpt-4o-transcribe", "en"), (transcription.GetProperty("model").GetString(), transcription.GetProperty("language").GetString()));
    }

    [Fact(Timeout = TimeLimit)]
    public async Task A_server_error_is_an_ErrorRealtimeServerMessage_naming_the_message_that_caused_it()
    {
        CancellationToken limit = Limit();
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        using RealtimeClient realtime = Client(simulator);
        using IRealtimeClient client = realtime.AsIRealtimeClient();
        await using IRealtimeClientSession session = await client.CreateSessionAsync(cancellationToken: limit);

        // No response is in flight, so the cancel is refused; the raw event goes as it is.
        await session.SendAsync(new RealtimeClientMessage { RawRepresentation = (RealtimeClientEvent)new RealtimeClientEventResponseCancel { EventId = "evt_meai_cancel" } }, limit);
        List<RealtimeServerMessage> messages = await ReadUntilAsync(session, m => m.Type == RealtimeServerMessageType.Error, 1, limit);

        var error = Assert.IsType<ErrorRealtimeServerMessage>(messages[^1]);
        Assert.Equal(("response_cancel_not_active", "evt_meai_cancel"), (error.Error!.ErrorCode, error.OriginatingMessageId));
        Assert.IsType<RealtimeServerEvent>(error.RawRepresentation);
        Assert.All(messages, m => Assert.NotNull(m.RawRepresentation));
        await Assert.ThrowsAsync<NotSupportedException>(() => session.SendAsync(new RealtimeClientMessage(), limit));
    }
}
