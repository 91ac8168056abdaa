using System;
using System.Text.Json;
using System.Threading.Tasks;
using Generated.OpenAI.WebSockets;
using Xunit;

namespace Generated.OpenAI.Runtime.Tests.WebSockets;

/// <summary>The JSON send without a callback (<c>TryBeginJsonMessage</c>): one frame per message, the send lock taken and always given back.</summary>
public sealed class WebSocketConnectionJsonTests
{
    [Fact]
    public async Task A_message_written_after_TryBeginJsonMessage_goes_out_as_one_masked_text_frame_and_frees_the_lock()
    {
        var stream = new InMemoryWebSocketStream([]);
        await using WebSocketConnection connection = WebSocketConnection.CreateFromStream(stream, new WebSocketConnectionOptions());

        for (int i = 0; i < 2; i++)
        {
            Assert.True(connection.TryBeginJsonMessage(out Utf8JsonWriter? writer));
            writer.WriteStartObject();
            writer.WriteNumber("n"u8, i);
            writer.WriteEndObject();
            await connection.SendJsonMessageAsync();

            Assert.Equal("{\"n\":" + i + "}", ReadSentText(stream));
        }
    }

    [Fact]
    public async Task While_a_message_is_being_written_others_wait_and_an_abandoned_one_sends_nothing()
    {
        var stream = new InMemoryWebSocketStream([]);
        await using WebSocketConnection connection = WebSocketConnection.CreateFromStream(stream, new WebSocketConnectionOptions());

        Assert.True(connection.TryBeginJsonMessage(out Utf8JsonWriter? first));
        first.WriteStartObject(); // half a message, then the writer's caller fails
        Assert.False(connection.TryBeginJsonMessage(out Utf8JsonWriter? none)); // the lock is held: nothing lent
        Assert.Null(none);
        ValueTask waiting = connection.SendJsonAsync(0, static (writer, _) => writer.WriteStringValue("second"));
        Assert.False(waiting.IsCompleted);

        connection.AbandonJsonMessage();
        await waiting.AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("\"second\"", ReadSentText(stream)); // the only frame: the abandoned half was never sent
        Assert.Equal(stream.LastWriteLength, stream.BytesWritten);
    }

    private static string ReadSentText(InMemoryWebSocketStream stream)
    {
        byte[] frame = stream.LastWrite.AsSpan(0, stream.LastWriteLength).ToArray();
        Assert.True(WebSocketFrameParser.TryParse(frame, out FrameHeader header));
        Assert.Equal(Opcode.Text, header.Opcode);
        Assert.True(header.Fin);
        Assert.Equal((ulong)(frame.Length - header.HeaderLength), header.PayloadLength);
        byte[] payload = frame.AsSpan(header.HeaderLength).ToArray();
        WebSocketMask.ApplyScalar(payload, header.MaskKey, 0);
        return System.Text.Encoding.UTF8.GetString(payload);
    }
}
