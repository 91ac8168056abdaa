using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Models;
using Generated.OpenAI.Runtime.Tests.WebSockets;
using Generated.OpenAI.Serialization;
using Generated.OpenAI.WebSockets;
using Xunit;
using Xunit.Abstractions;
using static Generated.OpenAI.Realtime.Tests.Hostile.HostilePeer;
using static Generated.OpenAI.Realtime.Tests.Hostile.NumberedAudioDeltas;

namespace Generated.OpenAI.Realtime.Tests.Hostile;

/// <summary>
/// The default typed audio delta: LENT on the connection's retained message until the app reads past it, while the
/// receive loop goes on receiving and queueing (it never waits for the app). Each delta keeps its own bytes while later
/// messages arrive; it is released on read, on a DropOldestAudio drop and on dispose; a fragmented one is lent on a
/// copy; an app that holds one forever while the server floods what is not queued stays bounded.
/// </summary>
[Collection(TimingSensitiveCollection.Name)]
public sealed class LentAudioDeltaTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private static RealtimeSessionOptions Default => new() { KeepAliveInterval = TimeSpan.Zero, CloseTimeout = TimeSpan.FromMilliseconds(200) };

    private static int SizeOf(int index) => index % 3 == 0 ? 4800 : index % 3 == 1 ? 960 : 19_200;

    [Fact(Timeout = 60000)]
    public async Task The_loop_runs_ahead_and_every_queued_delta_keeps_its_own_bytes_until_it_is_read()
    {
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();
        (RealtimeVoiceSession session, RawServerConnection server) = await HostileServerTests.ConnectVoiceAsync(peer, client, Default);
        await using RealtimeVoiceSession _ = session;
        await using RawServerConnection __ = server;

        // Nothing is read meanwhile: the loop receives and queues all of them (about 280 KB over several 64 KiB buffers).
        const int Count = 30;
        for (int i = 0; i < Count; i++)
        {
            await SendAsync(server, Delta(i, SizeOf(i)));
        }

        await WaitUntilAsync(() => session.QueuedEvents == Count);
        for (int i = 0; i < Count; i++)
        {
            RealtimeServerEvent e = (await session.ReadEventAsync().AsTask().WaitAsync(Patience))!;
            Assert.Equal("event_" + i, e.AsResponseOutputAudioDelta().EventId);
            Assert.Equal(Pcm(i, SizeOf(i)), Decode(e));
        }

        output.WriteLine($"{session.CopiedAudioDeltas} of {Count} lent on a copy (straddled two receive buffers)");
        Assert.True(session.CopiedAudioDeltas < Count / 2, $"{session.CopiedAudioDeltas} copied");
    }

    [Fact(Timeout = 60000)]
    public async Task A_call_answered_by_a_later_event_completes_while_the_app_holds_a_lent_delta()
    {
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();
        (RealtimeVoiceSession session, RawServerConnection server) = await HostileServerTests.ConnectVoiceAsync(peer, client, Default);
        await using RealtimeVoiceSession _ = session;
        await using RawServerConnection __ = server;

        await SendAsync(server, Delta(1, 4800));
        RealtimeServerEvent held = (await session.ReadEventAsync().AsTask().WaitAsync(Patience))!;

        // Under ZeroCopyAudioDeltas this would wait for the app's next read; lent on a retained message it does not.
        Task update = session.UpdateSessionAsync(new RealtimeSessionConfig { Instructions = "hi" });
        System.Text.Json.JsonElement sent = await ReadClientEventAsync(server, "session.update");
        await SendAsync(server, """{"type":"session.updated","event_id":"s","session":""" + sent.GetProperty("session").GetRawText() + "}");
        await SendAsync(server, Delta(2, 960));
        await update.WaitAsync(Patience);
        Assert.Equal(Pcm(1, 4800), Decode(held)); // still intact: the app has not read past it

        RealtimeServerEvent next = (await ReadSkippingAsync(session, e => e.IsResponseOutputAudioDelta))!;
        Assert.Equal(Pcm(2, 960), Decode(next));
    }

    [Fact(Timeout = 60000)]
    public async Task Drop_oldest_releases_the_dropped_deltas()
    {
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();
        RealtimeSessionOptions options = Default;
        options.Backpressure = RealtimeBackpressure.DropOldestAudio;
        options.MaxQueuedEvents = 4;
        (RealtimeVoiceSession session, RawServerConnection server) = await HostileServerTests.ConnectVoiceAsync(peer, client, options);
        await using RealtimeVoiceSession _ = session;
        await using RawServerConnection __ = server;

        const int Count = 40;
        for (int i = 0; i < Count; i++)
        {
            await SendAsync(server, Delta(i, 4800));
        }

        await WaitUntilAsync(() => session.DroppedAudioDeltas == Count - 4);
        await Task.Delay(100); // the loop is waiting for the socket again

        // Only the four queued deltas (and what followed the oldest of them) are still held: the dropped ones were released.
        long retained = session.RetainedBytes;
        output.WriteLine($"{retained} bytes retained for 4 queued deltas of {Delta(0, 4800).Length} bytes");
        Assert.InRange(retained, 4 * Delta(0, 4800).Length, 5 * (Delta(0, 4800).Length + 4));
        for (int i = Count - 4; i < Count; i++)
        {
            Assert.Equal(Pcm(i, 4800), Decode((await session.ReadEventAsync().AsTask().WaitAsync(Patience))!));
        }
    }

    [Fact(Timeout = 60000)]
    public async Task A_fragmented_delta_is_lent_on_a_copy_and_reads_correctly()
    {
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();
        (RealtimeVoiceSession session, RawServerConnection server) = await HostileServerTests.ConnectVoiceAsync(peer, client, Default);
        await using RealtimeVoiceSession _ = session;
        await using RawServerConnection __ = server;

        byte[] json = System.Text.Encoding.UTF8.GetBytes(Delta(7, 4800));
        await server.WriteAsync([.. RawServerConnection.Frame(0x01, json.AsSpan(0, 1000)), .. RawServerConnection.Frame(0x80, json.AsSpan(1000))]);
        await SendAsync(server, Delta(8, 960));
        RealtimeServerEvent first = (await session.ReadEventAsync().AsTask().WaitAsync(Patience))!;
        Assert.Equal(Pcm(7, 4800), Decode(first));
        await WaitUntilAsync(() => session.QueuedEvents == 1); // the next message went through the reassembly buffer's side
        Assert.Equal(Pcm(7, 4800), Decode(first));
        Assert.Equal(Pcm(8, 960), Decode((await session.ReadEventAsync().AsTask().WaitAsync(Patience))!));
        Assert.Equal(1, session.CopiedAudioDeltas);
    }

    [Fact(Timeout = 60000)]
    public async Task With_the_default_byte_bound_the_retained_messages_stop_at_one_MiB()
    {
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();
        RealtimeSessionOptions options = Default;
        Assert.Equal(16L * 1024 * 1024, options.MaxQueuedBytes);
        (RealtimeVoiceSession session, RawServerConnection server) = await HostileServerTests.ConnectVoiceAsync(peer, client, options);
        await using RealtimeVoiceSession _ = session;
        await using RawServerConnection __ = server;

        // 4 MiB of deltas that the app does not read: the queue would take them all (16 MiB), the retained bytes stop
        // the loop at 1 MiB (plus the read that crossed it) and the rest waits in the socket.
        const int Count = 640;
        int size = Delta(0, 4800).Length;
        using var stop = new CancellationTokenSource();
        Task sending = Task.Run(async () =>
        {
            for (int i = 0; i < Count; i++)
            {
                await SendAsync(server, Delta(i, 4800)).WaitAsync(stop.Token);
            }
        });

        await WaitUntilAsync(() => session.QueuedEvents > 100);
        int queued;
        do
        {
            queued = session.QueuedEvents;
            await Task.Delay(300);
        }
        while (session.QueuedEvents != queued);

        long retained = session.RetainedBytes;
        output.WriteLine($"{queued} deltas of {size} bytes queued, {retained} bytes retained");
        Assert.InRange(queued, 1, Count - 1);
        Assert.InRange(retained, 1, RealtimeVoiceSession.MaxRetainedBytes + 64 * 1024 + size);

        // Reading on lets the rest through, each delta intact.
        for (int i = 0; i < Count; i++)
        {
            Assert.Equal(Pcm(i, 4800), Decode((await session.ReadEventAsync().AsTask().WaitAsync(Patience))!));
        }

        await sending.WaitAsync(Patience);
    }

    [Fact(Timeout = 120000)]
    public async Task Holding_a_lent_delta_while_the_server_floods_pings_keeps_the_retained_bytes_bounded()
    {
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();
        RealtimeSessionOptions options = Default;
        options.MaxQueuedBytes = 256 * 1024;
        (RealtimeVoiceSession session, RawServerConnection server) = await HostileServerTests.ConnectVoiceAsync(peer, client, options);
        await using RawServerConnection __ = server;

        await SendAsync(server, Delta(3, 4800));
        RealtimeServerEvent held = (await session.ReadEventAsync().AsTask().WaitAsync(Patience))!; // and never read on

        // 64 MB of pings and hidden-from-the-queue traffic (the pongs the client sends back are drained): the connection
        // stops reading once 256 KiB are held behind the lent delta, so the writer stops, well before it is done.
        using var stop = new CancellationTokenSource();
        Task drain = server.DrainAsync(stop.Token);
        byte[] pings = [.. Enumerable.Range(0, 512).SelectMany(_ => RawServerConnection.Frame(0x89, new byte[125]))];
        long written = 0;
        Task flood = Task.Run(async () =>
        {
            while (written < 64L * 1024 * 1024 && !stop.IsCancellationRequested)
            {
                await server.Stream.WriteAsync(pings, stop.Token);
                Interlocked.Add(ref written, pings.Length);
            }
        });

        long before = GC.GetTotalMemory(forceFullCollection: true);
        await Task.Delay(1500);
        long writtenAfterPause = Interlocked.Read(ref written);
        await Task.Delay(500);
        Assert.False(flood.IsCompleted, "the server wrote all 64 MB: nothing held it back");
        long growth = GC.GetTotalMemory(forceFullCollection: true) - before;
        output.WriteLine($"server wrote {writtenAfterPause / 1024} KiB before TCP held it; managed heap grew {growth / 1024} KiB");
        Assert.True(growth < 16L * 1024 * 1024, $"heap grew {growth} bytes");
        Assert.Equal(Pcm(3, 4800), Decode(held));

        // Reading on releases the delta: the flood goes on through.
        Task<RealtimeServerEvent?> reading = session.ReadEventAsync().AsTask();
        await WaitUntilAsync(() => Interlocked.Read(ref written) > writtenAfterPause + 8L * 1024 * 1024);
        await stop.CancelAsync();
        await session.DisposeAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => flood);
        _ = reading;
    }

    [Fact(Timeout = 60000)]
    public async Task Dispose_releases_every_lent_delta_and_the_connection_returns_its_buffers()
    {
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();
        (RealtimeVoiceSession session, RawServerConnection server) = await HostileServerTests.ConnectVoiceAsync(peer, client, Default);
        await using RawServerConnection __ = server;
        for (int i = 0; i < 10; i++)
        {
            await SendAsync(server, Delta(i, 4800));
        }

        await WaitUntilAsync(() => session.QueuedEvents == 10);
        RealtimeServerEvent held = (await session.ReadEventAsync().AsTask().WaitAsync(Patience))!;
        Assert.Equal(Pcm(0, 4800), Decode(held));
        await session.DisposeAsync();
        Assert.Equal(0, session.RetainedBytes);
    }

    [Fact(Timeout = 30000)]
    public async Task A_default_typed_delta_allocates_nothing_in_steady_state()
    {
        // The loop's step on this thread (receive, then the step as the loop runs it), over a stream that replays deltas
        // of three sizes: each delta lent on its retained message (or a pooled copy when it straddles two buffers), and
        // released four deltas later, as a queue four deep would.
        byte[] script = [.. Enumerable.Range(0, 3).SelectMany(i => Text(Delta(i, SizeOf(i))))];
        var stream = new InMemoryWebSocketStream(script);
        WebSocketConnection connection = WebSocketConnection.CreateFromStream(stream, new WebSocketConnectionOptions());
        connection.FindsUnescapedTail = true;
        await using RealtimeVoiceSession session = new(connection, Default);
        var window = new IRealtimeEventLease?[4];
        long allocated = 0;
        const int Iterations = 3000;
        for (int round = 0; round < 2; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < Iterations; i++)
            {
                ValueTask<WebSocketReceivedMessage> receive = connection.ReceiveMessageAsync();
                Assert.True(receive.IsCompletedSuccessfully);
                window[i % window.Length]?.Release();
                RealtimeServerEvent? e = session.ProcessReceivedMessage(receive.Result, out window[i % window.Length]);
                if (round == 0 && i % 500 < 3)
                {
                    // Checked in the warm-up round only: the check allocates.
                    Assert.Equal(Pcm(i % 3, SizeOf(i % 3)), Decode(e!));
                }
            }

            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        }

        output.WriteLine($"{allocated / (double)Iterations} B per default typed delta; {session.CopiedAudioDeltas} of {2 * Iterations} lent on a pooled copy");
        Assert.Equal(0, allocated);
        Assert.True(session.CopiedAudioDeltas < Iterations / 2);
        foreach (IRealtimeEventLease? lease in window)
        {
            lease?.Release();
        }
    }

    [Fact(Timeout = 30000)]
    public async Task A_reader_that_keeps_up_runs_the_parked_loops_steps_itself_and_allocates_nothing()
    {
        // The session's real loop over a stream that replays deltas of three sizes, always ready: once the reader has
        // caught up, the loop parks softly after each delta and each read runs the next step on this thread, so the read
        // completes at once. Every event is the next in the script, intact.
        byte[] script = [.. Enumerable.Range(0, 3).SelectMany(i => Text(Delta(i, SizeOf(i))))];
        WebSocketConnection connection = WebSocketConnection.CreateFromStream(new InMemoryWebSocketStream(script), new WebSocketConnectionOptions());
        await using RealtimeVoiceSession session = new(connection, Default);
        session.Start();
        int next = -1;
        long allocated = -1; // of the last round whose reads all completed at once, on this thread

        // Returns how many reads completed at once.
        async Task<int> ReadRoundAsync(int count, bool check)
        {
            int inline = 0;
            int threadId = Environment.CurrentManagedThreadId;
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < count; i++)
            {
                ValueTask<RealtimeServerEvent?> read = session.ReadEventAsync();
                inline += read.IsCompletedSuccessfully ? 1 : 0;
                RealtimeServerEvent e = (read.IsCompletedSuccessfully ? read.Result : await read.AsTask().WaitAsync(Patience))!;
                if (check)
                {
                    int index = int.Parse(e.AsResponseOutputAudioDelta().EventId!.AsSpan("event_".Length), System.Globalization.CultureInfo.InvariantCulture);
                    Assert.True(next < 0 || index == next, $"read event_{index}, expected event_{next}");
                    Assert.Equal(Pcm(index, SizeOf(index)), Decode(e));
                    next = (index + 1) % 3;
                }
            }

            if (!check && inline == count && Environment.CurrentManagedThreadId == threadId)
            {
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            }

            return inline;
        }

        await ReadRoundAsync(3000, check: true);
        int inlineReads = 0;
        const int Iterations = 3000;
        for (int attempt = 0; attempt < 5 && allocated != 0; attempt++)
        {
            inlineReads = await ReadRoundAsync(Iterations, check: false);
        }

        output.WriteLine($"{inlineReads} of {Iterations} reads completed at once; {allocated} B");
        Assert.Equal(Iterations, inlineReads);
        Assert.Equal(0, allocated);
        await ReadRoundAsync(30, check: true);
    }

    private static async Task<RealtimeServerEvent?> ReadSkippingAsync(RealtimeVoiceSession session, Func<RealtimeServerEvent, bool> wanted)
    {
        while (await session.ReadEventAsync().AsTask().WaitAsync(Patience) is { } e)
        {
            if (wanted(e))
            {
                return e;
            }
        }

        return null;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
