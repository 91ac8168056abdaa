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

public sealed class TranslationSessionTests
{
    [Fact(Timeout = 30000)]
    public async Task Audio_is_sent_in_200_ms_chunks_translated_back_and_close_waits_for_session_closed()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        using RealtimeClient client = CreateClient(simulator);
        var translated = new MemoryStream();
        await using Generated.OpenAI.Realtime.RealtimeTranslationSession session =
            await client.ConnectTranslationAsync(options: new RealtimeSessionOptions { AudioSink = pcm => translated.Write(pcm) });
        await session.SetLanguageAsync("fr");

        byte[] input = SampleAudio.CreatePcm16(TimeSpan.FromSeconds(1.1));
        await session.SendAudioAsync(new MemoryStream(input));
        await session.CloseAsync().WaitAsync(Patience);
        Assert.True(session.OutputFlushed);
        List<RealtimeTranslationServerEvent> events = [];
        await foreach (RealtimeTranslationServerEvent e in session.ReadEventsAsync())
        {
            events.Add(e);
        }

        await session.Completion.WaitAsync(Patience);
        Assert.Null(session.TerminalException);

        RealtimeHandshake handshake = simulator.Handshakes.Single();
        Assert.Equal("/v1/realtime/translations", handshake.Path);
        Assert.Equal("?model=gpt-realtime-translate", handshake.QueryString);

        List<RealtimeClientMessage> messages = Messages(simulator);
        string updateId = Json(messages[0].Json).GetProperty("event_id").GetString()!;
        Assert.Equal("{\"event_id\":\"" + updateId + "\",\"type\":\"session.update\",\"session\":{\"audio\":{\"output\":{\"language\":\"fr\"}}}}", messages[0].Json);
        List<RealtimeClientMessage> appends = messages.Where(m => m.Type == "session.input_audio_buffer.append").ToList();
        Assert.Equal(6, appends.Count);
        Assert.All(appends.Take(5), m => Assert.Equal(9600, Convert.FromBase64String(Json(m.Json).GetProperty("audio").GetString()!).Length));
        Assert.Equal("session.close", messages[^1].Type);

        // The simulator's translation is deterministic; the sink got it byte for byte.
        Assert.Equal(RealtimeSimulator.SimulateTranslation(input), translated.ToArray());
        Assert.Equal(string.Concat(Enumerable.Range(1, 6).Select(i => SimulatedText.TranslationOutput("fr", i))), session.OutputTranscript);
        Assert.Equal(string.Concat(Enumerable.Range(1, 6).Select(i => SimulatedText.TranslationInput(i))), session.InputTranscript);

        string[] kinds = Kinds(events);
        Assert.Equal(["SessionCreated", "SessionUpdated"], kinds.Take(2));
        Assert.Equal("SessionClosed", kinds[^1]);
        Assert.Equal(12, kinds.Count(k => k is "SessionOutputTranscriptDelta" or "SessionInputTranscriptDelta"));
        Assert.DoesNotContain("SessionOutputAudioDelta", kinds);
    }

    [Fact(Timeout = 30000)]
    public async Task A_bad_language_is_a_typed_error()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        using RealtimeClient client = CreateClient(simulator);
        await using Generated.OpenAI.Realtime.RealtimeTranslationSession session = await client.ConnectTranslationAsync();
        var request = new RealtimeTranslationSessionUpdate
        {
            Audio = new RealtimeTranslationSessionUpdateAudio { Output = new RealtimeTranslationSessionUpdateAudioOutput { Language = " " } },
        };
        RealtimeErrorException error = await Assert.ThrowsAsync<RealtimeErrorException>(() => session.UpdateSessionAsync(request).WaitAsync(Patience));
        Assert.Equal("session.audio.output.language", error.Param);
        Assert.Equal("session.update", error.ClientEventType);
    }
}
