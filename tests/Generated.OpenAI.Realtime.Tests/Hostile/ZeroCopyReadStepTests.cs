using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Models;
using Generated.OpenAI.Runtime.Tests.WebSockets;
using Generated.OpenAI.WebSockets;
using Xunit;
using static Generated.OpenAI.Realtime.Tests.Hostile.HostilePeer;

namespace Generated.OpenAI.Realtime.Tests.Hostile;

/// <summary>
/// Under <see cref="RealtimeSessionOptions.ZeroCopyAudioDeltas"/>, and under the default options while the loop parks
/// softly after a lent delta, a read that hands back a lent delta runs the receive loop's next step itself (a receive
/// that completes at once, then the message): what the loop would have done, in the same order, with the same end. Each case mixes what the reader keeps (lent deltas) with what it hands to the
/// loop (other events, a receive that waits, the close, a failure, dispose).
/// </summary>
[Collection(TimingSensitiveCollection.Name)]
public sealed class ZeroCopyReadStepTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    /// <summary>Zero-copy (the loop parks for every delta), or the default (lent deltas: it parks softly).</summary>
    private static RealtimeSessionOptions Options(bool zeroCopy) => new() { ZeroCopyAudioDeltas = zeroCopy, KeepAliveInterval = TimeSpan.Zero, CloseTimeout = TimeSpan.FromMilliseconds(200) };

    [Theory(Timeout = 60000)]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Deltas_and_other_events_arrive_in_order_across_pauses_and_the_stream_ends_at_the_servers_close(bool zeroCopy)
    {
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();
        (RealtimeVoiceSession session, RawServerConnection server) = await HostileServerTests.ConnectVoiceAsync(peer, client, Options(zeroCopy));
        await using RealtimeVoiceSession _ = session;
        await using RawServerConnection __ = server;

        // A burst the reader steps through (deltas of two sizes, a transcript delta between them), then a pause (the
        // reader's receive waits and goes to the loop), then more, then the close.
        var expected = new List<string>();
        for (int i = 0; i < 40; i++)
        {
            string itemId = "item_" + (i / 10);
            await SendAsync(server, i % 7 == 3 ? Transcript(i) : AudioDelta(2 * (i + 1), itemId));
            expected.Add(i % 7 == 3 ? "t" + i : itemId + ":" + (2 * (i + 1)));
        }

        var seen = new List<string>();
        async Task ReadAsync(int count)
        {
            for (int k = 0; k < count; k++)
            {
                RealtimeServerEvent e = (await session.ReadEventAsync().AsTask().WaitAsync(Patience))!;
                seen.Add(e.IsResponseOutputAudioTranscriptDelta
                    ? e.AsResponseOutputAudioTranscriptDelta().Delta
                    : e.AsResponseOutputAudioDelta().ItemId + ":" + RealtimeVoiceSession.DecodedLength(e.AsResponseOutputAudioDelta().Delta));
            }
        }

        await ReadAsync(40);
        Task waiting = ReadAsync(3); // nothing sent yet: the receive waits
        await Task.Delay(200);
        Assert.False(waiting.IsCompleted);
        for (int i = 40; i < 43; i++)
        {
            await SendAsync(server, AudioDelta(2 * (i + 1), "item_4"));
            expected.Add("item_4:" + (2 * (i + 1)));
            await Task.Delay(20);
        }

        await waiting.WaitAsync(Patience);
        Assert.Equal(expected, seen);
        Assert.Equal(82 + 84 + 86, session.CurrentItemAudioBytes); // item_4's audio, counted by whichever side ran the step
        await server.WriteAsync(RawServerConnection.Frame(0x88, [0x03, 0xE8]));
        Assert.Null(await session.ReadEventAsync().AsTask().WaitAsync(Patience));
        await session.Completion.WaitAsync(Patience);
        Assert.Null(session.TerminalException);
    }

    [Theory(Timeout = 60000)]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_malformed_message_after_lent_deltas_ends_the_session_with_the_error_the_reader_sees_and_close_1007(bool zeroCopy)
    {
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();
        (RealtimeVoiceSession session, RawServerConnection server) = await HostileServerTests.ConnectVoiceAsync(peer, client, Options(zeroCopy));
        await using RealtimeVoiceSession _ = session;
        await using RawServerConnection __ = server;

        for (int i = 0; i < 5; i++)
        {
            await SendAsync(server, AudioDelta(480));
        }

        await SendAsync(server, "{\"type\":\"response.output_audio.delta\",\"delta\":\"AQ\u0001D\"}");
        for (int i = 0; i < 5; i++)
        {
            Assert.True((await session.ReadEventAsync().AsTask().WaitAsync(Patience))!.IsResponseOutputAudioDelta);
        }

        await Assert.ThrowsAsync<RealtimeProtocolException>(() => session.ReadEventAsync().AsTask().WaitAsync(Patience));
        Assert.Equal(1007, await ReadCloseStatusAsync(server, Patience));
        await session.Completion.WaitAsync(Patience);
        Assert.IsType<RealtimeProtocolException>(session.TerminalException);
    }

    [Theory(Timeout = 60000)]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Dispose_while_the_reader_holds_a_lent_delta_and_the_server_keeps_sending_ends_everything_within_a_second(bool zeroCopy)
    {
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();
        (RealtimeVoiceSession session, RawServerConnection server) = await HostileServerTests.ConnectVoiceAsync(peer, client, Options(zeroCopy));
        await using RawServerConnection __ = server;
        using var stop = new CancellationTokenSource();
        Task sending = Task.Run(async () =>
        {
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    await SendAsync(server, AudioDelta(480));
                }
            }
            catch (Exception)
            {
                // The client went away.
            }
        });

        Task reading = Task.Run(async () =>
        {
            try
            {
                while (await session.ReadEventAsync() is not null)
                {
                }
            }
            catch (Exception ex) when (ex is RealtimeSessionClosedException or WebSocketConnectionException or OperationCanceledException or ObjectDisposedException)
            {
            }
        });

        await Task.Delay(300);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await session.DisposeAsync().AsTask().WaitAsync(Patience);
        await reading.WaitAsync(Patience);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"{watch.Elapsed} to dispose and end the read");
        Assert.True(session.Completion.IsCompleted);
        stop.Cancel();
        await sending.WaitAsync(Patience);
    }

    private static string Transcript(int i)
        => $$"""{"type":"response.output_audio_transcript.delta","event_id":"s","response_id":"resp_1","item_id":"item_1","output_index":0,"content_index":0,"delta":"t{{i}}"}""";
}
