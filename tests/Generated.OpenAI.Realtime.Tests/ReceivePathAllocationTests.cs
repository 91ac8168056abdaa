using System;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Http;
using Generated.OpenAI.Simulator;
using Xunit;
using Xunit.Abstractions;

namespace Generated.OpenAI.Realtime.Tests;

/// <summary>
/// The whole receive path (socket, frame parser, receive loop, audio sink) measured process-wide while a raw
/// loopback server writes pre-built frames, so that nothing but the client runs during the measurement.
/// Runs alone (a non-parallel collection): the count is process-wide.
/// </summary>
[Collection(TimingSensitiveCollection.Name)]
public sealed class ReceivePathAllocationTests(ITestOutputHelper output)
{
    private const int WarmUp = 200;
    private const int Measured = 2000;
    private const int Rounds = 2;

    [Theory(Timeout = 30000)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Receiving_audio_deltas_into_the_sink_allocates_almost_nothing_end_to_end(bool listen)
    {
        // With listen, every realtime instrument is enabled and the realtime activity source sampled: each delta then
        // records its audio seconds and the wire bytes of its frame.
        long measurements = 0;
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
            meterListener.SetMeasurementEventCallback<double>((_, _, _, _) => Interlocked.Increment(ref measurements));
            meterListener.SetMeasurementEventCallback<long>((_, _, _, _) => Interlocked.Increment(ref measurements));
            meterListener.Start();
            ActivitySource.AddActivityListener(activityListener);
        }

        byte[] pcm = SampleAudio.CreatePcm16(TimeSpan.FromMilliseconds(100));
        byte[] json = Encoding.UTF8.GetBytes("{\"type\":\"response.output_audio.delta\",\"event_id\":\"event_1\",\"response_id\":\"resp_1\",\"item_id\":\"item_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"" + Convert.ToBase64String(pcm) + "\"}");
        byte[] warmUpFrames = Frames(json, WarmUp);
        byte[] measuredFrames = Frames(json, Measured);

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var sendMeasured = new SemaphoreSlim(0);
        Task server = Task.Run(async () =>
        {
            using TcpClient tcp = await listener.AcceptTcpClientAsync();
            NetworkStream stream = tcp.GetStream();
            string request = await ReadHeadersAsync(stream);
            string key = Header(request, "Sec-WebSocket-Key");
            string accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"));
            await stream.WriteAsync(warmUpFrames);
            for (int round = 0; round < Rounds; round++)
            {
                await sendMeasured.WaitAsync();
                stream.Write(measuredFrames);
            }

            await sendMeasured.WaitAsync();
            stream.Write([0x88, 0x02, 0x03, 0xE8]); // close 1000
            await Task.Delay(500);
        });

        long received = 0;
        using var warmedUp = new ManualResetEventSlim();
        using var finished = new SemaphoreSlim(0);
        long lastCheck = 0;
        using var client = new RealtimeClient(new OpenAIClientOptions { ApiKey = "sk-test", BaseUrl = new Uri($"http://127.0.0.1:{port}/v1") });
        await using RealtimeVoiceSession session = await client.ConnectVoiceAgentAsync(options: new RealtimeSessionOptions
        {
            KeepAliveInterval = TimeSpan.Zero,
            AudioSink = audio =>
            {
                lastCheck = audio[^1];
                long count = ++received;
                if (count == WarmUp)
                {
                    warmedUp.Set();
                }
                else if (count > WarmUp && (count - WarmUp) % Measured == 0)
                {
                    finished.Release();
                }
            },
        });

        Assert.True(warmedUp.Wait(TimeSpan.FromSeconds(10)));
        // The count is process-wide, so a one-off allocation on another thread (a timer, a thread-pool worker left by an
        // earlier test) can land in a window: measure two windows and keep the smaller.
        long allocated = long.MaxValue;
        for (int round = 0; round < Rounds; round++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            sendMeasured.Release();
            Assert.True(finished.Wait(TimeSpan.FromSeconds(10)));
            allocated = Math.Min(allocated, GC.GetTotalAllocatedBytes(precise: true) - before);
        }

        sendMeasured.Release();
        await server.WaitAsync(TimeSpan.FromSeconds(10));

        double perDelta = allocated / (double)Measured;
        output.WriteLine($"listeners {(listen ? "attached" : "none")}: {allocated} bytes allocated process-wide for {Measured} deltas of {pcm.Length} PCM bytes ({json.Length} JSON bytes): {perDelta:0.0} B/delta; {measurements} measurements");
        Assert.True(listen ? measurements >= 2L * (WarmUp + (Rounds * Measured)) : measurements == 0, $"{measurements} measurements");
        Assert.Equal(pcm[^1], lastCheck);
        Assert.Equal((long)(WarmUp + (Rounds * Measured)) * pcm.Length, session.AudioBytesReceived);
        Assert.True(perDelta < 64, $"{perDelta:0.0} bytes per delta");
    }

    private static byte[] Frames(byte[] payload, int count)
    {
        var frames = new MemoryStream();
        for (int i = 0; i < count; i++)
        {
            frames.WriteByte(0x81);
            frames.WriteByte(126);
            frames.WriteByte((byte)(payload.Length >> 8));
            frames.WriteByte((byte)payload.Length);
            frames.Write(payload);
        }

        return frames.ToArray();
    }

    private static async Task<string> ReadHeadersAsync(Stream stream)
    {
        var buffer = new MemoryStream();
        byte[] one = new byte[1];
        while (!buffer.ToArray().AsSpan().EndsWith("\r\n\r\n"u8))
        {
            if (await stream.ReadAsync(one) == 0)
            {
                throw new EndOfStreamException();
            }

            buffer.WriteByte(one[0]);
        }

        return Encoding.ASCII.GetString(buffer.ToArray());
    }

    private static string Header(string request, string name)
    {
        foreach (string line in request.Split("\r\n"))
        {
            if (line.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
            {
                return line[(name.Length + 1)..].Trim();
            }
        }

        throw new InvalidDataException($"No {name} header.");
    }
}

/// <summary>Tests that measure time or process-wide allocation: they run after every parallel test, alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingSensitiveCollection
{
    /// <summary>The collection name.</summary>
    public const string Name = "Timing-sensitive";
}
