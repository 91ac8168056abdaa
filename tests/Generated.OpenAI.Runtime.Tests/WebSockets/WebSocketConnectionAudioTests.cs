using System;
using System.Buffers;
using System.Buffers.Text;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Audio;
using Generated.OpenAI.Runtime.Tests.Audio;
using Generated.OpenAI.WebSockets;
using Xunit;

namespace Generated.OpenAI.Runtime.Tests.WebSockets;

/// <summary>The audio event path end to end over real sockets.</summary>
public sealed class WebSocketConnectionAudioTests : IClassFixture<KestrelWebSocketServer>
{
    private readonly KestrelWebSocketServer _server;

    public WebSocketConnectionAudioTests(KestrelWebSocketServer server)
    {
        _server = server;
    }

    [Fact(Timeout = 20_000)]
    public async Task Audio_append_echoed_by_kestrel_is_the_exact_json_and_pcm()
    {
        await using WebSocketConnection connection = await WebSocketConnection.ConnectAsync(_server.Endpoint("/echo"), new WebSocketConnectionOptions(), CancellationToken.None);
        short[] samples = new short[24_000]; // 1 s of 24 kHz audio
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = (short)(Math.Sin(i * 0.05) * 20_000);
        }

        Task<WebSocketReceivedMessage> receive = connection.ReceiveMessageAsync().AsTask();
        await connection.SendAudioAppendAsync(RealtimeEventTypes.SessionInputAudioBufferAppend, samples.AsMemory(), "evt_1"u8.ToArray());
        WebSocketReceivedMessage message = await receive.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(WebSocketMessageType.Text, message.MessageType);

        byte[] json = message.Payload.ToArray();
        using JsonDocument document = JsonDocument.Parse(json);
        Assert.Equal("session.input_audio_buffer.append", document.RootElement.GetProperty("type").GetString());
        Assert.Equal("evt_1", document.RootElement.GetProperty("event_id").GetString());
        byte[] pcm = document.RootElement.GetProperty("audio").GetBytesFromBase64();
        Assert.Equal(System.Runtime.InteropServices.MemoryMarshal.AsBytes(samples.AsSpan()).ToArray(), pcm);
    }

    [Fact(Timeout = 20_000)]
    public async Task Cancelling_a_send_that_cannot_flush_aborts_the_connection()
    {
        await using var server = new RawWebSocketServer();
        Task<RawServerConnection> accept = server.AcceptAsync();
        await using WebSocketConnection connection = await WebSocketConnection.ConnectAsync(server.Uri, new WebSocketConnectionOptions(), CancellationToken.None);
        await using RawServerConnection raw = await accept; // never reads: the TCP window fills up
        byte[] big = new byte[4 * 1024 * 1024];
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            while (true)
            {
                await connection.SendAsync(big, WebSocketMessageType.Binary, true, cts.Token);
            }
        });
        Assert.Equal(WebSocketState.Aborted, connection.State);
        Assert.Equal(ShutdownReason.Canceled, connection.ShutdownReason);
        await Assert.ThrowsAsync<WebSocketConnectionException>(async () => await connection.SendAsync(big, WebSocketMessageType.Binary, true));
    }
}
