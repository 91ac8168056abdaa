using System;
using System.Buffers;
using System.Text;
using System.Threading.Tasks;
using Generated.OpenAI.Simulator;
using Xunit;
using Xunit.Abstractions;
using static Generated.OpenAI.Realtime.Tests.TestSupport;

namespace Generated.OpenAI.Realtime.Tests;

public sealed class AudioSinkAllocationTests(ITestOutputHelper output)
{
    [Theory(Timeout = 30000)]
    [InlineData(0)]
    [InlineData(4096)]
    [InlineData(1)]
    public async Task The_sink_path_allocates_nothing_per_audio_delta(int segmentSize)
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        using RealtimeClient client = CreateClient(simulator);
        long decoded = 0;
        byte[] last = new byte[SampleAudio.BytesPer100Milliseconds];
        await using RealtimeVoiceSession session = await client.ConnectVoiceAgentAsync(options: new RealtimeSessionOptions
        {
            AudioSink = pcm =>
            {
                decoded += pcm.Length;
                pcm.CopyTo(last);
            },
        });
        Assert.NotNull(await session.ReadEventAsync().AsTask().WaitAsync(Patience)); // session.created: the loop is idle now

        byte[] pcm = SampleAudio.CreatePcm16(TimeSpan.FromMilliseconds(100));
        byte[] json = Encoding.UTF8.GetBytes("{\"type\":\"response.output_audio.delta\",\"event_id\":\"event_1\",\"response_id\":\"resp_1\",\"item_id\":\"item_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"" + Convert.ToBase64String(pcm) + "\"}");
        ReadOnlySequence<byte> payload = segmentSize == 0 ? new ReadOnlySequence<byte>(json) : Segmented(json, segmentSize);
        int iterations = segmentSize == 1 ? 200 : 5000;

        for (int i = 0; i < 100; i++)
        {
            session.ProcessMessage(payload); // warm up (JIT, pools)
        }

        decoded = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < iterations; i++)
        {
            session.ProcessMessage(payload);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"segments of {segmentSize}: {allocated} bytes allocated over {iterations} deltas of {pcm.Length} PCM bytes");
        Assert.Equal(0, allocated);
        Assert.Equal((long)iterations * pcm.Length, decoded);
        Assert.Equal(pcm, last);
        Assert.Equal((long)(iterations + 100) * pcm.Length, session.AudioBytesReceived);
    }
}
