using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Http;
using Generated.OpenAI.Runtime.Tests.WebSockets;
using Generated.OpenAI.Simulator;
using Xunit;
using Xunit.Abstractions;

namespace Generated.OpenAI.Realtime.Tests;

/// <summary>
/// <c>SendAudioAsync</c> of a session end to end (append event, frame, mask, socket), to a raw server that drains
/// what it receives, without and with a MeterListener and an ActivityListener attached. Runs alone: the count is process-wide.
/// </summary>
[Collection(TimingSensitiveCollection.Name)]
public sealed class SendPathAllocationTests(ITestOutputHelper output)
{
    private const int Iterations = 1000;

    [Theory(Timeout = 30000)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Sending_audio_appends_allocates_almost_nothing_end_to_end(bool listen)
    {
        double measuredSeconds = 0;
        using var meterListener = new MeterListener();
        using var activityListener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == RealtimeTelemetry.ActivitySourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        await using var server = new RawWebSocketServer();
        int port = server.Uri.Port;
        if (listen)
        {
            meterListener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == RealtimeTelemetry.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            meterListener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
            {
                if (instrument.Name == RealtimeTelemetry.AudioDurationInstrument && HasPort(tags, port))
                {
                    measuredSeconds += value;
                }
            });
            meterListener.SetMeasurementEventCallback<long>((_, _, _, _) => { });
            meterListener.Start();
            ActivitySource.AddActivityListener(activityListener);
        }

        using var client = new RealtimeClient(new OpenAIClientOptions { ApiKey = "sk-test", BaseUrl = new Uri($"http://127.0.0.1:{port}/v1") });
        Task<RealtimeVoiceSession> connecting = client.ConnectVoiceAgentAsync(options: new RealtimeSessionOptions { KeepAliveInterval = TimeSpan.Zero });
        await using RawServerConnection connection = await server.AcceptAsync();
        await using RealtimeVoiceSession session = await connecting;
        using var stop = new CancellationTokenSource();
        Task draining = Task.Run(() => connection.DrainAsync(stop.Token));

        ReadOnlyMemory<byte> pcm = SampleAudio.CreatePcm16(TimeSpan.FromMilliseconds(100));
        for (int i = 0; i < 100; i++)
        {
            await session.SendAudioAsync(pcm); // warm up (JIT, pools)
        }

        // Sends complete asynchronously when the socket is momentarily full, so the count is process-wide (this class
        // runs alone); a one-off allocation on another thread can land in a window, so the smallest of three is kept.
        long allocated = long.MaxValue;
        double seconds = 0;
        for (int round = 0; round < 3; round++)
        {
            measuredSeconds = 0;
            long before = GC.GetTotalAllocatedBytes(precise: true);
            for (int i = 0; i < Iterations; i++)
            {
                await session.SendAudioAsync(pcm);
            }

            allocated = Math.Min(allocated, GC.GetTotalAllocatedBytes(precise: true) - before);
            seconds = measuredSeconds;
        }

        await stop.CancelAsync();
        await draining.WaitAsync(TimeSpan.FromSeconds(10));
        double perAppend = allocated / (double)Iterations;
        output.WriteLine($"listeners {(listen ? "attached" : "none")}: {allocated} bytes allocated process-wide over {Iterations} appends of {pcm.Length} PCM bytes: {perAppend:0.00} B/append");
        Assert.True(perAppend < 8, $"{perAppend:0.00} bytes per append");
        Assert.Equal(listen ? Iterations * pcm.Length / (double)RealtimeAudio.BytesPerSecond : 0, seconds, 6);
    }

    private static bool HasPort(ReadOnlySpan<KeyValuePair<string, object?>> tags, int port)
    {
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            if (tag.Key == "server.port" && tag.Value is int p && p == port)
            {
                return true;
            }
        }

        return false;
    }
}
