using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Generated.OpenAI.Models;
using Generated.OpenAI.Simulator;
using Xunit;
using static Generated.OpenAI.Realtime.Tests.TestSupport;

namespace Generated.OpenAI.Realtime.Tests;

public sealed class TranscriptionSessionTests
{
    [Fact(Timeout = 30000)]
    public async Task Committed_audio_is_transcribed_per_item_with_the_exact_json_sent()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        using RealtimeClient client = CreateClient(simulator);
        await using RealtimeTranscriptionSession session = await client.ConnectTranscriptionAsync();
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
        });

        byte[] first = SampleAudio.CreatePcm16(TimeSpan.FromSeconds(1.5));
        await session.SendAudioAsync(new MemoryStream(first));
        RealtimeTranscript one = await session.CommitAndWaitAsync().WaitAsync(Patience);
        byte[] second = SampleAudio.CreatePcm16(TimeSpan.FromSeconds(0.5));
        await session.SendAudioAsync(second);
        RealtimeTranscript two = await session.CommitAndWaitAsync().WaitAsync(Patience);

        Assert.Equal(SimulatedText.Transcript(1, first.Length), one.Text);
        Assert.Equal(SimulatedText.Transcript(2, second.Length), two.Text);
        Assert.NotEqual(one.ItemId, two.ItemId);
        Assert.Equal([one.Text, two.Text], session.Transcripts.Transcripts.Select(t => t.Text));
        Assert.All(session.Transcripts.Transcripts, t => Assert.True(t.IsFinal));

        RealtimeHandshake handshake = simulator.Handshakes.Single();
        Assert.Equal(RealtimeSessionKind.Transcription, handshake.Kind);
        Assert.Equal("?intent=transcription", handshake.QueryString);

        List<RealtimeClientMessage> messages = Messages(simulator);
        string updateId = Json(messages[0].Json).GetProperty("event_id").GetString()!;
        Assert.Equal(
            "{\"event_id\":\"" + updateId + "\",\"type\":\"session.update\",\"session\":{\"type\":\"transcription\",\"audio\":{\"input\":{\"format\":{\"type\":\"audio/pcm\",\"rate\":24000},\"transcription\":{\"model\":\"gpt-realtime-whisper\",\"language\":\"en\"},\"turn_detection\":null}}}}",
            messages[0].Json);
        Assert.Equal(1 + 15 + 1 + 1 + 1, messages.Count); // update, 15 x 100 ms appends, commit, one 0.5 s append, commit
        Assert.Equal(["input_audio_buffer.commit", "input_audio_buffer.append", "input_audio_buffer.commit"], messages.TakeLast(3).Select(m => m.Type));
        Assert.Equal([.. first, .. second], simulator.GetReceivedAudio(handshake.ConnectionId));

        List<RealtimeServerEvent> events = await ReadUntilAsync(session.ReadEventsAsync(), e => e.IsConversationItemInputAudioTranscriptionCompleted && e.AsConversationItemInputAudioTranscriptionCompleted().ItemId == two.ItemId);
        string[] kinds = Kinds(events);
        Assert.Equal(["SessionCreated", "SessionUpdated", "InputAudioBufferCommitted"], kinds.Take(3));
        Assert.Equal(2, kinds.Count(k => k == "ConversationItemInputAudioTranscriptionCompleted"));
        Assert.All(kinds.Skip(3).TakeWhile(k => k != "ConversationItemInputAudioTranscriptionCompleted"), k => Assert.Equal("ConversationItemInputAudioTranscriptionDelta", k));
        string joined = string.Concat(events.Where(e => e.IsConversationItemInputAudioTranscriptionDelta && e.AsConversationItemInputAudioTranscriptionDelta().ItemId == one.ItemId).Select(e => e.AsConversationItemInputAudioTranscriptionDelta().Delta));
        Assert.Equal(one.Text, joined);
    }
}
