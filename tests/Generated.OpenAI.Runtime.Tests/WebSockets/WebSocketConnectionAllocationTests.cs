using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Generated.OpenAI.Audio;
using Generated.OpenAI.Runtime.Tests.Audio;
using Generated.OpenAI.WebSockets;
using Xunit;
using Xunit.Abstractions;

namespace Generated.OpenAI.Runtime.Tests.WebSockets;

/// <summary>
/// Steady-state allocation of the hot paths, measured with <see cref="GC.GetAllocatedBytesForCurrentThread"/> over an
/// in-memory stream whose I/O completes synchronously, so every await completes inline on the test thread.
/// </summary>
public sealed class WebSocketConnectionAllocationTests
{
    private const int Iterations = 1_000;
    private const int PcmBytes = 4_800; // 100 ms of 24 kHz mono PCM16
    private readonly ITestOutputHelper _output;

    public WebSocketConnectionAllocationTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public async Task Audio_append_send_allocates_nothing_in_steady_state()
    {
        var stream = new InMemoryWebSocketStream([]);
        await using WebSocketConnection connection = WebSocketConnection.CreateFromStream(stream, new WebSocketConnectionOptions());
        ReadOnlyMemory<byte> pcm = CreatePcm();

        for (int i = 0; i < 100; i++)
        {
            SendSynchronously(connection, pcm);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Iterations; i++)
        {
            SendSynchronously(connection, pcm);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        _output.WriteLine($"{Iterations} x SendAudioAppendAsync({PcmBytes} B PCM): {allocated} bytes allocated");
        Assert.Equal(0, allocated);

        // And the last frame on the wire is a correctly masked text frame carrying the event.
        byte[] frame = stream.LastWrite.AsSpan(0, stream.LastWriteLength).ToArray();
        Assert.True(WebSocketFrameParser.TryParse(frame, out FrameHeader header));
        Assert.Equal(Opcode.Text, header.Opcode);
        Assert.True(header.Mask && header.Fin);
        byte[] payload = frame.AsSpan(header.HeaderLength).ToArray();
        Assert.Equal((int)header.PayloadLength, payload.Length);
        WebSocketMask.ApplyScalar(payload, header.MaskKey, 0);
        using JsonDocument json = JsonDocument.Parse(payload);
        Assert.Equal("input_audio_buffer.append", json.RootElement.GetProperty("type").GetString());
        Assert.Equal(pcm.ToArray(), json.RootElement.GetProperty("audio").GetBytesFromBase64());
    }

    [Fact]
    public async Task Plain_send_allocates_nothing_in_steady_state()
    {
        var stream = new InMemoryWebSocketStream([]);
        await using WebSocketConnection connection = WebSocketConnection.CreateFromStream(stream, new WebSocketConnectionOptions());
        ReadOnlyMemory<byte> payload = new byte[1000];
        for (int i = 0; i < 100; i++)
        {
            Complete(connection.SendAsync(payload, WebSocketMessageType.Binary, true));
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Iterations; i++)
        {
            Complete(connection.SendAsync(payload, WebSocketMessageType.Binary, true));
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        _output.WriteLine($"{Iterations} x SendAsync(1000 B): {allocated} bytes allocated");
        Assert.Equal(0, allocated);
    }

    [Fact]
    public async Task Audio_delta_receive_and_decode_allocate_nothing_in_steady_state()
    {
        byte[] pcm = CreatePcm().ToArray();
        byte[] json = Encoding.UTF8.GetBytes(
            "{\"type\":\"response.output_audio.delta\",\"event_id\":\"event_1\",\"response_id\":\"resp_1\",\"item_id\":\"item_1\","
            + "\"output_index\":0,\"content_index\":0,\"delta\":\"" + Convert.ToBase64String(pcm) + "\"}");
        var stream = new InMemoryWebSocketStream(RawServerConnection.Frame(0x81, json));
        await using WebSocketConnection connection = WebSocketConnection.CreateFromStream(stream, new WebSocketConnectionOptions());
        byte[] decoded = new byte[PcmBytes];
        byte[] itemId = new byte[64];

        for (int i = 0; i < 100; i++)
        {
            ReceiveAndDecodeSynchronously(connection, decoded, itemId);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        int total = 0;
        for (int i = 0; i < Iterations; i++)
        {
            total += ReceiveAndDecodeSynchronously(connection, decoded, itemId);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        _output.WriteLine($"{Iterations} x ReceiveMessageAsync + DecodeDelta({PcmBytes} B PCM): {allocated} bytes allocated");
        Assert.Equal(0, allocated);
        Assert.Equal(Iterations * PcmBytes, total);
        Assert.Equal(pcm, decoded);
    }

    /// <summary>Returns the decoded PCM length, or -1 on any failure (no xunit asserts inside the measured loop: they box).</summary>
    private static int ReceiveAndDecodeSynchronously(WebSocketConnection connection, byte[] decoded, byte[] itemId)
    {
        ValueTask<WebSocketReceivedMessage> receive = connection.ReceiveMessageAsync();
        if (!receive.IsCompletedSuccessfully)
        {
            return -1;
        }

        WebSocketReceivedMessage message = receive.Result;
        if (!RealtimeAudioDeltaReader.IsEventType(message.Payload, RealtimeEventTypes.ResponseOutputAudioDelta)
            || RealtimeAudioDeltaReader.TryCopyString(message.Payload, "item_id"u8, itemId, out int idLength) != OperationStatus.Done
            || idLength != 6
            || RealtimeAudioDeltaReader.DecodeDelta(message.Payload, decoded, out int written) != AudioDeltaStatus.Done)
        {
            return -1;
        }

        return written;
    }

    private static void SendSynchronously(WebSocketConnection connection, ReadOnlyMemory<byte> pcm)
        => Complete(connection.SendAudioAppendAsync(RealtimeEventTypes.InputAudioBufferAppend, pcm));

    private static void Complete(ValueTask task)
    {
        if (!task.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("The send did not complete synchronously.");
        }

        task.GetAwaiter().GetResult();
    }

    private static ReadOnlyMemory<byte> CreatePcm()
    {
        byte[] pcm = new byte[PcmBytes];
        for (int i = 0; i < PcmBytes / 2; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(pcm.AsSpan(i * 2), (short)(Math.Sin(i / 10.0) * 12_000));
        }

        return pcm;
    }
}
