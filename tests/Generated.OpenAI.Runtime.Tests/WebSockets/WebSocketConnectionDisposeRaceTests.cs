using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.WebSockets;
using Xunit;
using Xunit.Abstractions;

namespace Generated.OpenAI.Runtime.Tests.WebSockets;

/// <summary>
/// DisposeAsync while the receiver runs and a fast ws:// server sends (the socket transport, FrameAlignedPipeReader): every
/// receive ends with a message or the typed <see cref="WebSocketConnectionException"/>, never a
/// <see cref="NullReferenceException"/> from the reader or an <see cref="InvalidOperationException"/> about a second receive.
/// </summary>
public sealed class WebSocketConnectionDisposeRaceTests
{
    private readonly ITestOutputHelper _output;

    public WebSocketConnectionDisposeRaceTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact(Timeout = 60_000)]
    public async Task Disposing_while_a_fast_server_sends_ends_every_receive_with_a_message_or_the_typed_error()
    {
        await using var server = new RawWebSocketServer();
        byte[] frames = Enumerable.Range(0, 16).SelectMany(i => RawServerConnection.Frame(0x82, new byte[100 + (i * 37)])).ToArray();
        var outcomes = new Dictionary<string, int>();
        var clock = Stopwatch.StartNew();
        int rounds = 0;
        while (rounds < 400 && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            rounds++;
            Task<RawServerConnection> accepting = server.AcceptAsync();
            WebSocketConnection connection = await WebSocketConnection.ConnectAsync(server.Uri, new WebSocketConnectionOptions(), CancellationToken.None);
            await using RawServerConnection peer = await accepting;
            using var stop = new CancellationTokenSource();
            Task sending = peer.WriteRepeatedlyAsync(frames, TimeSpan.Zero, stop.Token);

            int messages = 0;
            Exception? ended = null;
            Task receiving = Task.Run(async () =>
            {
                try
                {
                    while (true)
                    {
                        WebSocketReceivedMessage message = await connection.ReceiveMessageAsync();
                        Assert.Equal(WebSocketMessageType.Binary, message.MessageType);
                        messages++;
                    }
                }
                catch (Exception ex)
                {
                    ended = ex;
                }
            });

            // Dispose a little later each round: before the first message, between messages, in a burst.
            await Task.Delay(rounds % 3);
            if (rounds % 2 == 0)
            {
                Thread.SpinWait(rounds * 20 % 5_000);
            }

            await connection.DisposeAsync();
            await receiving.WaitAsync(TimeSpan.FromSeconds(5));
            stop.Cancel();
            await sending.WaitAsync(TimeSpan.FromSeconds(5));

            Assert.NotNull(ended);
            Assert.True(ended is WebSocketConnectionException, $"round {rounds}, after {messages} messages: {ended}");
            Assert.False(ended.InnerException is NullReferenceException, $"round {rounds}: {ended}");
            Assert.Equal(ShutdownReason.Disposed, connection.ShutdownReason);
            string key = ended.InnerException?.GetType().Name ?? "(no inner)";
            outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
        }

        _output.WriteLine($"{rounds} rounds in {clock.Elapsed.TotalSeconds:F1} s: " + string.Join(", ", outcomes.Select(o => $"{o.Key} {o.Value}")));
        Assert.True(rounds >= 50, $"only {rounds} rounds");
    }
}
