using System;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Models;
using Generated.OpenAI.Runtime.Tests.WebSockets;
using Generated.OpenAI.Serialization;
using Generated.OpenAI.WebSockets;
using Xunit;
using Xunit.Abstractions;
using static Generated.OpenAI.Realtime.Tests.Hostile.HostilePeer;

namespace Generated.OpenAI.Realtime.Tests.Hostile;

/// <summary>The session core itself: a new kind is one descriptor and one subclass; what sends cost.</summary>
[Collection(TimingSensitiveCollection.Name)]
public sealed class SessionCoreTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact(Timeout = 30000)]
    public async Task A_new_session_kind_is_one_descriptor_and_one_subclass()
    {
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();
        Task<EchoSession> connecting = client.ConnectAsync(EchoSession.Descriptor, "call_id=rtc_123", static (c, o) => new EchoSession(c, o), null, CancellationToken.None);
        await using RawServerConnection server = await peer.AcceptAsync();
        await using EchoSession session = await connecting.WaitAsync(Patience);

        Assert.StartsWith("GET /v1/realtime/echo?call_id=rtc_123 ", server.RequestHeaders[":request-line"], StringComparison.Ordinal);

        // The core runs the kind: its audio event types, its helpers, its state, its errors.
        await session.SendAudioAsync(new byte[480]);
        Assert.Equal("input_audio_buffer.append", (await ReadClientEventAsync(server))!.Value.GetProperty("type").GetString());
        string pinged = await session.PingAsync();
        Assert.Equal(pinged, (await ReadClientEventAsync(server, "input_audio_buffer.clear")).GetProperty("event_id").GetString());
        await SendAsync(server, """{"type":"input_audio_buffer.cleared","event_id":"s1"}""");
        await SendAsync(server, """{"type":"error","event_id":"s2","error":{"type":"server_error","message":"m"}}""");
        Assert.Equal(RealtimeServerEventKind.InputAudioBufferCleared, (await session.ReadEventAsync().AsTask().WaitAsync(Patience))!.Kind);
        Assert.Equal(RealtimeServerEventKind.Error, (await session.ReadEventAsync().AsTask().WaitAsync(Patience))!.Kind);
        Assert.Equal(1, session.Cleared);
        Assert.Single(session.Errors);
    }

    [Fact(Timeout = 30000)]
    public async Task Audio_sends_with_event_ids_allocate_nothing_per_append_through_the_session_api()
    {
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();
        (RealtimeVoiceSession session, RawServerConnection server) = await HostileServerTests.ConnectVoiceAsync(peer, client, new RealtimeSessionOptions { KeepAliveInterval = TimeSpan.Zero });
        await using RealtimeVoiceSession _ = session;
        await using RawServerConnection __ = server;
        using var stop = new CancellationTokenSource();
        Task drain = server.DrainAsync(stop.Token);
        ReadOnlyMemory<byte> pcm = new byte[4800]; // 100 ms
        for (int i = 0; i < 200; i++)
        {
            await session.SendAudioAsync(pcm);
        }

        const int Measured = 20000;
        long allocated = OnOneThread(() =>
        {
            for (int i = 0; i < Measured; i++)
            {
                Complete(session.SendAudioAsync(pcm));
            }
        });

        // A send that completes at once allocates nothing; one that waits for the socket resumes from a pooled state
        // box, which the pool sometimes has to make (it is returned on another thread): a few bytes per append on average.
        output.WriteLine($"{allocated} B on the sending thread for {Measured} appends ({allocated / (double)Measured:0.00} B per append), each with its event_id");
        Assert.True(allocated < Measured * 8, $"{allocated} B for {Measured} appends");
        await stop.CancelAsync();
        await server.DisposeAsync();
        await drain.WaitAsync(Patience);
    }

    [Fact(Timeout = 30000)]
    public async Task A_typed_client_event_is_serialized_once_into_a_reused_buffer()
    {
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();
        (RealtimeVoiceSession session, RawServerConnection server) = await HostileServerTests.ConnectVoiceAsync(peer, client, new RealtimeSessionOptions { KeepAliveInterval = TimeSpan.Zero });
        await using RealtimeVoiceSession _ = session;
        await using RawServerConnection __ = server;
        using var stop = new CancellationTokenSource();
        Task drain = server.DrainAsync(stop.Token);
        RealtimeClientEvent MakeEvent() => RealtimeClientEvent.FromResponseCreate(new RealtimeClientEventResponseCreate { Response = new RealtimeResponseCreateParams { Instructions = "Say hello." } });
        var events = new RealtimeClientEvent[2200];
        for (int i = 0; i < events.Length; i++)
        {
            events[i] = MakeEvent();
        }

        for (int i = 0; i < 200; i++)
        {
            await session.SendAsync(events[i]);
        }

        const int Measured = 2000;
        long allocated = OnOneThread(() =>
        {
            for (int i = 200; i < 200 + Measured; i++)
            {
                Complete(session.SendAsync(events[i]));
            }
        });

        double perEvent = allocated / (double)Measured;
        output.WriteLine($"{perEvent:0.0} B per typed response.create sent (its event_id is a value the writer formats and its history entry a struct in a ring; the JSON goes to a reused buffer)");
        Assert.True(perEvent < 400, $"{perEvent:0.0} B per event");
        Assert.StartsWith("evt_", ((RealtimeClientEventResponseCreate)events[^1].Value!).EventId, StringComparison.Ordinal);
        await stop.CancelAsync();
        await server.DisposeAsync();
        await drain.WaitAsync(Patience);
    }

    [Theory(Timeout = 60000)]
    [InlineData("zero-copy")]
    [InlineData("default")]
    [InlineData("copy")]
    public async Task A_typed_audio_delta_borrows_its_audio_and_allocates_only_its_event_object(string mode)
    {
        await using var peer = new HostilePeer();
        using RealtimeClient client = peer.CreateClient();
        bool zeroCopy = mode == "zero-copy";
        bool copied = mode == "copy";
        // One queued event at most, so that the loop cannot parse ahead of the measurement.
        var options = new RealtimeSessionOptions { KeepAliveInterval = TimeSpan.Zero, ZeroCopyAudioDeltas = zeroCopy, CopyAudioDeltas = copied, MaxQueuedEvents = 1 };
        (RealtimeVoiceSession session, RawServerConnection server) = await HostileServerTests.ConnectVoiceAsync(peer, client, options);
        await using RealtimeVoiceSession _ = session;
        await using RawServerConnection __ = server;

        byte[] pcm = new byte[4800]; // 100 ms
        new Random(7).NextBytes(pcm);
        byte[] delta = Text($$"""{"type":"response.output_audio.delta","event_id":"event_1","response_id":"resp_1","item_id":"item_1","output_index":0,"content_index":0,"delta":"{{Convert.ToBase64String(pcm)}}"}""");
        const int WarmUp = 200;
        const int Measured = 2000;
        byte[] frames = new byte[delta.Length * (WarmUp + Measured)];
        for (int k = 0; k < WarmUp + Measured; k++)
        {
            delta.CopyTo(frames, k * delta.Length);
        }

        Task writing = Task.Run(() => server.Stream.Write(frames)); // one write: the server side allocates nothing meanwhile

        byte[] decoded = new byte[4800];
        long before = 0;
        int i = 0;
        await foreach (RealtimeServerEvent next in session.ReadEventsAsync())
        {
            if (i == WarmUp)
            {
                before = GC.GetTotalAllocatedBytes(precise: true);
            }

            Base64Data audio = next.AsResponseOutputAudioDelta().Delta;
            if (i % 100 == 0)
            {
                Assert.Equal(System.Buffers.OperationStatus.Done, audio.TryDecode(decoded, out int written));
                Assert.Equal(pcm, decoded.AsSpan(0, written).ToArray());
                Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(audio.EncodedUtf8, out ArraySegment<byte> segment));
                // Borrowed: a slice of a receive buffer (the connection's, or the session's or the lease's pooled copy
                // for a message that straddled two). Copied: an array of the event's own, its base64 then its event_id's bytes.
                Assert.Equal(!copied, segment.Array!.Length != segment.Count + "event_1".Length || segment.Offset != 0);
            }

            if (++i == WarmUp + Measured)
            {
                break;
            }
        }

        long perDelta = (GC.GetTotalAllocatedBytes(precise: true) - before) / Measured;
        await writing.WaitAsync(Patience);
        output.WriteLine($"{mode}: {perDelta} B per typed 100 ms audio delta, {session.CopiedAudioDeltas} of {WarmUp + Measured} lent on a copy");
        Assert.True(copied ? perDelta > 6400 : perDelta < 1024, $"{perDelta} B per delta");
    }

    /// <summary>
    /// Runs <paramref name="sends"/> on a thread of its own and returns exactly what that thread allocated: sends
    /// that complete later are waited for by spinning, so that every continuation's work stays countable.
    /// </summary>
    private static long OnOneThread(Action sends)
    {
        long allocated = -1;
        var thread = new Thread(() =>
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            sends();
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        });
        thread.Start();
        thread.Join();
        return allocated;
    }

    private static void Complete(ValueTask send)
    {
        var spinner = default(SpinWait);
        while (!send.IsCompleted)
        {
            spinner.SpinOnce();
        }

        send.GetAwaiter().GetResult();
    }

    private static void Complete<T>(ValueTask<T> send)
    {
        var spinner = default(SpinWait);
        while (!send.IsCompleted)
        {
            spinner.SpinOnce();
        }

        send.GetAwaiter().GetResult();
    }

    /// <summary>A test-only kind: a descriptor (path, union, audio events) and a subclass with one helper and some state.</summary>
    private sealed class EchoSession : RealtimeSession<RealtimeServerEvent>
    {
        public EchoSession(WebSocketConnection connection, RealtimeSessionOptions options)
            : base(connection, options, Descriptor)
        {
        }

        public static RealtimeSessionDescriptor<RealtimeServerEvent> Descriptor { get; } = new()
        {
            Path = "realtime/echo",
            AudioAppendType = RealtimeAudioBufferAppend.TypeUtf8.ToArray(),
            AudioDeltaType = RealtimeServerEventResponseAudioDelta.TypeUtf8.ToArray(),
            DefaultChunkBytes = 4800,
            GetError = static e => e.TryGetError(out RealtimeServerEventError? error) ? error : null,
            IsAudioDelta = static e => e.IsResponseOutputAudioDelta,
        };

        public int Cleared { get; private set; }

        public ValueTask<RealtimeEventId> PingAsync() => SendEventAsync(new RealtimeClientEventInputAudioBufferClear(), CancellationToken.None);

        private protected override void OnEvent(RealtimeServerEvent serverEvent)
        {
            if (serverEvent.IsInputAudioBufferCleared)
            {
                Cleared++;
            }
        }
    }
}
