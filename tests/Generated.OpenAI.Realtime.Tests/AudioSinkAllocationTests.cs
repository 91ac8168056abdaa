using System;
using System.Buffers;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using System.Threading.Tasks;
using Generated.OpenAI.Simulator;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Xunit;
using Xunit.Abstractions;
using static Generated.OpenAI.Realtime.Tests.TestSupport;

namespace Generated.OpenAI.Realtime.Tests;

// Alone, after the parallel tests: an OpenTelemetry MeterProvider that another test starts mid-measurement enables the
// realtime instruments, and its first measurement of a new series allocates that series (once, not per delta).
[Collection(TimingSensitiveCollection.Name)]
public sealed class AudioSinkAllocationTests(ITestOutputHelper output)
{
    [Theory(Timeout = 30000)]
    [InlineData(0)]
    [InlineData(4096)]
    [InlineData(1)]
    public async Task The_sink_path_allocates_nothing_per_audio_delta(int segmentSize) => await MeasureAsync(segmentSize, listen: false);

    /// <summary>
    /// The same with a MeterListener that enables every realtime instrument and an ActivityListener that samples the
    /// realtime source: each delta is then measured (audio seconds out), still without allocating.
    /// </summary>
    [Theory(Timeout = 30000)]
    [InlineData(0)]
    [InlineData(1)]
    public async Task The_sink_path_allocates_nothing_per_audio_delta_with_a_meter_and_an_activity_listener(int segmentSize) => await MeasureAsync(segmentSize, listen: true);

    /// <summary>
    /// The same with OpenTelemetry's SDK reading the realtime Meter and ActivitySource (as an app exports them): its
    /// aggregation of a known series allocates nothing either, and what it aggregated is what the sink received.
    /// </summary>
    [Theory(Timeout = 30000)]
    [InlineData(0)]
    [InlineData(1)]
    public async Task The_sink_path_allocates_nothing_per_audio_delta_with_OpenTelemetry_attached(int segmentSize)
    {
        var metrics = new List<MetricSnapshot>();
        using MeterProvider meterProvider = Sdk.CreateMeterProviderBuilder().AddMeter(RealtimeTelemetry.MeterName).AddInMemoryExporter(metrics).Build()!;
        using TracerProvider tracerProvider = Sdk.CreateTracerProviderBuilder().AddSource(RealtimeTelemetry.ActivitySourceName).AddInMemoryExporter(new List<Activity>()).Build()!;
        (int port, long expectedBytes) = await MeasureAsync(segmentSize, listen: false, listeners: "OpenTelemetry SDK");

        Assert.True(meterProvider.ForceFlush(10000));
        double seconds = 0;
        foreach (MetricPoint point in metrics.FindLast(m => m.Name == RealtimeTelemetry.AudioDurationInstrument)!.MetricPoints)
        {
            bool ours = false;
            bool outputPoint = false;
            foreach (KeyValuePair<string, object?> tag in point.Tags)
            {
                ours |= tag.Key == "server.port" && Equals(tag.Value, port);
                outputPoint |= tag.Key == "openai.realtime.audio.direction" && Equals(tag.Value, "output");
            }

            seconds += ours && outputPoint ? point.GetSumDouble() : 0;
        }

        Assert.Equal(expectedBytes / (double)RealtimeAudio.BytesPerSecond, seconds, 6);
    }

    /// <summary>
    /// The audio output path: each delta decoded straight into the app's buffer (an <see cref="IBufferWriter{T}"/>
    /// over a fixed ring, as a player keeps one), nothing allocated per delta, every sample where the player reads it.
    /// </summary>
    [Theory(Timeout = 30000)]
    [InlineData(0)]
    [InlineData(4096)]
    [InlineData(1)]
    public async Task The_audio_output_path_allocates_nothing_per_audio_delta_and_decodes_into_the_app_buffer(int segmentSize)
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        using RealtimeClient client = CreateClient(simulator);
        var player = new RingPlayer(4 * SampleAudio.BytesPer100Milliseconds);
        await using RealtimeVoiceSession session = await client.ConnectVoiceAgentAsync(options: new RealtimeSessionOptions { AudioOutput = player });
        Assert.NotNull(await session.ReadEventAsync().AsTask().WaitAsync(Patience)); // session.created: the loop is idle now

