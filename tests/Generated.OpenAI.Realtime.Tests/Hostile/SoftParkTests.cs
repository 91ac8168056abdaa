using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Models;
using Generated.OpenAI.Runtime.Tests.WebSockets;
using Generated.OpenAI.Serialization;
using Xunit;
using Xunit.Abstractions;
using static Generated.OpenAI.Realtime.Tests.Hostile.HostilePeer;
using static Generated.OpenAI.Realtime.Tests.Hostile.NumberedAudioDeltas;

namespace Generated.OpenAI.Realtime.Tests.Hostile;

/// <summary>
/// Under the default options the receive loop PARKS SOFTLY after a lent delta that the reader has caught up to, so that
/// the reader's next read runs the next step on its own thread. What must hold all the same: the loop never waits for
/// the app for long (a park with no read ends within two ticks: pings answered, later events queued), nor at all while a
/// call waits for an answer, after an audio sink is set, or for a close.
/// </summary>
[Collection(TimingSensitiveCollection.Name)]
public sealed class SoftParkTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    /// <summary>Two ticks and slack for a loaded machine: a soft park that sees no read ends within two ticks.</summary>
    private static readonly TimeSpan ParkBound = 2 * RealtimeSession<RealtimeServerEvent>.SoftParkTick + TimeSpan.FromSeconds(1.5);

    private static RealtimeSessionOptions Default => new() { KeepAliveInterval = TimeSpan.Zero, CloseTimeout = TimeSpan.FromMilliseconds(200) };

    [Fact(Timeout = 60000)]
    public async Task A_reader_that_keeps_up_finds_the_loop_parked_softly_and_one_that_holds_its_delta_does_not_hold_the_loop()
    {
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();
        (RealtimeVoiceSession session, RawServerConnection server) = await HostileServerTests.ConnectVoiceAsync(peer, client, Default);
        await using RealtimeVoiceSession _ = session;
        await using RawServerConnection __ = server;

        await SendAsync(server, AudioDelta(960, "item_1"));
        RealtimeServerEvent held = (await session.ReadEventAsync().AsTask().WaitAsync(Patience))!;
        Assert.True(held.IsResponseOutputAudioDelta);
        Assert.True(session.LoopParkedSoftly, "the reader had caught up: the loop parks after the delta");

        // The app holds the delta and does not read: the park ends by itself, and what the server sends next is queued.
        var watch = Stopwatch.StartNew();
        await WaitUntilAsync(() => !session.LoopParkedSoftly);
        output.WriteLine($"the soft park ended after {watch.ElapsedMilliseconds} ms without a read");
        Assert.True(watch.Elapsed < ParkBound, $"{watch.Elapsed}");
        for (int i = 0; i < 3; i++)
        {
            await SendAsync(server, AudioDelta(960, "item_2"));
        }

        await WaitUntilAsync(() => session.QueuedEvents == 3);
        Assert.Equal(960, RealtimeVoiceSession.DecodedLength(held.AsResponseOutputAudioDelta().Delta)); // still the app's
    }

    [Fact(Timeout = 60000)]
    public async Task A_server_ping_is_answered_while_the_app_holds_a_lent_delta_and_reads_nothing()
    {
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();
        (RealtimeVoiceSession session, RawServerConnection server) = await HostileServerTests.ConnectVoiceAsync(peer, client, Default);
        await using RealtimeVoiceSession _ = session;
        await using RawServerConnection __ = server;

        await SendAsync(server, AudioDelta(960));
        Assert.NotNull(await session.ReadEventAsync().AsTask().WaitAsync(Patience)); // held, never read past
        var watch = Stopwatch.StartNew();
        await server.WriteAsync(RawServerConnection.Frame(0x89, "soft"u8));
        (bool fin, int opcode, byte[] payload) = await server.ReadClientFrameAsync(Patience);
        output.WriteLine($"pong after {watch.ElapsedMilliseconds} ms");
        Assert.True(fin);
        Assert.Equal(0xA, opcode);
        Assert.Equal("soft"u8.ToArray(), payload);
        Assert.True(watch.Elapsed < ParkBound, $"{watch.Elapsed}");
    }

    [Fact(Timeout = 60000)]
    public async Task A_call_made_before_the_app_reads_a_delta_keeps_the_loop_from_parking_and_is_answered_while_the_app_holds_it()
    {
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();
        (RealtimeVoiceSession session, RawServerConnection server) = await HostileServerTests.ConnectVoiceAsync(peer, client, Default);
        await using RealtimeVoiceSession _ = session;
        await using RawServerConnection __ = server;

        // The call waits for its answer first; then a delta comes and the app holds it while it awaits the call.
        Task update = session.UpdateSessionAsync(new RealtimeSessionConfig { Instructions = "hi" });
        System.Text.Json.JsonElement sent = await ReadClientEventAsync(server, "session.update");
        await SendAsync(server, AudioDelta(960));
        RealtimeServerEvent held = (await session.ReadEventAsync().AsTask().WaitAsync(Patience))!;
        Assert.True(held.IsResponseOutputAudioDelta);
        Assert.False(session.LoopParkedSoftly, "a call waits for an answer: the loop must not park");

        var watch = Stopwatch.StartNew();
        await SendAsync(server, """{"type":"session.updated","event_id":"s","session":""" + sent.GetProperty("session").GetRawText() + "}");
        bool parkedWhileWaiting = session.LoopParkedSoftly;
        await update.WaitAsync(Patience);
        output.WriteLine($"answered after {watch.ElapsedMilliseconds} ms");
        Assert.False(parkedWhileWaiting, "the loop parked while a call waited for its answer");
    }

    [Fact(Timeout = 60000)]
    public async Task A_call_made_while_the_app_holds_a_delta_ends_the_park_at_once()
    {
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();
        (RealtimeVoiceSession session, RawServerConnection server) = await HostileServerTests.ConnectVoiceAsync(peer, client, Default);
        await using RealtimeVoiceSession _ = session;
        await using RawServerConnection __ = server;

        await HoldOneDeltaAsync(session, server);

        var watch = Stopwatch.StartNew();
        Task update = session.UpdateSessionAsync(new RealtimeSessionConfig { Instructions = "hi" });
        System.Text.Json.JsonElement sent = await ReadClientEventAsync(server, "session.update");
        Assert.False(session.LoopParkedSoftly, "the call's registration (before its frame went out) ends the park");
        await SendAsync(server, """{"type":"session.updated","event_id":"s","session":""" + sent.GetProperty("session").GetRawText() + "}");
        await update.WaitAsync(Patience);
        output.WriteLine($"answered after {watch.ElapsedMilliseconds} ms");
    }

    [Fact(Timeout = 60000)]
    public async Task An_audio_sink_set_while_the_app_holds_a_delta_gets_the_next_deltas_without_a_read()
    {
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();
        (RealtimeVoiceSession session, RawServerConnection server) = await HostileServerTests.ConnectVoiceAsync(peer, client, Default);
        await using RealtimeVoiceSession _ = session;
        await using RawServerConnection __ = server;

        await HoldOneDeltaAsync(session, server);

        long sunk = 0;
        var watch = Stopwatch.StartNew();
        session.AudioSink = pcm => Interlocked.Add(ref sunk, pcm.Length);
        Assert.False(session.LoopParkedSoftly);
        for (int i = 0; i < 3; i++)
        {
            await SendAsync(server, AudioDelta(960));
        }

        await WaitUntilAsync(() => Interlocked.Read(ref sunk) == 3 * 960);
        output.WriteLine($"sunk after {watch.ElapsedMilliseconds} ms");
        Assert.False(session.LoopParkedSoftly, "a loop with a sink never parks softly");
    }

    [Fact(Timeout = 60000)]
    public async Task CloseAsync_while_the_app_holds_a_delta_ends_the_stream()
    {
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();
        (RealtimeVoiceSession session, RawServerConnection server) = await HostileServerTests.ConnectVoiceAsync(peer, client, Default);
        await using RealtimeVoiceSession _ = session;
        await using RawServerConnection __ = server;

        await HoldOneDeltaAsync(session, server);

        // The server answers the close: the loop (unparked by the close) sees it and ends the stream.
        var watch = Stopwatch.StartNew();
        Task closing = session.CloseAsync();
        Assert.Equal(0x8, (await server.ReadClientFrameAsync(Patience)).Opcode);
        await server.WriteAsync(RawServerConnection.Frame(0x88, [0x03, 0xE8]));
        await closing.WaitAsync(Patience);
        output.WriteLine($"closed after {watch.ElapsedMilliseconds} ms");
        Assert.Null(await session.ReadEventAsync().AsTask().WaitAsync(Patience));
        await session.Completion.WaitAsync(Patience);
        Assert.Null(session.TerminalException);
    }

    [Fact(Timeout = 60000)]
    public async Task A_reader_that_keeps_up_is_lent_its_deltas_from_the_receive_buffer_without_retaining_them()
    {
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();
        (RealtimeVoiceSession session, RawServerConnection server) = await HostileServerTests.ConnectVoiceAsync(peer, client, Default);
        await using RealtimeVoiceSession _ = session;
        await using RawServerConnection __ = server;

        await HoldOneDeltaAsync(session, server);

        // In one write, there before the reads: each read's step receives the next delta at once and lends it itself.
        const int Count = 40;
        byte[] frames = [.. Enumerable.Range(1, Count).SelectMany(i => Text(Delta(i, 960)))];
        await server.WriteAsync(frames);
        await Task.Delay(100);
        for (int i = 1; i <= Count; i++)
        {
            RealtimeServerEvent e = (await session.ReadEventAsync().AsTask().WaitAsync(Patience))!;
            Assert.Equal("event_" + i, e.AsResponseOutputAudioDelta().EventId);
            Assert.Equal(Pcm(i, 960), Decode(e));
        }

        output.WriteLine($"{session.UnretainedAudioDeltas} of {Count} lent from the receive buffer, {session.CopiedAudioDeltas} on a copy");
        Assert.True(session.UnretainedAudioDeltas >= Count / 2, $"{session.UnretainedAudioDeltas} of {Count}");
        Assert.True(session.LoopParkedSoftly, "the reader keeps up: the loop stays parked");
    }

    [Theory(Timeout = 60000)]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_delta_lent_from_the_receive_buffer_stays_intact_when_the_park_ends_and_the_loop_receives_on(bool byCall)
    {
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();
        (RealtimeVoiceSession session, RawServerConnection server) = await HostileServerTests.ConnectVoiceAsync(peer, client, Default);
        await using RealtimeVoiceSession _ = session;
        await using RawServerConnection __ = server;

        await HoldOneDeltaAsync(session, server);
        await SendAsync(server, Delta(1, 19_200));
        await Task.Delay(100);
        RealtimeServerEvent held = (await session.ReadEventAsync().AsTask().WaitAsync(Patience))!;
        Assert.Equal("event_1", held.AsResponseOutputAudioDelta().EventId);
        Assert.Equal(1, session.UnretainedAudioDeltas); // the read's step lent it, not retained

        // The park ends while the app holds the delta (a call that waits for its answer, or a whole tick with no read):
        // the message is retained then, and the loop receives and queues a flood of larger deltas past it.
        Task? update = byCall ? session.UpdateSessionAsync(new RealtimeSessionConfig { Instructions = "hi" }) : null;
        System.Text.Json.JsonElement? sent = byCall ? await ReadClientEventAsync(server, "session.update") : null;
        await WaitUntilAsync(() => !session.LoopParkedSoftly);
        if (sent is { } request)
        {
            await SendAsync(server, """{"type":"session.updated","event_id":"s","session":""" + request.GetProperty("session").GetRawText() + "}");
            await update!.WaitAsync(Patience);
        }

        const int Flood = 12; // about 300 KB: several of the pipe's 64 KiB buffers
        byte[] frames = [.. Enumerable.Range(2, Flood).SelectMany(i => Text(Delta(i, 19_200)))];
        await server.WriteAsync(frames);
        int queuedBefore = byCall ? 1 : 0; // session.updated
        await WaitUntilAsync(() => session.QueuedEvents >= queuedBefore + Flood);
        Assert.Equal(Pcm(1, 19_200), Decode(held)); // still the app's: retained when the park ended
        for (int i = 2; i < 2 + Flood; i++)
        {
            RealtimeServerEvent e = (await session.ReadEventAsync().AsTask().WaitAsync(Patience))!;
            if (!e.IsResponseOutputAudioDelta)
            {
                e = (await session.ReadEventAsync().AsTask().WaitAsync(Patience))!;
            }

            Assert.Equal(Pcm(i, 19_200), Decode(e));
        }
    }

    [Fact(Timeout = 60000)]
    public async Task Under_CopyAudioDeltas_a_reader_that_keeps_up_finds_the_loop_parked_softly_and_a_call_ends_the_park()
    {
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();
        RealtimeSessionOptions options = Default;
        options.CopyAudioDeltas = true;
        (RealtimeVoiceSession session, RawServerConnection server) = await HostileServerTests.ConnectVoiceAsync(peer, client, options);
        await using RealtimeVoiceSession _ = session;
        await using RawServerConnection __ = server;

        await SendAsync(server, Delta(0, 960));
        RealtimeServerEvent first = (await session.ReadEventAsync().AsTask().WaitAsync(Patience))!;
        Assert.True(session.LoopParkedSoftly, "the reader had caught up with a copied delta: the loop parks after it");

        // The reads' steps copy the next deltas on this thread, the loop staying parked; each copy is the app's to keep.
        const int Count = 20;
        byte[] frames = [.. Enumerable.Range(1, Count).SelectMany(i => Text(Delta(i, 960)))];
        await server.WriteAsync(frames);
        await Task.Delay(100);
        var kept = new List<RealtimeServerEvent> { first };
        for (int i = 1; i <= Count; i++)
        {
            kept.Add((await session.ReadEventAsync().AsTask().WaitAsync(Patience))!);
        }

        Assert.True(session.LoopParkedSoftly, "the reader keeps up: the loop stays parked");
        GC.Collect();
        var arrays = new HashSet<byte[]>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i <= Count; i++)
        {
            Base64Data audio = kept[i].AsResponseOutputAudioDelta().Delta;
            Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(audio.EncodedUtf8, out ArraySegment<byte> segment));
            // A copy of its own, not a slice of a receive buffer or of a pooled block: the array starts with the base64
            // and holds only the event_id's bytes after it; no other event has it.
            Assert.Equal(0, segment.Offset);
            Assert.Equal(segment.Count + $"event_{i}".Length, segment.Array!.Length);
            Assert.True(arrays.Add(segment.Array), "each copied delta has an array of its own");
            Assert.Equal(Pcm(i, 960), Decode(kept[i]));
            Assert.Equal($"event_{i}", kept[i].AsResponseOutputAudioDelta().EventId);
        }

        // A call that waits for its answer ends the park at once, as under the default.
        Task update = session.UpdateSessionAsync(new RealtimeSessionConfig { Instructions = "hi" });
        System.Text.Json.JsonElement sent = await ReadClientEventAsync(server, "session.update");
        Assert.False(session.LoopParkedSoftly);
        await SendAsync(server, """{"type":"session.updated","event_id":"s","session":""" + sent.GetProperty("session").GetRawText() + "}");
        await update.WaitAsync(Patience);
    }

    [Theory(Timeout = 60000)]
    [InlineData(960)]
    [InlineData(96_000)] // 2 s: 128 KB of base64, more than one 64 KiB receive buffer, copied from the blocks
    public async Task Under_CopyAudioDeltas_every_kept_delta_keeps_its_id_and_audio_while_later_deltas_arrive_and_collections_run(int pcmBytes)
    {
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();
        RealtimeSessionOptions options = Default;
        options.CopyAudioDeltas = true;
        (RealtimeVoiceSession session, RawServerConnection server) = await HostileServerTests.ConnectVoiceAsync(peer, client, options);
        await using RealtimeVoiceSession _ = session;
        await using RawServerConnection __ = server;

        // Kept without reading EventId (the id stays the bytes the event owns) while later deltas, each with other audio
        // and another id, go through the same receive buffers and the same builder, and collections move things.
        const int Count = 12;
        var kept = new List<RealtimeServerEvent>();
        for (int i = 0; i < Count; i++)
        {
            await server.WriteAsync(Text(Delta(i, pcmBytes)));
            kept.Add((await session.ReadEventAsync().AsTask().WaitAsync(Patience))!);
            if (i % 4 == 3)
            {
                GC.Collect();
            }
        }

        GC.Collect();
        for (int i = 0; i < Count; i++)
        {
            RealtimeServerEventResponseAudioDelta delta = kept[i].AsResponseOutputAudioDelta();
            Assert.Equal($"event_{i}", ((IRealtimeEvent)delta).EventIdValue.ToString());
            Assert.Contains($"\"event_id\":\"event_{i}\"", System.Text.Encoding.UTF8.GetString(Generated.OpenAI.Serialization.JsonModel.SerializeToUtf8Bytes(kept[i])));
            Assert.Equal(Pcm(i, pcmBytes), Decode(kept[i]));
            Assert.Equal($"event_{i}", delta.EventId);
        }
    }

    /// <summary>The app reads one 20 ms delta and holds it, having caught up: the loop is parked softly after it.</summary>
    private static async Task HoldOneDeltaAsync(RealtimeVoiceSession session, RawServerConnection server)
    {
        await SendAsync(server, AudioDelta(960));
        Assert.NotNull(await session.ReadEventAsync().AsTask().WaitAsync(Patience));
        Assert.True(session.LoopParkedSoftly);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!condition())
        {
            await Task.Delay(5, timeout.Token);
        }
    }
}
