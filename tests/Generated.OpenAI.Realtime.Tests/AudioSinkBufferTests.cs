using System;
using System.Buffers;
using System.Text;
using System.Threading.Tasks;
using Generated.OpenAI.Simulator;
using Xunit;
using static Generated.OpenAI.Realtime.Tests.TestSupport;

namespace Generated.OpenAI.Realtime.Tests;

/// <summary>
/// The PCM an <see cref="RealtimeSessionOptions.AudioSink"/> borrows is decoded into a buffer of the thread that runs the
/// step (one per thread, so that at hundreds of sessions it stays in the cache): while a sink holds it, a step of another
/// session on the same thread (a sink that drives one) must decode elsewhere, never over the PCM being borrowed.
/// </summary>
public sealed class AudioSinkBufferTests
{
    [Fact(Timeout = 30000)]
    public async Task A_step_inside_a_sink_does_not_decode_over_the_pcm_the_sink_borrows()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        using RealtimeClient client = CreateClient(simulator);
        byte[] outerPcm = SampleAudio.CreatePcm16(TimeSpan.FromMilliseconds(20));
        byte[] innerPcm = new byte[outerPcm.Length];
        new Random(7).NextBytes(innerPcm);
        ReadOnlySequence<byte> outerDelta = Delta(outerPcm);
        ReadOnlySequence<byte> innerDelta = Delta(innerPcm);

        byte[]? innerSeen = null;
        await using RealtimeVoiceSession inner = await client.ConnectVoiceAgentAsync(options: new RealtimeSessionOptions
        {
            AudioSink = pcm => innerSeen = pcm.ToArray(),
        });
        byte[]? outerBefore = null;
        byte[]? outerAfter = null;
        await using RealtimeVoiceSession outer = await client.ConnectVoiceAgentAsync(options: new RealtimeSessionOptions
        {
            AudioSink = pcm =>
            {
                outerBefore = pcm.ToArray();
                Assert.Null(inner.ProcessMessage(innerDelta)); // the inner session's step, on this thread, inside this call
                outerAfter = pcm.ToArray();
            },
        });

        for (int i = 0; i < 3; i++) // the first step makes the thread's buffer; the later ones reuse it
        {
            Assert.Null(outer.ProcessMessage(outerDelta));
            Assert.Equal(outerPcm, outerBefore);
            Assert.Equal(outerPcm, outerAfter);
            Assert.Equal(innerPcm, innerSeen);
        }

        Assert.Equal(3L * outerPcm.Length, outer.AudioBytesReceived);
        Assert.Equal(3L * innerPcm.Length, inner.AudioBytesReceived);
    }

    private static ReadOnlySequence<byte> Delta(byte[] pcm)
        => new(Encoding.UTF8.GetBytes("{\"type\":\"response.output_audio.delta\",\"event_id\":\"event_1\",\"response_id\":\"resp_1\",\"item_id\":\"item_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"" + Convert.ToBase64String(pcm) + "\"}"));
}
