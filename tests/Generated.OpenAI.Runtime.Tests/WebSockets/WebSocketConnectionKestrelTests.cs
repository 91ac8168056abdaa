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

public sealed class WebSocketConnectionKestrelTests : IClassFixture<KestrelWebSocketServer>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);
    private readonly KestrelWebSocketServer _server;

    public WebSocketConnectionKestrelTests(KestrelWebSocketServer server)
    {
        _server = server;
    }

    public static IEnumerable<object[]> SizesAndTypes()
        => WebSocketTestData.Sizes.SelectMany(size => new[] { new object[] { size, true }, [size, false] });

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(SizesAndTypes))]
    public async Task Echo_round_trip_is_byte_for_byte(int size, bool text)
    {
        await using WebSocketConnection connection = await ConnectAsync("/echo");
        byte[] payload = WebSocketTestData.Payload(size, text);
        WebSocketMessageType type = text ? WebSocketMessageType.Text : WebSocketMessageType.Binary;
        // Receive concurrently: a 16 MiB echo would otherwise fill both TCP windows and stall.
        Task<WebSocketReceivedMessage> receive = connection.ReceiveMessageAsync().AsTask();
        await connection.SendAsync(payload, type, endOfMessage: true).AsTask().WaitAsync(s_timeout);
        WebSocketReceivedMessage message = await receive.WaitAsync(s_timeout);
        Assert.Equal(type, message.MessageType);
        Assert.Equal(size, message.Payload.Length);
        Assert.True(payload.AsSpan().SequenceEqual(message.Payload.ToArray()));
    }

    [Fact(Timeout = 20_000)]
    public async Task Fragmented_message_from_the_client_comes_back_whole()
    {
        await using WebSocketConnection connection = await ConnectAsync("/echo");
        byte[] whole = WebSocketTestData.Payload(200_000, text: true);
        Task<WebSocketReceivedMessage> receive = connection.ReceiveMessageAsync().AsTask();
        await connection.SendAsync(whole.AsMemory(0, 70_000), WebSocketMessageType.Text, endOfMessage: false);
        await connection.SendAsync(whole.AsMemory(70_000, 1), WebSocketMessageType.Text, endOfMessage: false);
        await connection.SendAsync(whole.AsMemory(70_001), WebSocketMessageType.Text, endOfMessage: true);
        await connection.SendAsync("after"u8.ToArray(), WebSocketMessageType.Binary, endOfMessage: true);

        // The echo server answers in 64 KiB chunks, so the client reassembles a fragmented message here.
        WebSocketReceivedMessage first = await receive.WaitAsync(s_timeout);
        Assert.Equal(WebSocketMessageType.Text, first.MessageType);
        Assert.Equal(whole, first.Payload.ToArray());
        WebSocketReceivedMessage second = await connection.ReceiveMessageAsync().AsTask().WaitAsync(s_timeout);
        Assert.Equal(WebSocketMessageType.Binary, second.MessageType);
        Assert.Equal("after"u8.ToArray(), second.Payload.ToArray());
    }

    [Fact(Timeout = 20_000)]
    public async Task Handshake_negotiates_the_subprotocol_and_the_server_sees_the_extra_headers()
    {
        var options = new WebSocketConnectionOptions();
        options.SubProtocols.Add("other");
        options.SubProtocols.Add("realtime");
        options.Headers["Authorization"] = "Bearer sk-test-123";
        options.Headers["OpenAI-Safety-Identifier"] = "user-hash-1";
        await using WebSocketConnection connection = await WebSocketConnection.ConnectAsync(_server.Endpoint("/echo?probe=headers"), options, CancellationToken.None);
        Assert.Equal("realtime", connection.SubProtocol);
        Assert.Contains(_server.Requests, r => r.Authorization == "Bearer sk-test-123" && r.SafetyIdentifier == "user-hash-1" && r.SubProtocol == "realtime");
        await connection.SendAsync("ping"u8.ToArray(), WebSocketMessageType.Text, true);
        Assert.Equal("ping", Encoding.UTF8.GetString((await connection.ReceiveMessageAsync()).Payload.ToArray()));
    }

    [Fact(Timeout = 20_000)]
    public async Task Refused_upgrade_is_a_typed_exception_with_status_and_headers_but_no_credentials()
    {
        var options = new WebSocketConnectionOptions();
        options.Headers["Authorization"] = "Bearer sk-very-secret";
        WebSocketHandshakeException ex = await Assert.ThrowsAsync<WebSocketHandshakeException>(
            async () => await WebSocketConnection.ConnectAsync(_server.Endpoint("/deny"), options, CancellationToken.None));
        Assert.Equal(401, ex.StatusCode);
        Assert.Equal(ShutdownReason.HandshakeFailed, ex.Reason);
        Assert.Contains(ex.ResponseHeaders, h => h.Key.Equals("WWW-Authenticate", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("{\"error\":\"invalid_key_x\"}", ex.ResponseBody);
        Assert.DoesNotContain("sk-very-secret", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 20_000)]
    public async Task Close_from_the_server_is_reported_and_answered()
    {
        await using WebSocketConnection connection = await ConnectAsync("/close");
        WebSocketReceivedMessage message = await connection.ReceiveMessageAsync().AsTask().WaitAsync(s_timeout);
        Assert.Equal(WebSocketMessageType.Close, message.MessageType);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, message.CloseStatus);
        Assert.Equal("bye", message.CloseStatusDescription);
        Assert.Equal(WebSocketState.Closed, connection.State);
        Assert.Equal(ShutdownReason.RemoteClose, connection.ShutdownReason);
        WebSocketConnectionException after = await Assert.ThrowsAsync<WebSocketConnectionException>(async () => await connection.ReceiveMessageAsync());
        Assert.Equal(ShutdownReason.RemoteClose, after.Reason);
    }

    [Fact(Timeout = 20_000)]
    public async Task Close_from_the_client_completes_the_handshake()
    {
        await using WebSocketConnection connection = await ConnectAsync("/echo");
        int before = _server.ServerObservedCloseStatuses.Count;
        await connection.CloseAsync(WebSocketCloseStatus.NormalClosure, "done").AsTask().WaitAsync(s_timeout);
        Assert.Equal(WebSocketState.Closed, connection.State);
        Assert.Equal(ShutdownReason.LocalClose, connection.ShutdownReason);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, connection.CloseStatus);
        Assert.True(_server.ServerObservedCloseStatuses.Count > before);
        await Assert.ThrowsAsync<WebSocketConnectionException>(async () => await connection.SendAsync(new byte[1], WebSocketMessageType.Binary, true));
    }

    [Fact(Timeout = 20_000)]
    public async Task Close_while_a_receive_is_pending_ends_both()
    {
        await using WebSocketConnection connection = await ConnectAsync("/echo");
        Task<WebSocketReceivedMessage> receive = connection.ReceiveMessageAsync().AsTask();
        await connection.CloseAsync(WebSocketCloseStatus.NormalClosure, null).AsTask().WaitAsync(s_timeout);
        WebSocketReceivedMessage message = await receive.WaitAsync(s_timeout);
        Assert.Equal(WebSocketMessageType.Close, message.MessageType);
        Assert.Equal(ShutdownReason.LocalClose, connection.ShutdownReason);
    }

    private async Task<WebSocketConnection> ConnectAsync(string path)
        => await WebSocketConnection.ConnectAsync(_server.Endpoint(path), new WebSocketConnectionOptions(), CancellationToken.None).AsTask().WaitAsync(s_timeout);
}