        byte[] pcm = SampleAudio.CreatePcm16(TimeSpan.FromMilliseconds(100));
        byte[] json = Encoding.UTF8.GetBytes("{\"type\":\"response.output_audio.delta\",\"event_id\":\"event_1\",\"response_id\":\"resp_1\",\"item_id\":\"item_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"" + Convert.ToBase64String(pcm) + "\"}");
        ReadOnlySequence<byte> payload = segmentSize == 0 ? new ReadOnlySequence<byte>(json) : Segmented(json, segmentSize);
        int iterations = segmentSize == 1 ? 200 : 5000;
        for (int i = 0; i < 100; i++)
        {
            Assert.Null(session.ProcessMessage(payload)); // warm up (JIT, pools)
        }

        long committedBefore = player.Committed;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < iterations; i++)
        {
            session.ProcessMessage(payload);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"audio output, segments of {segmentSize}: {allocated} bytes allocated over {iterations} deltas of {pcm.Length} PCM bytes");
        Assert.Equal(0, allocated);
        Assert.Equal((long)iterations * pcm.Length, player.Committed - committedBefore);
        Assert.Equal(pcm, player.LastCommitted.ToArray());
        Assert.Equal((long)(iterations + 100) * pcm.Length, session.AudioBytesReceived);
        Assert.Equal(0, session.InvalidAudioDeltas);
    }

    /// <summary>A player's ring buffer as an <see cref="IBufferWriter{T}"/>: room at the write position, or from the start when the end is too near.</summary>
    private sealed class RingPlayer(int capacity) : IBufferWriter<byte>
    {
        private readonly byte[] _ring = new byte[capacity];
        private int _position;
        private int _last;

        public long Committed { get; private set; }

        public ReadOnlySpan<byte> LastCommitted => _ring.AsSpan(_position - _last, _last);

        public void Advance(int count)
        {
            _position += count;
            _last = count;
            Committed += count;
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => _ring.AsMemory(Start(sizeHint));

        public Span<byte> GetSpan(int sizeHint = 0) => _ring.AsSpan(Start(sizeHint));

        private int Start(int sizeHint)
        {
            if (_ring.Length - _position < Math.Max(sizeHint, 1))
            {
                _position = 0; // the player has played what was there (this test's player keeps up)
            }

            return _position;
        }
    }

    private async Task<(int Port, long AudioBytes)> MeasureAsync(int segmentSize, bool listen, string? listeners = null)
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        int port = simulator.BaseUrl.Port;
        double measuredSeconds = 0;
        using var meterListener = new MeterListener();
        using var activityListener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == RealtimeTelemetry.ActivitySourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        if (listen)
        {
            meterListener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == RealtimeTelemetry.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            // Other tests record into the same Meter meanwhile: only this test's server counts.
            meterListener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
            {
                if (instrument.Name == RealtimeTelemetry.AudioDurationInstrument && IsOutputOf(tags, port))
                {
                    measuredSeconds += value;
                }
            });
            meterListener.SetMeasurementEventCallback<long>((_, _, _, _) => { });
            meterListener.Start();
            ActivitySource.AddActivityListener(activityListener);
        }

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
        measuredSeconds = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < iterations; i++)
        {
            session.ProcessMessage(payload);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"segments of {segmentSize}, listeners {listeners ?? (listen ? "MeterListener and ActivityListener" : "none")}: {allocated} bytes allocated over {iterations} deltas of {pcm.Length} PCM bytes");
        Assert.Equal(0, allocated);
        Assert.Equal(listen ? iterations * pcm.Length / (double)RealtimeAudio.BytesPerSecond : 0, measuredSeconds, 6);
        Assert.Equal((long)iterations * pcm.Length, decoded);
        Assert.Equal(pcm, last);
        Assert.Equal((long)(iterations + 100) * pcm.Length, session.AudioBytesReceived);
        return (port, session.AudioBytesReceived);
    }

    private static bool IsOutputOf(ReadOnlySpan<KeyValuePair<string, object?>> tags, int port)
    {
        bool output = false;
        bool ours = false;
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            output |= tag.Key == "openai.realtime.audio.direction" && (string?)tag.Value == "output";
            ours |= tag.Key == "server.port" && tag.Value is int p && p == port;
        }

        return output && ours;
    }
}
