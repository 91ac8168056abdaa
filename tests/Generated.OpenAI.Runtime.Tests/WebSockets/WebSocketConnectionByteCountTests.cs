using System;
using System.Linq;
using System.Net.WebSockets;
using System.Threading.Tasks;
using Generated.OpenAI.WebSockets;
using Xunit;

namespace Generated.OpenAI.Runtime.Tests.WebSockets;

/// <summary>
/// <see cref="WebSocketConnection.BytesReceived"/> and <see cref="WebSocketConnection.BytesSent"/> count every frame
/// once, headers included, on the synchronous path (frames already buffered) and on the asynchronous one (a ping or a
/// close sends the path there, and the frame is parsed again).
/// </summary>
public sealed class WebSocketConnectionByteCountTests
{
    [Fact(Timeout = 10000)]
    public async Task Every_frame_is_counted_once_in_each_direction_with_its_header()
    {
        byte[] script =
        [
            .. RawServerConnection.Frame(0x81, "one"u8),
            .. RawServerConnection.Frame(0x89, "hi"u8), // ping: answered with a pong
            .. RawServerConnection.Frame(0x01, "he"u8), // fragmented text
            .. RawServerConnection.Frame(0x80, "llo"u8),
            .. RawServerConnection.Frame(0x8A, "x"u8), // unsolicited pong
            .. RawServerConnection.Frame(0x82, new byte[300]), // 16-bit length
            .. RawServerConnection.Frame(0x88, [0x03, 0xE8]), // close 1000
        ];
        var stream = new InMemoryWebSocketStream(script);
        await using WebSocketConnection connection = WebSocketConnection.CreateFromStream(stream, new WebSocketConnectionOptions { CloseTimeout = TimeSpan.FromMilliseconds(100) });
        await connection.SendAsync("abc"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true);
        Assert.Equal(2 + 4 + 3, connection.BytesSent);

        var payloads = new System.Collections.Generic.List<int>();
        while (true)
        {
            WebSocketReceivedMessage message = await connection.ReceiveMessageAsync();
            if (message.MessageType == WebSocketMessageType.Close)
            {
                break;
            }

            payloads.Add((int)message.Payload.Length);
        }

        Assert.Equal([3, 5, 300], payloads);
        Assert.Equal(script.Length, connection.BytesReceived);
        // abc, the pong (2 + 4 + 2) and the close reply (2 + 4 + 2): what reached the stream.
        Assert.Equal(9 + 8 + 8, connection.BytesSent);
        Assert.Equal(stream.BytesWritten, connection.BytesSent);
    }
}
