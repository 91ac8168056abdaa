using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Threading.Tasks;
using Generated.OpenAI.WebSockets;
using Xunit;

namespace Generated.OpenAI.Runtime.Tests.WebSockets;

/// <summary>Deterministic tests of the synchronous receive path over a stream whose reads complete inline.</summary>
public sealed class WebSocketConnectionInMemoryTests
{
    [Fact]
    public async Task Invalid_utf8_across_fragments_found_on_the_synchronous_path_closes_with_1007()
    {
        var stream = new InMemoryWebSocketStream([0x01, 0x01, 0xC3, 0x80, 0x01, 0x28]);
        await using WebSocketConnection connection = WebSocketConnection.CreateFromStream(stream, new WebSocketConnectionOptions());
        WebSocketProtocolException ex = await Assert.ThrowsAsync<WebSocketProtocolException>(async () => await connection.ReceiveMessageAsync());
        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, ex.CloseStatus);
        Assert.Equal(ShutdownReason.InvalidPayloadData, connection.ShutdownReason);
        Assert.Equal(1007, ReadSentCloseStatus(stream));
    }

    [Fact]
    public async Task Buffered_messages_are_returned_synchronously_and_payloads_are_slices_until_the_next_receive()
    {
        byte[] script = [.. RawServerConnection.Frame(0x81, "one"u8), .. RawServerConnection.Frame(0x82, [1, 2]), .. RawServerConnection.Frame(0x81, ""u8)];
        var stream = new InMemoryWebSocketStream(script);
        await using WebSocketConnection connection = WebSocketConnection.CreateFromStream(stream, new WebSocketConnectionOptions());

        ValueTask<WebSocketReceivedMessage> first = connection.ReceiveMessageAsync();
        Assert.True(first.IsCompletedSuccessfully);
        Assert.Equal("one"u8.ToArray(), first.Result.Payload.ToArray());
        ReadOnlySequence<byte> borrowed = first.Result.Payload;

        WebSocketReceivedMessage second = await connection.ReceiveMessageAsync();
        Assert.Equal(WebSocketMessageType.Binary, second.MessageType);
        Assert.Equal(new byte[] { 1, 2 }, second.Payload.ToArray());

        WebSocketReceivedMessage third = await connection.ReceiveMessageAsync();
        Assert.Equal(WebSocketMessageType.Text, third.MessageType);
        Assert.True(third.Payload.IsEmpty);

        // The script replays: the fourth message is "one" again, read from the same pipe memory region semantics.
        WebSocketReceivedMessage fourth = await connection.ReceiveMessageAsync();
        Assert.Equal("one"u8.ToArray(), fourth.Payload.ToArray());
        Assert.Equal(3, borrowed.Length);
    }

    [Fact]
    public async Task Ping_found_on_the_synchronous_path_is_answered_with_a_pong()
    {
        byte[] script = [.. RawServerConnection.Frame(0x89, "hi"u8), .. RawServerConnection.Frame(0x82, [7])];
        var stream = new InMemoryWebSocketStream(script);
        await using WebSocketConnection connection = WebSocketConnection.CreateFromStream(stream, new WebSocketConnectionOptions());
        WebSocketReceivedMessage message = await connection.ReceiveMessageAsync();
        Assert.Equal(new byte[] { 7 }, message.Payload.ToArray());
        byte[] frame = stream.LastWrite.AsSpan(0, stream.LastWriteLength).ToArray();
        Assert.True(WebSocketFrameParser.TryParse(frame, out FrameHeader header));
        Assert.Equal(Opcode.Pong, header.Opcode);
        byte[] payload = frame.AsSpan(header.HeaderLength).ToArray();
        WebSocketMask.ApplyScalar(payload, header.MaskKey, 0);
        Assert.Equal("hi"u8.ToArray(), payload);
    }

    private static int ReadSentCloseStatus(InMemoryWebSocketStream stream)
    {
        byte[] frame = stream.LastWrite.AsSpan(0, stream.LastWriteLength).ToArray();
        Assert.True(WebSocketFrameParser.TryParse(frame, out FrameHeader header));
        Assert.Equal(Opcode.Close, header.Opcode);
        byte[] payload = frame.AsSpan(header.HeaderLength).ToArray();
        WebSocketMask.ApplyScalar(payload, header.MaskKey, 0);
        return BinaryPrimitives.ReadUInt16BigEndian(payload);
    }
}
