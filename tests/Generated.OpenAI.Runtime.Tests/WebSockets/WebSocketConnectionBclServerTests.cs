using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.WebSockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.WebSockets;
using Xunit;

namespace Generated.OpenAI.Runtime.Tests.WebSockets;

/// <summary>Interop with the BCL's server-side <see cref="WebSocket.CreateFromStream(Stream, WebSocketCreationOptions)"/>.</summary>
public sealed class WebSocketConnectionBclServerTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);

    public static IEnumerable<object[]> SizesAndTypes()
        => WebSocketTestData.Sizes.SelectMany(size => new[] { new object[] { size, true }, [size, false] });

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(SizesAndTypes))]
    public async Task Echo_round_trip_is_byte_for_byte(int size, bool text)
    {
        await using var server = new RawWebSocketServer();
        Task<RawServerConnection> accept = server.AcceptAsync();
        await using WebSocketConnection connection = await WebSocketConnection.ConnectAsync(server.Uri, new WebSocketConnectionOptions(), CancellationToken.None);
        await using RawServerConnection raw = await accept;
        using WebSocket bcl = WebSocket.CreateFromStream(raw.Stream, new WebSocketCreationOptions { IsServer = true });
        Task echo = EchoOneMessageAsync(bcl);

        byte[] payload = WebSocketTestData.Payload(size, text);
        WebSocketMessageType type = text ? WebSocketMessageType.Text : WebSocketMessageType.Binary;
        Task<WebSocketReceivedMessage> receive = connection.ReceiveMessageAsync().AsTask();
        await connection.SendAsync(payload, type, endOfMessage: true).AsTask().WaitAsync(s_timeout);
        WebSocketReceivedMessage message = await receive.WaitAsync(s_timeout);
        await echo.WaitAsync(s_timeout);
        Assert.Equal(type, message.MessageType);
        Assert.True(payload.AsSpan().SequenceEqual(message.Payload.ToArray()));
    }

    [Fact(Timeout = 20_000)]
    public async Task Subprotocol_and_authorization_reach_the_server()
    {
        await using var server = new RawWebSocketServer();
        Task<RawServerConnection> accept = server.AcceptAsync(subProtocol: "realtime");
        var options = new WebSocketConnectionOptions();
        options.SubProtocols.Add("realtime");
        options.Headers["Authorization"] = "Bearer sk-bcl";
        await using WebSocketConnection connection = await WebSocketConnection.ConnectAsync(server.Uri, options, CancellationToken.None);
        await using RawServerConnection raw = await accept;
        Assert.Equal("Bearer sk-bcl", raw.RequestHeaders["Authorization"]);
        Assert.Equal("realtime", raw.RequestHeaders["Sec-WebSocket-Protocol"]);
        Assert.Equal("13", raw.RequestHeaders["Sec-WebSocket-Version"]);
        Assert.Equal(16, Convert.FromBase64String(raw.RequestHeaders["Sec-WebSocket-Key"]).Length);
        Assert.Equal("realtime", connection.SubProtocol);
    }

    [Fact(Timeout = 20_000)]
    public async Task Fragmented_messages_both_ways()
    {
        await using var server = new RawWebSocketServer();
        Task<RawServerConnection> accept = server.AcceptAsync();
        await using WebSocketConnection connection = await WebSocketConnection.ConnectAsync(server.Uri, new WebSocketConnectionOptions(), CancellationToken.None);
        await using RawServerConnection raw = await accept;
        using WebSocket bcl = WebSocket.CreateFromStream(raw.Stream, new WebSocketCreationOptions { IsServer = true });

        byte[] whole = WebSocketTestData.Payload(1000, text: true);
        await connection.SendAsync(whole.AsMemory(0, 10), WebSocketMessageType.Text, false);
        await connection.SendAsync(whole.AsMemory(10, 500), WebSocketMessageType.Text, false);
        await connection.SendAsync(whole.AsMemory(510), WebSocketMessageType.Text, true);
        (WebSocketMessageType type, byte[] received) = await ReceiveWholeAsync(bcl).WaitAsync(s_timeout);
        Assert.Equal(WebSocketMessageType.Text, type);
        Assert.Equal(whole, received);

        await bcl.SendAsync(whole.AsMemory(0, 1), WebSocketMessageType.Binary, false, CancellationToken.None);
        await bcl.SendAsync(whole.AsMemory(1, 998), WebSocketMessageType.Binary, false, CancellationToken.None);
        await bcl.SendAsync(whole.AsMemory(999), WebSocketMessageType.Binary, true, CancellationToken.None);
        WebSocketReceivedMessage message = await connection.ReceiveMessageAsync().AsTask().WaitAsync(s_timeout);
        Assert.Equal(WebSocketMessageType.Binary, message.MessageType);
        Assert.Equal(whole, message.Payload.ToArray());
    }

    [Fact(Timeout = 20_000)]
    public async Task Close_from_the_bcl_server_and_from_the_client()
    {
        await using var server = new RawWebSocketServer();
        Task<RawServerConnection> accept1 = server.AcceptAsync();
        await using (WebSocketConnection connection = await WebSocketConnection.ConnectAsync(server.Uri, new WebSocketConnectionOptions(), CancellationToken.None))
        {
            await using RawServerConnection raw = await accept1;
            using WebSocket bcl = WebSocket.CreateFromStream(raw.Stream, new WebSocketCreationOptions { IsServer = true });
            Task<WebSocketReceivedMessage> receive = connection.ReceiveMessageAsync().AsTask();
            await bcl.CloseAsync(WebSocketCloseStatus.PolicyViolation, "policy", CancellationToken.None).WaitAsync(s_timeout);
            Assert.Equal(WebSocketState.Closed, bcl.State); // the BCL server got our close reply
            WebSocketReceivedMessage message = await receive.WaitAsync(s_timeout);
            Assert.Equal(WebSocketCloseStatus.PolicyViolation, message.CloseStatus);
            Assert.Equal("policy", message.CloseStatusDescription);
            Assert.Equal(ShutdownReason.RemoteClose, connection.ShutdownReason);
        }

        Task<RawServerConnection> accept2 = server.AcceptAsync();
        await using (WebSocketConnection connection = await WebSocketConnection.ConnectAsync(server.Uri, new WebSocketConnectionOptions(), CancellationToken.None))
        {
            await using RawServerConnection raw = await accept2;
            using WebSocket bcl = WebSocket.CreateFromStream(raw.Stream, new WebSocketCreationOptions { IsServer = true });
            Task serverSide = Task.Run(async () =>
            {
                ValueWebSocketReceiveResult result = await bcl.ReceiveAsync(new byte[16].AsMemory(), CancellationToken.None);
                Assert.Equal(WebSocketMessageType.Close, result.MessageType);
                await bcl.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            });
            await connection.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "going away").AsTask().WaitAsync(s_timeout);
            await serverSide.WaitAsync(s_timeout);
            Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, bcl.CloseStatus);
            Assert.Equal("going away", bcl.CloseStatusDescription);
            Assert.Equal(ShutdownReason.LocalClose, connection.ShutdownReason);
            Assert.Equal(WebSocketState.Closed, connection.State);
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task Ten_thousand_sends_from_two_threads_arrive_whole_and_in_per_thread_order()
    {
        await using var server = new RawWebSocketServer();
        Task<RawServerConnection> accept = server.AcceptAsync();
        await using WebSocketConnection connection = await WebSocketConnection.ConnectAsync(server.Uri, new WebSocketConnectionOptions(), CancellationToken.None);
        await using RawServerConnection raw = await accept;
        using WebSocket bcl = WebSocket.CreateFromStream(raw.Stream, new WebSocketCreationOptions { IsServer = true });
        const int PerThread = 5_000;

        Task<List<string>> collect = Task.Run(async () =>
        {
            var messages = new List<string>(2 * PerThread);
            while (messages.Count < 2 * PerThread)
            {
                (_, byte[] data) = await ReceiveWholeAsync(bcl);
                messages.Add(Encoding.UTF8.GetString(data));
            }

            return messages;
        });

        async Task SendManyAsync(char thread)
        {
            await Task.Yield();
            for (int i = 0; i < PerThread; i++)
            {
                // Variable sizes so frames of both senders would visibly interleave if the lock failed.
                string body = $"{thread}:{i:D5}:" + new string(thread, i % 300);
                await connection.SendAsync(Encoding.UTF8.GetBytes(body), WebSocketMessageType.Text, true);
            }
        }

        await Task.WhenAll(Task.Run(() => SendManyAsync('A')), Task.Run(() => SendManyAsync('B'))).WaitAsync(s_timeout);
        List<string> received = await collect.WaitAsync(s_timeout);
        Assert.Equal(2 * PerThread, received.Count);
        foreach (char thread in "AB")
        {
            string[] mine = received.Where(m => m[0] == thread).ToArray();
            Assert.Equal(PerThread, mine.Length);
            for (int i = 0; i < PerThread; i++)
            {
                Assert.Equal($"{thread}:{i:D5}:" + new string(thread, i % 300), mine[i]);
            }
        }
    }

    [Fact(Timeout = 15_000)]
    public async Task Cancelling_a_receive_stops_it_within_a_second_and_the_server_sees_the_socket_close()
    {
        await using var server = new RawWebSocketServer();
        Task<RawServerConnection> accept = server.AcceptAsync();
        await using WebSocketConnection connection = await WebSocketConnection.ConnectAsync(server.Uri, new WebSocketConnectionOptions(), CancellationToken.None);
        await using RawServerConnection raw = await accept;
        using var cts = new CancellationTokenSource();
        Task<WebSocketReceivedMessage> receive = connection.ReceiveMessageAsync(cts.Token).AsTask();
        await Task.Delay(100);
        Assert.False(receive.IsCompleted);

        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => receive.WaitAsync(TimeSpan.FromSeconds(1)));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1), $"receive took {stopwatch.Elapsed} to stop");
        Assert.Equal(WebSocketState.Aborted, connection.State);
        Assert.Equal(ShutdownReason.Canceled, connection.ShutdownReason);
        Assert.True(await raw.SeesEndOfStreamAsync(TimeSpan.FromSeconds(1)));
    }

    [Fact(Timeout = 15_000)]
    public async Task Disposing_stops_a_pending_receive_within_a_second_and_the_server_sees_the_socket_close()
    {
        await using var server = new RawWebSocketServer();
        Task<RawServerConnection> accept = server.AcceptAsync();
        WebSocketConnection connection = await WebSocketConnection.ConnectAsync(server.Uri, new WebSocketConnectionOptions(), CancellationToken.None);
        await using RawServerConnection raw = await accept;
        Task<WebSocketReceivedMessage> receive = connection.ReceiveMessageAsync().AsTask();
        await Task.Delay(100);

        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        await connection.DisposeAsync();
        WebSocketConnectionException ex = await Assert.ThrowsAsync<WebSocketConnectionException>(() => receive.WaitAsync(TimeSpan.FromSeconds(1)));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1), $"receive took {stopwatch.Elapsed} to stop");
        Assert.Equal(ShutdownReason.Disposed, ex.Reason);
        Assert.True(await raw.SeesEndOfStreamAsync(TimeSpan.FromSeconds(1)));
        await connection.DisposeAsync(); // idempotent
    }

    [Fact(Timeout = 15_000)]
    public async Task Keep_alive_sends_pings_that_the_bcl_server_answers_transparently()
    {
        await using var server = new RawWebSocketServer();
        Task<RawServerConnection> accept = server.AcceptAsync();
        var options = new WebSocketConnectionOptions { KeepAliveInterval = TimeSpan.FromMilliseconds(50) };
        await using WebSocketConnection connection = await WebSocketConnection.ConnectAsync(server.Uri, options, CancellationToken.None);
        await using RawServerConnection raw = await accept;
        (bool fin, int opcode, byte[] payload) = await raw.ReadClientFrameAsync();
        Assert.True(fin);
        Assert.Equal(0x9, opcode);
        Assert.Empty(payload);
    }

    private static async Task EchoOneMessageAsync(WebSocket socket)
    {
        (WebSocketMessageType type, byte[] data) = await ReceiveWholeAsync(socket);
        await socket.SendAsync(data, type, true, CancellationToken.None);
    }

    private static async Task<(WebSocketMessageType Type, byte[] Data)> ReceiveWholeAsync(WebSocket socket)
    {
        var buffer = new byte[64 * 1024];
        using var collected = new MemoryStream();
        while (true)
        {
            ValueWebSocketReceiveResult result = await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
            collected.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return (result.MessageType, collected.ToArray());
            }
        }
    }
}
