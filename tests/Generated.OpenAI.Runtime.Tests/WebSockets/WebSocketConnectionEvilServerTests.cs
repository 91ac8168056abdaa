using System;
using System.Buffers;
using System.Collections.Generic;
using System.Linq;
using System.Net.WebSockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.WebSockets;
using Xunit;

namespace Generated.OpenAI.Runtime.Tests.WebSockets;

/// <summary>A raw server that writes hand-made frames after a valid 101.</summary>
public sealed class WebSocketConnectionEvilServerTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(5);

    private static readonly (byte[] Frames, int Status, ShutdownReason Reason)[] s_badFrames =
    [
        (new byte[] { 0x81, 0x02, 0xC3, 0x28 }, 1007, ShutdownReason.InvalidPayloadData), // invalid UTF-8
        (new byte[] { 0x81, 0x03, 0xED, 0xA0, 0x80 }, 1007, ShutdownReason.InvalidPayloadData), // UTF-16 surrogate encoded
        (new byte[] { 0xC1, 0x01, 0x61 }, 1002, ShutdownReason.ProtocolError), // RSV1
        (new byte[] { 0xA2, 0x01, 0x61 }, 1002, ShutdownReason.ProtocolError), // RSV2
        (new byte[] { 0x91, 0x01, 0x61 }, 1002, ShutdownReason.ProtocolError), // RSV3
        (new byte[] { 0x83, 0x00 }, 1002, ShutdownReason.ProtocolError), // reserved data opcode
        (new byte[] { 0x8B, 0x00 }, 1002, ShutdownReason.ProtocolError), // reserved control opcode
        (new byte[] { 0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 0 }, 1002, ShutdownReason.ProtocolError), // 64-bit length with MSB set
        (new byte[] { 0x81, 0x81, 1, 2, 3, 4, 0x60 }, 1002, ShutdownReason.ProtocolError), // masked server frame
        (new byte[] { 0x09, 0x00 }, 1002, ShutdownReason.ProtocolError), // fragmented ping
        (new byte[] { 0x89, 0x7E, 0x00, 0x7E }, 1002, ShutdownReason.ProtocolError), // ping with 126 bytes
        (new byte[] { 0x80, 0x01, 0x61 }, 1002, ShutdownReason.ProtocolError), // continuation without start
        (new byte[] { 0x01, 0x01, 0x61, 0x82, 0x01, 0x62 }, 1002, ShutdownReason.ProtocolError), // new message inside a fragmented one
        (new byte[] { 0x88, 0x01, 0x03 }, 1002, ShutdownReason.ProtocolError), // one-byte close payload
        (new byte[] { 0x88, 0x02, 0x03, 0xED }, 1002, ShutdownReason.ProtocolError), // close status 1005 on the wire
        (new byte[] { 0x88, 0x04, 0x03, 0xE8, 0xC3, 0x28 }, 1007, ShutdownReason.InvalidPayloadData), // close reason not UTF-8
        (new byte[] { 0x01, 0x01, 0xC3, 0x80, 0x01, 0x28 }, 1007, ShutdownReason.InvalidPayloadData), // fragmented text, invalid across fragments
        (new byte[] { 0x82, 0x00, 0x81, 0x00, 0x81, 0x01, 0xFF }, 1007, ShutdownReason.InvalidPayloadData), // after two empty messages
    ];

    /// <summary>Every bad frame twice: written before the receive starts (synchronous path) and after (async path).</summary>
    public static TheoryData<int, bool> BadFrameCases()
    {
        var data = new TheoryData<int, bool>();
        for (int i = 0; i < s_badFrames.Length; i++)
        {
            data.Add(i, false);
            data.Add(i, true);
        }

        return data;
    }

    [Theory(Timeout = 15_000)]
    [MemberData(nameof(BadFrameCases))]
    public async Task Bad_frame_closes_with_the_right_status_and_throws_a_typed_exception(int index, bool receiveFirst)
    {
        (byte[] frame, int expectedStatus, ShutdownReason expectedReason) = s_badFrames[index];
        await using var server = new RawWebSocketServer();
        Task<RawServerConnection> accept = server.AcceptAsync();
        await using WebSocketConnection connection = await WebSocketConnection.ConnectAsync(server.Uri, new WebSocketConnectionOptions(), CancellationToken.None);
        await using RawServerConnection serverSide = await accept;
        Task<WebSocketReceivedMessage> receive;
        if (receiveFirst)
        {
            receive = ReceiveSkippingEmptyAsync(connection);
            await Task.Delay(20);
            await serverSide.WriteAsync(frame);
        }
        else
        {
            await serverSide.WriteAsync(frame);
            await Task.Delay(20);
            receive = ReceiveSkippingEmptyAsync(connection);
        }

        WebSocketProtocolException ex = await Assert.ThrowsAsync<WebSocketProtocolException>(async () => await receive.WaitAsync(s_timeout));
        Assert.Equal(expectedReason, ex.Reason);
        Assert.Equal((WebSocketCloseStatus)expectedStatus, ex.CloseStatus);
        Assert.Equal(expectedStatus, await serverSide.ReadCloseStatusAsync());
        Assert.Equal(WebSocketState.Aborted, connection.State);
        Assert.Equal(expectedReason, connection.ShutdownReason);
        Assert.True(await serverSide.SeesEndOfStreamAsync(s_timeout));
        WebSocketConnectionException after = await Assert.ThrowsAnyAsync<WebSocketConnectionException>(async () => await connection.ReceiveMessageAsync());
        Assert.Equal(expectedReason, after.Reason);
    }

    private static async Task<WebSocketReceivedMessage> ReceiveSkippingEmptyAsync(WebSocketConnection connection)
    {
        while (true)
        {
            WebSocketReceivedMessage message = await connection.ReceiveMessageAsync();
            if (!message.Payload.IsEmpty || message.MessageType == WebSocketMessageType.Close)
            {
                return message;
            }
        }
    }

    [Fact(Timeout = 15_000)]
    public async Task Oversize_frame_closes_with_1009_before_the_payload_arrives()
    {
        await using var server = new RawWebSocketServer();
        Task<RawServerConnection> accept = server.AcceptAsync();
        await using WebSocketConnection connection = await WebSocketConnection.ConnectAsync(server.Uri, new WebSocketConnectionOptions { MaxMessageSize = 100 }, CancellationToken.None);
        await using RawServerConnection serverSide = await accept;
        await serverSide.WriteAsync(0x82, 0x7E, 0x00, 0xC8); // 200-byte binary frame header only

        WebSocketProtocolException ex = await Assert.ThrowsAsync<WebSocketProtocolException>(async () => await connection.ReceiveMessageAsync().AsTask().WaitAsync(s_timeout));
        Assert.Equal(ShutdownReason.MessageTooBig, ex.Reason);
        Assert.Equal(1009, await serverSide.ReadCloseStatusAsync());
        Assert.Equal(WebSocketState.Aborted, connection.State);
    }

    [Fact(Timeout = 15_000)]
    public async Task Oversize_fragmented_message_closes_with_1009()
    {
        await using var server = new RawWebSocketServer();
        Task<RawServerConnection> accept = server.AcceptAsync();
        await using WebSocketConnection connection = await WebSocketConnection.ConnectAsync(server.Uri, new WebSocketConnectionOptions { MaxMessageSize = 100 }, CancellationToken.None);
        await using RawServerConnection serverSide = await accept;
        await serverSide.WriteAsync([.. RawServerConnection.Frame(0x02, new byte[60]), .. RawServerConnection.Frame(0x80, new byte[60])]);

        WebSocketProtocolException ex = await Assert.ThrowsAsync<WebSocketProtocolException>(async () => await connection.ReceiveMessageAsync().AsTask().WaitAsync(s_timeout));
        Assert.Equal(ShutdownReason.MessageTooBig, ex.Reason);
        Assert.Equal(1009, await serverSide.ReadCloseStatusAsync());
    }

    [Fact(Timeout = 15_000)]
    public async Task Drop_in_the_middle_of_a_frame_is_a_typed_exception_not_a_hang()
    {
        await using var server = new RawWebSocketServer();
        Task<RawServerConnection> accept = server.AcceptAsync();
        await using WebSocketConnection connection = await WebSocketConnection.ConnectAsync(server.Uri, new WebSocketConnectionOptions(), CancellationToken.None);
        RawServerConnection serverSide = await accept;
        await serverSide.WriteAsync([0x82, 0x7E, 0x01, 0x00, .. new byte[10]]); // promises 256 bytes, sends 10
        Task<WebSocketReceivedMessage> receive = connection.ReceiveMessageAsync().AsTask();
        await Task.Delay(50);
        await serverSide.DisposeAsync();

        WebSocketConnectionException ex = await Assert.ThrowsAsync<WebSocketConnectionException>(async () => await receive.WaitAsync(s_timeout));
        Assert.Equal(ShutdownReason.RemoteDisconnectedMidFrame, ex.Reason);
        Assert.Equal(WebSocketState.Aborted, connection.State);
    }

    [Fact(Timeout = 15_000)]
    public async Task Drop_between_frames_is_reported_as_remote_disconnect()
    {
        await using var server = new RawWebSocketServer();
        Task<RawServerConnection> accept = server.AcceptAsync();
        await using WebSocketConnection connection = await WebSocketConnection.ConnectAsync(server.Uri, new WebSocketConnectionOptions(), CancellationToken.None);
        RawServerConnection serverSide = await accept;
        await serverSide.WriteAsync(RawServerConnection.Frame(0x82, [1, 2, 3]));
        WebSocketReceivedMessage message = await connection.ReceiveMessageAsync().AsTask().WaitAsync(s_timeout);
        Assert.Equal(new byte[] { 1, 2, 3 }, message.Payload.ToArray());
        await serverSide.DisposeAsync();

        WebSocketConnectionException ex = await Assert.ThrowsAsync<WebSocketConnectionException>(async () => await connection.ReceiveMessageAsync().AsTask().WaitAsync(s_timeout));
        Assert.Equal(ShutdownReason.RemoteDisconnected, ex.Reason);
    }

    [Fact(Timeout = 15_000)]
    public async Task Reset_in_the_middle_of_a_frame_fails_the_pending_receive_as_a_drop_mid_frame()
    {
        await using var server = new RawWebSocketServer();
        Task<RawServerConnection> accept = server.AcceptAsync();
        await using WebSocketConnection connection = await WebSocketConnection.ConnectAsync(server.Uri, new WebSocketConnectionOptions(), CancellationToken.None);
        RawServerConnection serverSide = await accept;
        await serverSide.WriteAsync([0x82, 0x7E, 0x01, 0x00, .. new byte[10]]); // promises 256 bytes, sends 10
        Task<WebSocketReceivedMessage> receive = connection.ReceiveMessageAsync().AsTask();
        await Task.Delay(50);
        serverSide.Reset();

        // On Linux the socket reports a reset to a waiting receive as the end of the stream, with the stream
        // reader as with the socket reader: a drop mid-frame, not a hang.
        WebSocketConnectionException ex = await Assert.ThrowsAsync<WebSocketConnectionException>(async () => await receive.WaitAsync(s_timeout));
        Assert.Equal(ShutdownReason.RemoteDisconnectedMidFrame, ex.Reason);
        Assert.Equal(WebSocketState.Aborted, connection.State);
    }

    [Fact(Timeout = 15_000)]
    public async Task Send_after_the_server_reset_the_connection_is_a_typed_transport_error()
    {
        // ws:// sends a frame from the connection's own buffer straight to the socket: a reset must still come out as
        // the connection's exception, with the socket error inside the IOException the stream used to make of it.
        await using var server = new RawWebSocketServer();
        Task<RawServerConnection> accept = server.AcceptAsync();
        await using WebSocketConnection connection = await WebSocketConnection.ConnectAsync(server.Uri, new WebSocketConnectionOptions(), CancellationToken.None);
        RawServerConnection serverSide = await accept;
        serverSide.Reset();

        byte[] payload = new byte[1000];
        WebSocketConnectionException ex = await Assert.ThrowsAsync<WebSocketConnectionException>(async () =>
        {
            for (int i = 0; i < 1000; i++)
            {
                await connection.SendAsync(payload, WebSocketMessageType.Binary, endOfMessage: true).AsTask().WaitAsync(s_timeout);
                await Task.Delay(5);
            }
        });
        // The first send that met the reset (nothing else reads or writes this connection) aborted it.
        Assert.Equal(WebSocketState.Aborted, connection.State);
        Assert.Equal(ShutdownReason.TransportError, ex.Reason);
        Assert.Equal(ShutdownReason.TransportError, connection.ShutdownReason);
        Assert.IsType<System.Net.Sockets.SocketException>(Assert.IsType<System.IO.IOException>(ex.InnerException).InnerException);
    }

    [Fact(Timeout = 15_000)]
    public async Task Ping_between_fragments_is_answered_and_the_message_reassembled()
    {
        await using var server = new RawWebSocketServer();
        Task<RawServerConnection> accept = server.AcceptAsync();
        await using WebSocketConnection connection = await WebSocketConnection.ConnectAsync(server.Uri, new WebSocketConnectionOptions(), CancellationToken.None);
        await using RawServerConnection serverSide = await accept;
        await serverSide.WriteAsync([
            .. RawServerConnection.Frame(0x8A, "unsolicited"u8), // pong: ignored
            .. RawServerConnection.Frame(0x01, "abc"u8),
            .. RawServerConnection.Frame(0x89, "ping-1"u8),
            .. RawServerConnection.Frame(0x00, "d\u00e9"u8[..2]), // splits the two-byte 'é' across fragments
            .. RawServerConnection.Frame(0x89, "ping-2"u8),
            .. RawServerConnection.Frame(0x80, "d\u00e9"u8[2..]),
        ]);

        WebSocketReceivedMessage message = await connection.ReceiveMessageAsync().AsTask().WaitAsync(s_timeout);
        Assert.Equal(WebSocketMessageType.Text, message.MessageType);
        Assert.Equal("abcd\u00e9", Encoding.UTF8.GetString(message.Payload.ToArray()));
        (bool fin1, int op1, byte[] pong1) = await serverSide.ReadClientFrameAsync();
        (bool fin2, int op2, byte[] pong2) = await serverSide.ReadClientFrameAsync();
        Assert.True(fin1 && fin2);
        Assert.Equal(0xA, op1);
        Assert.Equal(0xA, op2);
        Assert.Equal("ping-1", Encoding.UTF8.GetString(pong1));
        Assert.Equal("ping-2", Encoding.UTF8.GetString(pong2));
    }

    [Fact(Timeout = 15_000)]
    public async Task Frames_trickled_one_byte_at_a_time_are_parsed()
    {
        await using var server = new RawWebSocketServer();
        Task<RawServerConnection> accept = server.AcceptAsync();
        await using WebSocketConnection connection = await WebSocketConnection.ConnectAsync(server.Uri, new WebSocketConnectionOptions(), CancellationToken.None);
        await using RawServerConnection serverSide = await accept;
        byte[] payload = WebSocketTestData.Payload(300, text: true);
        byte[] frame = RawServerConnection.Frame(0x81, payload);
        Task<WebSocketReceivedMessage> receive = connection.ReceiveMessageAsync().AsTask();
        foreach (byte b in frame)
        {
            await serverSide.WriteAsync(b);
        }

        WebSocketReceivedMessage message = await receive.WaitAsync(s_timeout);
        Assert.Equal(payload, message.Payload.ToArray());
    }

    [Fact(Timeout = 15_000)]
    public async Task Server_close_is_echoed_with_the_same_status()
    {
        await using var server = new RawWebSocketServer();
        Task<RawServerConnection> accept = server.AcceptAsync();
        await using WebSocketConnection connection = await WebSocketConnection.ConnectAsync(server.Uri, new WebSocketConnectionOptions(), CancellationToken.None);
        await using RawServerConnection serverSide = await accept;
        await serverSide.WriteAsync(RawServerConnection.Frame(0x88, [0x0F, 0xA0, .. "going"u8])); // 4000

        WebSocketReceivedMessage message = await connection.ReceiveMessageAsync().AsTask().WaitAsync(s_timeout);
        Assert.Equal(WebSocketMessageType.Close, message.MessageType);
        Assert.Equal((WebSocketCloseStatus)4000, message.CloseStatus);
        Assert.Equal("going", message.CloseStatusDescription);
        Assert.Equal(4000, await serverSide.ReadCloseStatusAsync());
        Assert.Equal(WebSocketState.Closed, connection.State);
        Assert.Equal(ShutdownReason.RemoteClose, connection.ShutdownReason);
        Assert.True(await serverSide.SeesEndOfStreamAsync(s_timeout));
    }

    [Fact(Timeout = 15_000)]
    public async Task After_the_close_handshake_the_client_lets_the_server_close_tcp_first()
    {
        await using var server = new RawWebSocketServer();
        Task<RawServerConnection> accept = server.AcceptAsync();
        await using WebSocketConnection connection = await WebSocketConnection.ConnectAsync(server.Uri, new WebSocketConnectionOptions(), CancellationToken.None);
        RawServerConnection serverSide = await accept;
        Task<WebSocketReceivedMessage> receive = connection.ReceiveMessageAsync().AsTask();
        await serverSide.WriteAsync(RawServerConnection.Frame(0x88, [0x03, 0xE8]));
        Assert.Equal(1000, await serverSide.ReadCloseStatusAsync());
        Assert.False(await serverSide.SeesEndOfStreamAsync(TimeSpan.FromMilliseconds(200)), "the client closed TCP before the server");
        Assert.Equal(WebSocketState.Closed, connection.State);

        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        await serverSide.DisposeAsync();
        WebSocketReceivedMessage message = await receive.WaitAsync(s_timeout);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromMilliseconds(900), $"took {stopwatch.Elapsed}");
        Assert.Equal(WebSocketMessageType.Close, message.MessageType);
        Assert.Equal(ShutdownReason.RemoteClose, connection.ShutdownReason);
    }

    [Fact(Timeout = 15_000)]
    public async Task Close_without_an_answer_times_out_and_closes_the_socket()
    {
        await using var server = new RawWebSocketServer();
        Task<RawServerConnection> accept = server.AcceptAsync();
        var options = new WebSocketConnectionOptions { CloseTimeout = TimeSpan.FromMilliseconds(300) };
        await using WebSocketConnection connection = await WebSocketConnection.ConnectAsync(server.Uri, options, CancellationToken.None);
        await using RawServerConnection serverSide = await accept;

        await connection.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye").AsTask().WaitAsync(s_timeout);
        Assert.Equal(1000, await serverSide.ReadCloseStatusAsync());
        Assert.Equal(ShutdownReason.CloseTimeout, connection.ShutdownReason);
        Assert.Equal(WebSocketState.Aborted, connection.State);
        Assert.True(await serverSide.SeesEndOfStreamAsync(s_timeout));
    }

    [Fact(Timeout = 15_000)]
    public async Task Wrong_accept_header_is_a_handshake_exception()
    {
        await using var server = new RawWebSocketServer();
        Task<RawServerConnection> accept = server.AcceptAsync(customResponse: RawWebSocketServer.BuildUpgradeResponse("x", acceptOverride: "bm90IHRoZSByaWdodCBvbmU="));
        WebSocketHandshakeException ex = await Assert.ThrowsAsync<WebSocketHandshakeException>(
            async () => await WebSocketConnection.ConnectAsync(server.Uri, new WebSocketConnectionOptions(), CancellationToken.None));
        Assert.Equal(101, ex.StatusCode);
        await (await accept).DisposeAsync();
    }

    [Fact(Timeout = 15_000)]
    public async Task Unrequested_subprotocol_is_a_handshake_exception()
    {
        await using var server = new RawWebSocketServer();
        Task<RawServerConnection> accept = server.AcceptAsync(subProtocol: "sneaky");
        await Assert.ThrowsAsync<WebSocketHandshakeException>(
            async () => await WebSocketConnection.ConnectAsync(server.Uri, new WebSocketConnectionOptions(), CancellationToken.None));
        await (await accept).DisposeAsync();
    }

    [Fact(Timeout = 15_000)]
    public async Task Silent_server_hits_the_connect_timeout()
    {
        await using var server = new RawWebSocketServer();
        Task<RawServerConnection> accept = server.AcceptAsync(respond: false);
        var options = new WebSocketConnectionOptions { ConnectTimeout = TimeSpan.FromMilliseconds(300) };
        WebSocketConnectionException ex = await Assert.ThrowsAsync<WebSocketConnectionException>(
            async () => await WebSocketConnection.ConnectAsync(server.Uri, options, CancellationToken.None).AsTask().WaitAsync(s_timeout));
        Assert.Equal(ShutdownReason.ConnectTimeout, ex.Reason);
        await (await accept).DisposeAsync();
    }

    [Fact(Timeout = 15_000)]
    public async Task A_second_concurrent_receive_is_rejected_and_the_first_still_completes()
    {
        await using var server = new RawWebSocketServer();
        Task<RawServerConnection> accept = server.AcceptAsync();
        await using WebSocketConnection connection = await WebSocketConnection.ConnectAsync(server.Uri, new WebSocketConnectionOptions(), CancellationToken.None);
        await using RawServerConnection serverSide = await accept;
        Task<WebSocketReceivedMessage> first = connection.ReceiveMessageAsync().AsTask();
        Assert.Throws<InvalidOperationException>(() => connection.ReceiveMessageAsync());
        await serverSide.WriteAsync(RawServerConnection.Frame(0x82, [9]));
        Assert.Equal(new byte[] { 9 }, (await first.WaitAsync(s_timeout)).Payload.ToArray());
    }

    [Fact(Timeout = 60_000)]
    public async Task Dispose_during_a_ping_burst_faults_the_pending_receive_within_a_second()
    {
        // 4,096 empty pings per write: the receive loop answers pong after pong, so DisposeAsync races with the
        // pongs for the send lock. Fifty runs, because the race was lost only about a quarter of the time.
        byte[] pings = new byte[2 * 4096];
        for (int i = 0; i < pings.Length; i += 2)
        {
            pings[i] = 0x89;
        }

        for (int run = 0; run < 50; run++)
        {
            await using var server = new RawWebSocketServer();
            Task<RawServerConnection> accept = server.AcceptAsync();
            WebSocketConnection connection = await WebSocketConnection.ConnectAsync(server.Uri, new WebSocketConnectionOptions(), CancellationToken.None).AsTask().WaitAsync(s_timeout);
            await using RawServerConnection serverSide = await accept;
            using var stop = new CancellationTokenSource();
            Task drain = serverSide.DrainAsync(stop.Token);
            Task burst = serverSide.WriteRepeatedlyAsync(pings, TimeSpan.Zero, stop.Token);
            // On the pool: fed pings without pause, the receive may never yield back to its caller.
            Task<WebSocketReceivedMessage> receive = Task.Run(() => connection.ReceiveMessageAsync().AsTask());
            while (serverSide.BytesDrained < 6 * 100 && !receive.IsCompleted)
            {
                await Task.Delay(1); // until at least a hundred pongs (6 bytes each) came back
            }

            await connection.DisposeAsync().AsTask().WaitAsync(s_timeout);
            WebSocketConnectionException ex = await Assert.ThrowsAsync<WebSocketConnectionException>(() => receive.WaitAsync(TimeSpan.FromSeconds(1)));
            Assert.Equal(ShutdownReason.Disposed, ex.Reason);
            Assert.Equal(WebSocketState.Aborted, connection.State);
            stop.Cancel();
            await Task.WhenAll(drain, burst).WaitAsync(s_timeout);
        }
    }

    [Fact(Timeout = 15_000)]
    public async Task Keep_alive_aborts_a_peer_that_never_answers_with_keep_alive_timeout()
    {
        await using var server = new RawWebSocketServer();
        Task<RawServerConnection> accept = server.AcceptAsync(); // completes the handshake, then never reads or writes
        var options = new WebSocketConnectionOptions { KeepAliveInterval = TimeSpan.FromMilliseconds(50), KeepAliveTimeout = TimeSpan.FromMilliseconds(300) };
        await using WebSocketConnection connection = await WebSocketConnection.ConnectAsync(server.Uri, options, CancellationToken.None).AsTask().WaitAsync(s_timeout);
        await using RawServerConnection serverSide = await accept;
        Task<WebSocketReceivedMessage> receive = connection.ReceiveMessageAsync().AsTask();

        WebSocketConnectionException ex = await Assert.ThrowsAsync<WebSocketConnectionException>(() => receive.WaitAsync(s_timeout));
        Assert.Equal(ShutdownReason.KeepAliveTimeout, ex.Reason);
        Assert.Equal(ShutdownReason.KeepAliveTimeout, connection.ShutdownReason);
        Assert.Equal(WebSocketState.Aborted, connection.State);
        WebSocketConnectionException next = await Assert.ThrowsAsync<WebSocketConnectionException>(async () => await connection.ReceiveMessageAsync());
        Assert.Equal(ShutdownReason.KeepAliveTimeout, next.Reason);
        Assert.True(await serverSide.SeesEndOfStreamAsync(s_timeout));
    }

    [Fact(Timeout = 15_000)]
    public async Task Keep_alive_keeps_a_peer_that_answers_its_pings()
    {
        await using var server = new RawWebSocketServer();
        Task<RawServerConnection> accept = server.AcceptAsync();
        var options = new WebSocketConnectionOptions { KeepAliveInterval = TimeSpan.FromMilliseconds(50), KeepAliveTimeout = TimeSpan.FromMilliseconds(500) };
        await using WebSocketConnection connection = await WebSocketConnection.ConnectAsync(server.Uri, options, CancellationToken.None).AsTask().WaitAsync(s_timeout);
        await using RawServerConnection serverSide = await accept;
        Task<WebSocketReceivedMessage> receive = connection.ReceiveMessageAsync().AsTask();

        // Answer every ping for three timeouts' worth of pings: the connection must stay open throughout.
        for (int pings = 0; pings < 30; pings++)
        {
            (_, int opcode, byte[] payload) = await serverSide.ReadClientFrameAsync();
            Assert.Equal(0x9, opcode);
            await serverSide.WriteAsync(RawServerConnection.Frame(0x8A, payload));
        }

        Assert.Equal(WebSocketState.Open, connection.State);
        Assert.False(receive.IsCompleted);
        await serverSide.WriteAsync(RawServerConnection.Frame(0x82, [7]));
        Assert.Equal(new byte[] { 7 }, (await receive.WaitAsync(s_timeout)).Payload.ToArray());
    }

    [Fact]
    public async Task Keep_alive_timeout_must_be_positive_or_infinite()
    {
        var options = new WebSocketConnectionOptions { KeepAliveInterval = TimeSpan.FromSeconds(1), KeepAliveTimeout = TimeSpan.Zero };
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await WebSocketConnection.ConnectAsync(new Uri("ws://127.0.0.1:1/"), options, CancellationToken.None));
    }

    [Fact(Timeout = 15_000)]
    public async Task Http_1_0_switching_protocols_is_a_handshake_exception()
    {
        await using var server = new RawWebSocketServer();
        Task<RawServerConnection> accept = server.AcceptAsync(respond: false);
        Task<WebSocketConnection> connect = WebSocketConnection.ConnectAsync(server.Uri, new WebSocketConnectionOptions(), CancellationToken.None).AsTask();
        await using RawServerConnection serverSide = await accept;
        string response = RawWebSocketServer.BuildUpgradeResponse(serverSide.RequestHeaders["Sec-WebSocket-Key"]);
        Assert.StartsWith("HTTP/1.1 101 ", response, StringComparison.Ordinal);
        await serverSide.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.0" + response["HTTP/1.1".Length..]));

        WebSocketHandshakeException ex = await Assert.ThrowsAsync<WebSocketHandshakeException>(() => connect.WaitAsync(s_timeout));
        Assert.Equal(101, ex.StatusCode);
        Assert.Equal(ShutdownReason.HandshakeFailed, ex.Reason);
        Assert.Contains("HTTP/1.1", ex.Message, StringComparison.Ordinal);
    }

    private const string EphemeralSecret = "ek_68af2b9c0d1e4f5a6b7c8d9e0f1a2b3c";
    private const string UnrelatedKey = "sk-svcacct-ANOTHER-KEY-IN-THE-BODY-987654321";

    [Theory(Timeout = 15_000)]
    [InlineData("sk-proj-THIS-IS-THE-SECRET-0123456789abcd", "THIS-IS-THE-SECRET")]
    [InlineData("opaque.token.WITHOUT.A.KNOWN.PREFIX.42", "WITHOUT.A.KNOWN")]
    public async Task Refused_upgrade_with_a_chunked_error_body_shows_the_server_message_and_no_secret(string bearer, string secretCore)
    {
        string json = "{\"error\":{\"message\":\"Incorrect API key provided: " + bearer + ". Also rejected: " + EphemeralSecret + ", " + UnrelatedKey
            + ".\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}";
        int cut = json.IndexOf(bearer, StringComparison.Ordinal) + (bearer.Length / 2); // the key straddles two chunks
        string response = "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
            + "WWW-Authenticate: Bearer realm=\"OpenAI\", error_description=\"bad key " + bearer + "\"\r\n"
            + "X-Echo-Authorization: Bearer " + bearer + "\r\n"
            + "X-Session: " + EphemeralSecret + "\r\n\r\n"
            + Chunk(json[..cut], extension: ";name=value") + Chunk(json[cut..]) + "0\r\n\r\n";
        await using var server = new RawWebSocketServer();
        Task<RawServerConnection> accept = server.AcceptAsync(customResponse: response);
        var options = new WebSocketConnectionOptions();
        options.Headers["Authorization"] = "Bearer " + bearer;

        WebSocketHandshakeException ex = await Assert.ThrowsAsync<WebSocketHandshakeException>(
            () => WebSocketConnection.ConnectAsync(server.Uri, options, CancellationToken.None).AsTask().WaitAsync(s_timeout));
        await using RawServerConnection serverSide = await accept;

        Assert.Equal(401, ex.StatusCode);
        Assert.StartsWith("The server refused the WebSocket upgrade (HTTP 401 Unauthorized): Incorrect API key provided: ", ex.Message, StringComparison.Ordinal);
        Assert.NotNull(ex.ResponseBody);
        Assert.Contains("\"code\":\"invalid_api_key\"", ex.ResponseBody, StringComparison.Ordinal);
        Assert.Contains(ex.ResponseHeaders, h => h.Key == "X-Session");
        var texts = new List<string> { ex.Message, ex.ResponseBody, ex.ToString(), ex.ReasonPhrase ?? string.Empty };
        texts.AddRange(ex.ResponseHeaders.Select(h => h.Key + ": " + h.Value));
        foreach (string text in texts)
        {
            Assert.DoesNotContain(bearer, text, StringComparison.Ordinal);
            Assert.DoesNotContain(secretCore, text, StringComparison.Ordinal);
            Assert.DoesNotContain(EphemeralSecret, text, StringComparison.Ordinal);
            Assert.DoesNotContain("68af2b9c0d1e", text, StringComparison.Ordinal);
            Assert.DoesNotContain("ANOTHER-KEY-IN-THE-BODY", text, StringComparison.Ordinal);
        }
    }

    [Fact(Timeout = 15_000)]
    public async Task Endless_chunked_error_body_is_read_up_to_64_KiB_and_the_socket_closed()
    {
        await using var server = new RawWebSocketServer();
        Task<RawServerConnection> accept = server.AcceptAsync(customResponse: "HTTP/1.1 403 Forbidden\r\nTransfer-Encoding: chunked\r\n\r\n");
        Task<WebSocketConnection> connect = WebSocketConnection.ConnectAsync(server.Uri, new WebSocketConnectionOptions(), CancellationToken.None).AsTask();
        await using RawServerConnection serverSide = await accept;
        Task flood = serverSide.WriteRepeatedlyAsync(Encoding.ASCII.GetBytes(Chunk(new string('x', 1000))), TimeSpan.Zero, CancellationToken.None);

        WebSocketHandshakeException ex = await Assert.ThrowsAsync<WebSocketHandshakeException>(() => connect.WaitAsync(s_timeout));
        Assert.Equal(403, ex.StatusCode);
        Assert.NotNull(ex.ResponseBody);
        Assert.Equal(64 * 1024, ex.ResponseBody.Length);
        Assert.Matches("^x+$", ex.ResponseBody);
        await flood.WaitAsync(s_timeout); // ends when the client has closed the socket
    }

    [Fact(Timeout = 15_000)]
    public async Task Trickled_endless_chunked_error_body_ends_at_the_connect_timeout()
    {
        await using var server = new RawWebSocketServer();
        Task<RawServerConnection> accept = server.AcceptAsync(customResponse: "HTTP/1.1 401 Unauthorized\r\nTransfer-Encoding: chunked\r\n\r\n");
        var options = new WebSocketConnectionOptions { ConnectTimeout = TimeSpan.FromMilliseconds(500) };
        Task<WebSocketConnection> connect = WebSocketConnection.ConnectAsync(server.Uri, options, CancellationToken.None).AsTask();
        await using RawServerConnection serverSide = await accept;
        Task trickle = serverSide.WriteRepeatedlyAsync(Encoding.ASCII.GetBytes(Chunk("y")), TimeSpan.FromMilliseconds(20), CancellationToken.None);

        WebSocketHandshakeException ex = await Assert.ThrowsAsync<WebSocketHandshakeException>(() => connect.WaitAsync(s_timeout));
        Assert.Equal(401, ex.StatusCode);
        Assert.NotNull(ex.ResponseBody);
        Assert.StartsWith("y", ex.ResponseBody, StringComparison.Ordinal);
        await trickle.WaitAsync(s_timeout); // ends when the client has closed the socket
    }

    private static string Chunk(string data, string extension = "")
        => Encoding.UTF8.GetByteCount(data).ToString("x", System.Globalization.CultureInfo.InvariantCulture) + extension + "\r\n" + data + "\r\n";

    [Fact]
    public async Task Header_values_with_line_breaks_are_rejected_before_connecting()
    {
        var options = new WebSocketConnectionOptions();
        options.Headers["X-Evil"] = "a\r\nInjected: yes";
        await Assert.ThrowsAsync<ArgumentException>(async () => await WebSocketConnection.ConnectAsync(new Uri("ws://127.0.0.1:1/"), options, CancellationToken.None));
    }
}
