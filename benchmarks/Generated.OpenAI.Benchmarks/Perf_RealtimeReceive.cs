using System;
using System.Buffers;
using System.Buffers.Text;
using System.ClientModel.Primitives;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using Generated.OpenAI.Audio;
using Generated.OpenAI.Benchmarks.Support;
using Generated.OpenAI.Models;
using Generated.OpenAI.Realtime;
using Generated.OpenAI.WebSockets;

namespace Generated.OpenAI.Benchmarks;

/// <summary>
/// The client side of playing the model's audio: a received <c>response.output_audio.delta</c> event (UTF-8 JSON)
/// in, its PCM16 in a reused playback buffer out. Baseline: bare
/// <see cref="Base64.DecodeFromUtf8(ReadOnlySpan{byte}, Span{byte}, out int, out int, bool)"/> of the delta's base64
/// (its position known in advance), the floor any implementation has to pay. Methods whose name starts with
/// <c>Ours</c> must allocate nothing (checked by <c>Program</c>).
/// </summary>
/// <remarks>
/// Through the session API (a <see cref="RealtimeVoiceSession"/> over the same replayed frame, built with the SDK's
/// internal constructor), next to the connection-level row <c>ReceiveMessageAsync + DecodeDelta</c>: the audio sink
/// path (what the session's receive loop does per message, <c>ProcessMessage</c>, driven here on the benchmark thread;
/// 0 B, gated; the sink copies the PCM into the player's buffer, as an app must: its own connection-level baseline,
/// <c>ReceiveMessageAsync + DecodeDelta + the player's copy</c>, makes the same copy), the audio output path (the same, the
/// PCM decoded straight into the player's buffer; 0 B, gated), the same message read as a typed event (<c>ProcessMessage</c> without a sink: by
/// default lent on the retained message, 0 B; with <c>CopyAudioDeltas</c> the event object and its base64 copy are what it
/// allocates), and the typed event as an app reads it, <c>ReadEventAsync</c>, with the session's real receive loop on
/// another thread filling its bounded queue.
/// </remarks>
[MemoryDiagnoser]
[Support.DryAllocationGate]
public class Perf_RealtimeReceive
{
    private byte[] _pcm = [];
    private byte[] _json = [];
    private BinaryData _jsonData = null!;
    private int _deltaStart;
    private int _deltaLength;
    private byte[] _decoded = [];
    private WebSocketConnection _connection = null!;
    private WebSocketConnection _copyConnection = null!;
    private WebSocketConnection _keptCopyConnection = null!;
    private byte[] _receiveBuffer = [];
    private WebSocketConnection _sinkConnection = null!;
    private RealtimeVoiceSession _sinkSession = null!;
    private WebSocketConnection _outputConnection = null!;
    private RealtimeVoiceSession _outputSession = null!;
    private PlaybackBufferWriter _player = null!;
    private WebSocketConnection _typedConnection = null!;
    private RealtimeVoiceSession _typedSession = null!;
    private RealtimeVoiceSession? _loopSession;
    private IRealtimeEventLease? _typedLease;
    private WebSocketConnection _copyingConnection = null!;
    private RealtimeVoiceSession _copyingSession = null!;
    private RealtimeVoiceSession? _copyingLoopSession;
    private RealtimeVoiceSession _borrowingSession = null!;
    private WebSocketConnection _borrowingConnection = null!;
    private RealtimeVoiceSession? _borrowingLoopSession;
    private int _sinkBytes;

    [Params(AudioSamples.Pcm20Ms, AudioSamples.Pcm100Ms, AudioSamples.Pcm1S)]
    public int PcmBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _pcm = AudioSamples.CreatePcm(PcmBytes);
        _json = AudioSamples.CreateOutputAudioDelta(_pcm);
        _jsonData = BinaryData.FromBytes(_json);
        _deltaLength = Base64.GetMaxEncodedToUtf8Length(PcmBytes);
        _deltaStart = _json.Length - 2 - _deltaLength;
        _decoded = new byte[PcmBytes];
        _connection = WebSocketConnection.CreateFromStream(new NullDuplexStream(AudioSamples.CreateServerTextFrame(_json)), new WebSocketConnectionOptions());

        Verify(nameof(BareBase64), BareBase64());
        Verify(nameof(OursDecodeDelta), OursDecodeDelta());
        Verify(nameof(OursReceiveAndDecode), OursReceiveAndDecode());
        _copyConnection = WebSocketConnection.CreateFromStream(new NullDuplexStream(AudioSamples.CreateServerTextFrame(_json)), new WebSocketConnectionOptions());
        _receiveBuffer = new byte[PcmBytes];
        Verify(nameof(OursReceiveDecodeAndCopy), OursReceiveDecodeAndCopy());
        _keptCopyConnection = WebSocketConnection.CreateFromStream(new NullDuplexStream(AudioSamples.CreateServerTextFrame(_json)), new WebSocketConnectionOptions());
        Verify(nameof(OursReceiveCopyAndDecode), OursReceiveCopyAndDecode());
        Verify(nameof(Official), Official());
        Verify(nameof(Naive), Naive());

        // The session rows: each over its own replay stream (a session owns its connection).
        _sinkConnection = WebSocketConnection.CreateFromStream(new NullDuplexStream(AudioSamples.CreateServerTextFrame(_json)), new WebSocketConnectionOptions());
        _sinkSession = InMemorySession.Create(_sinkConnection, new RealtimeSessionOptions { AudioSink = pcm => _sinkBytes = CopyToPlayer(pcm) });
        _outputConnection = WebSocketConnection.CreateFromStream(new NullDuplexStream(AudioSamples.CreateServerTextFrame(_json)), new WebSocketConnectionOptions());
        _player = new PlaybackBufferWriter(_json.Length); // room for any delta in the message: the session asks for 3/4 of it
        _outputSession = InMemorySession.Create(_outputConnection, new RealtimeSessionOptions { AudioOutput = _player });
        _typedConnection = WebSocketConnection.CreateFromStream(new NullDuplexStream(AudioSamples.CreateServerTextFrame(_json)), new WebSocketConnectionOptions());
        _typedSession = InMemorySession.Create(_typedConnection);
        _copyingConnection = WebSocketConnection.CreateFromStream(new NullDuplexStream(AudioSamples.CreateServerTextFrame(_json)), new WebSocketConnectionOptions());
        _copyingSession = InMemorySession.Create(_copyingConnection, new RealtimeSessionOptions { CopyAudioDeltas = true });
        _borrowingConnection = WebSocketConnection.CreateFromStream(new NullDuplexStream(AudioSamples.CreateServerTextFrame(_json)), new WebSocketConnectionOptions());
        _borrowingSession = InMemorySession.Create(_borrowingConnection, new RealtimeSessionOptions { ZeroCopyAudioDeltas = true });
        Verify(nameof(OursSessionAudioSink), OursSessionAudioSink());
        OursSessionAudioOutput();
        _player.LastPcm.CopyTo(_decoded);
        Verify(nameof(OursSessionAudioOutput), _player.LastCommitted);
        Verify(nameof(SessionTypedEvent), SessionTypedEvent());
        Verify(nameof(SessionTypedEventCopied), SessionTypedEventCopied());
        Verify(nameof(SessionTypedEventZeroCopy), SessionTypedEventZeroCopy());
    }

    /// <summary>The common setup, then a started session with <see cref="RealtimeSessionOptions.CopyAudioDeltas"/> for <see cref="SessionReadEventCopied"/> only.</summary>
    [GlobalSetup(Target = nameof(SessionReadEventCopied))]
    public void SetupCopyingReceiveLoop()
    {
        Setup();
        _copyingLoopSession = InMemorySession.Start(InMemorySession.Create(new NullDuplexStream(AudioSamples.CreateServerTextFrame(_json)), new RealtimeSessionOptions { CopyAudioDeltas = true }));
        Verify(nameof(SessionReadEventCopied), SessionReadEventCopied());
    }

    /// <summary>The common setup, then a started zero-copy session for <see cref="SessionReadEventZeroCopy"/> only.</summary>
    [GlobalSetup(Target = nameof(SessionReadEventZeroCopy))]
    public void SetupZeroCopyReceiveLoop()
    {
        Setup();
        _borrowingLoopSession = InMemorySession.Start(InMemorySession.Create(new NullDuplexStream(AudioSamples.CreateServerTextFrame(_json)), new RealtimeSessionOptions { ZeroCopyAudioDeltas = true }));
        Verify(nameof(SessionReadEventZeroCopy), SessionReadEventZeroCopy());
    }

    /// <summary>
    /// The common setup, then a started session for <see cref="SessionReadEvent"/> only: its receive loop fills
    /// the queue on another thread, which must not happen while another benchmark (a gated one) is measured.
    /// </summary>
    [GlobalSetup(Target = nameof(SessionReadEvent))]
    public void SetupReceiveLoop()
    {
        Setup();
        _loopSession = InMemorySession.Start(InMemorySession.Create(new NullDuplexStream(AudioSamples.CreateServerTextFrame(_json))));
        Verify(nameof(SessionReadEvent), SessionReadEvent());
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _connection.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _copyConnection.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _keptCopyConnection.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _sinkSession.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _outputSession.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _typedLease?.Release();
        _typedLease = null;
        _typedSession.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _copyingSession.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _loopSession?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _copyingLoopSession?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _borrowingSession.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _borrowingLoopSession?.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "bare Base64.DecodeFromUtf8")]
    public int BareBase64()
    {
        Base64.DecodeFromUtf8(_json.AsSpan(_deltaStart, _deltaLength), _decoded, out _, out int written);
        return written;
    }

    [Benchmark(Description = "ours: DecodeDelta")]
    public int OursDecodeDelta()
    {
        RealtimeAudioDeltaReader.DecodeDelta(_json, _decoded, out int written);
        return written;
    }

    /// <summary>
    /// The real receive path over a stream that replays the server frame: the stream-to-pipe copy, frame parsing,
    /// then <see cref="RealtimeAudioDeltaReader.DecodeDelta(in System.Buffers.ReadOnlySequence{byte}, Span{byte}, out int)"/>
    /// on the borrowed payload (multi-segment at 1 s of audio, which spans the pipe's 64 KiB buffers).
    /// </summary>
    [Benchmark(Description = "ours: ReceiveMessageAsync + DecodeDelta (replay stream)")]
    public int OursReceiveAndDecode()
    {
        ValueTask<WebSocketReceivedMessage> receive = _connection.ReceiveMessageAsync();
        if (!receive.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("The receive did not complete synchronously.");
        }

        RealtimeAudioDeltaReader.DecodeDelta(receive.Result.Payload, _decoded, out int written);
        return written;
    }

    /// <summary>
    /// <see cref="OursReceiveAndDecode"/> with the copy an audio sink's app makes: the PCM decoded into a reused
    /// receive buffer, then copied into the player's buffer. The baseline of <see cref="OursSessionAudioSink"/>, which
    /// pays that copy (the sink is handed the session's buffer, borrowed for the call); the row above decodes straight
    /// into the player's buffer, as <see cref="OursSessionAudioOutput"/> does. The copy is the price of the sink's
    /// contract, not of the session: this row makes an app at the connection level pay it too.
    /// </summary>
    [Benchmark(Description = "ours: ReceiveMessageAsync + DecodeDelta + the player's copy (replay stream)")]
    public int OursReceiveDecodeAndCopy()
    {
        ValueTask<WebSocketReceivedMessage> receive = _copyConnection.ReceiveMessageAsync();
        if (!receive.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("The receive did not complete synchronously.");
        }

        RealtimeAudioDeltaReader.DecodeDelta(receive.Result.Payload, _receiveBuffer, out int written);
        return CopyToPlayer(_receiveBuffer.AsSpan(0, written));
    }

    /// <summary>
    /// The baseline of the <see cref="RealtimeSessionOptions.CopyAudioDeltas"/> rows: the connection's receive, then the
    /// copy an app makes of a delta it keeps past its next receive, the delta's base64 in a new array of exactly its
    /// length (what a copied typed delta's <c>Delta</c> owns), found with the API-shape scan and copied once (straight from
    /// the receive buffers when the message spans two), then decoded from that copy as the session rows decode
    /// their event's. This row allocates the base64's array only (1,304 / 6,424 / 64,024 B at 20 ms / 100 ms / 1 s); a
    /// copied typed delta allocates 208 B more: its array holds the event_id's 27 bytes after the base64 (32 B more, the
    /// id a string only when the app reads <c>EventId</c>), then its model and its union (176 B): 1,512 / 6,632 / 64,232 B.
    /// </summary>
    [Benchmark(Description = "ours: ReceiveMessageAsync + a kept copy of the delta's base64 + decode (replay stream)")]
    [BenchmarkCategory(Program.NoAllocationGate)] // the copy is the point: the array the app keeps
    public int OursReceiveCopyAndDecode()
    {
        ValueTask<WebSocketReceivedMessage> receive = _keptCopyConnection.ReceiveMessageAsync();
        if (!receive.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("The receive did not complete synchronously.");
        }

        byte[] base64 = CopyDelta(receive.Result.Payload);
        Base64.DecodeFromUtf8(base64, _decoded, out _, out int written);
        return written;
    }

    /// <summary>
    /// The delta's base64 of an API-shaped message, copied into a new array of its length (the app's kept copy): once,
    /// straight from the receive buffers also when the message spans two (its first block's scan says where the body
    /// starts; the body runs to the final <c>"}</c>).
    /// </summary>
    internal static byte[] CopyDelta(in ReadOnlySequence<byte> payload)
    {
        if (payload.IsSingleSegment)
        {
            ReadOnlySpan<byte> json = payload.FirstSpan;
            return RealtimeAudioDeltaReader.TryScanApiShape(json, out RealtimeAudioDeltaReader.ApiShapeDelta shape)
                ? json[shape.DeltaStart..shape.DeltaEnd].ToArray()
                : throw new InvalidOperationException("Not the API's shape.");
        }

        int bodyStart = RealtimeAudioDeltaReader.ScanApiShapeToDeltaBody(payload.FirstSpan);
        if (bodyStart < 0)
        {
            throw new InvalidOperationException("Not the API's shape.");
        }

        byte[] base64 = new byte[(int)payload.Length - bodyStart - 2];
        payload.Slice(bodyStart, base64.Length).CopyTo(base64);
        return base64;
    }

    /// <summary>
    /// The session's audio sink path, as its receive loop runs it for each message: the receive, then
    /// <c>ProcessMessage</c> (type check, decode into the session's pooled buffer, the sink, which copies the PCM into
    /// the playback buffer as an app's player would). No event object; nothing queued. The row includes that copy by
    /// the app (the sink is handed the session's buffer); <see cref="OursSessionAudioOutput"/> is the same without it.
    /// </summary>
    [Benchmark(Description = "ours: session audio sink (receive + ProcessMessage)")]
    public int OursSessionAudioSink()
    {
        ValueTask<WebSocketReceivedMessage> receive = _sinkConnection.ReceiveMessageAsync();
        if (!receive.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("The receive did not complete synchronously.");
        }

        if (_sinkSession.ProcessMessage(receive.Result.Payload) is not null)
        {
            throw new InvalidOperationException("The delta did not go to the sink.");
        }

        return _sinkBytes;
    }

    /// <summary>
    /// The session's audio output path: the same receive and <c>ProcessMessage</c>, the delta decoded straight into the
    /// player's buffer (<see cref="RealtimeSessionOptions.AudioOutput"/>, an <see cref="System.Buffers.IBufferWriter{T}"/>):
    /// the PCM is written once, where the app plays it, as in the connection row. No event object; nothing queued.
    /// </summary>
    [Benchmark(Description = "ours: session audio output (receive + ProcessMessage)")]
    public int OursSessionAudioOutput()
    {
        ValueTask<WebSocketReceivedMessage> receive = _outputConnection.ReceiveMessageAsync();
        if (!receive.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("The receive did not complete synchronously.");
        }

        if (_outputSession.ProcessMessage(receive.Result.Payload) is not null)
        {
            throw new InvalidOperationException("The delta did not go to the audio output.");
        }

        return _player.LastCommitted;
    }

    /// <summary>
    /// The same message read as a typed event (no sink), with the default options: the loop's step (one build into a
    /// pooled event lent on the retained message, state updates), the PCM decoded from it, and the previous delta's
    /// release, which the app's next read does (0 B). Before <see cref="RealtimeSessionOptions.CopyAudioDeltas"/> existed
    /// this row was the copying default, now <see cref="SessionTypedEventCopied"/>.
    /// </summary>
    [Benchmark(Description = "session: receive + ProcessMessage, typed event")]
    public int SessionTypedEvent()
    {
        ValueTask<WebSocketReceivedMessage> receive = _typedConnection.ReceiveMessageAsync();
        if (!receive.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("The receive did not complete synchronously.");
        }

        _typedLease?.Release();
        return DecodeTyped(_typedSession.ProcessReceivedMessage(receive.Result, out _typedLease));
    }

    /// <summary>
    /// The typed event with <see cref="RealtimeSessionOptions.CopyAudioDeltas"/>: a new event that owns a copy of its base64
    /// (the default before), one array with the event_id's bytes after the base64, copied once also at 1 s, where the
    /// message spans two receive buffers (1,512 / 6,632 / 64,232 B).
    /// </summary>
    [Benchmark(Description = "session: receive + ProcessMessage, typed event, CopyAudioDeltas")]
    public int SessionTypedEventCopied()
    {
        ValueTask<WebSocketReceivedMessage> receive = _copyingConnection.ReceiveMessageAsync();
        if (!receive.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("The receive did not complete synchronously.");
        }

        WebSocketReceivedMessage message = receive.Result;
        return DecodeTyped(_copyingSession.ProcessReceivedMessage(message, out _));
    }

    /// <summary>
    /// The typed event as an app reads it: <see cref="RealtimeSession{TServerEvent}.ReadEventAsync"/>, with the session's
    /// receive loop (another thread) reading the replayed frames into its bounded queue. The read's
    /// <see cref="ValueTask{TResult}"/> is consumed as the connection's row consumes <c>ReceiveMessageAsync</c>'s, and as
    /// an app's <c>await</c> in its own read loop does when the read completed at once: looked at, not wrapped in an
    /// async method per call (until run 8 these rows were <c>async</c> methods, whose state machine per call, about
    /// 10–15 ns, the connection's row did not pay); a read that did not complete at once is waited for
    /// (<see cref="WaitForEvent"/>).
    /// </summary>
    [Benchmark(Description = "session: ReadEventAsync, typed event (receive loop)")]
    public int SessionReadEvent() => DecodeTyped(WaitForEvent(_loopSession!.ReadEventAsync()));

    /// <summary><see cref="SessionReadEvent"/> with <see cref="RealtimeSessionOptions.CopyAudioDeltas"/> (the default before); allocates as <see cref="SessionTypedEventCopied"/>.</summary>
    [Benchmark(Description = "session: ReadEventAsync, typed event, CopyAudioDeltas (receive loop)")]
    public int SessionReadEventCopied() => DecodeTyped(WaitForEvent(_copyingLoopSession!.ReadEventAsync()));

    /// <summary>
    /// The typed event with <see cref="RealtimeSessionOptions.ZeroCopyAudioDeltas"/>: its base64 borrowed from the
    /// receive buffer and the event object lent (both valid until the next receive here), its <c>event_id</c> borrowed
    /// from the message too, so it allocates nothing.
    /// </summary>
    [Benchmark(Description = "session: receive + ProcessMessage, typed event, ZeroCopyAudioDeltas")]
    public int SessionTypedEventZeroCopy()
    {
        ValueTask<WebSocketReceivedMessage> receive = _borrowingConnection.ReceiveMessageAsync();
        if (!receive.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("The receive did not complete synchronously.");
        }

        // What the receive loop's step hands over: the payload and what the connection's UTF-8 pass found of it.
        WebSocketReceivedMessage message = receive.Result;
        return DecodeTyped(_borrowingSession.ProcessMessage(message.Payload, out _, message.UnescapedTailStart));
    }

    /// <summary>
    /// <see cref="RealtimeSession{TServerEvent}.ReadEventAsync"/> with <see cref="RealtimeSessionOptions.ZeroCopyAudioDeltas"/>:
    /// each read hands the previous delta back and, the receive loop waiting for it, runs the loop's next step itself
    /// on this thread (the receive, complete at once here, and <c>ProcessMessage</c>), with no hand-off through the queue.
    /// Consumed as <see cref="SessionReadEvent"/> is.
    /// </summary>
    [Benchmark(Description = "session: ReadEventAsync, typed event, ZeroCopyAudioDeltas (receive loop)")]
    public int SessionReadEventZeroCopy() => DecodeTyped(WaitForEvent(_borrowingLoopSession!.ReadEventAsync()));

    /// <summary>
    /// <c>-- --compare-receive PCMBYTES ROUNDS</c>: the issue #12 rows (the connection's <c>ReceiveMessageAsync + DecodeDelta</c>,
    /// the zero-copy and the default (lent) typed delta, each through <c>ProcessMessage</c> and through <c>ReadEventAsync</c>) without BenchmarkDotNet,
    /// interleaved, for a loaded machine: each round times a batch of each row in turn and the minimum per row over the
    /// rounds is kept, so that a burst of another process's work lands in one round of one row, not in the ratio.
    /// Then the parts of those rows, timed the same way: the layout's body check and scan, <c>TryRead</c> with and
    /// without its body check, the bare decode, <c>DecodeDelta</c>, and the connection's UTF-8 check of the message alone and finding the plain tail as well;
    /// for the <c>CopyAudioDeltas</c> rows, the kept copy alone (<see cref="CopyDelta"/>) against the builder's copied delta
    /// alone and the copying session's <c>ProcessMessage</c> alone (the message in memory, no receive), each connection's
    /// receive alone, and the decode from a copied event against the decode from a kept copy. <c>ROUNDS</c> of 0 loops the <c>ProcessMessage</c> row forever, -1 the <c>ReadEventAsync</c> row, -2 the connection's, -3 the default (lent) <c>ReadEventAsync</c> row, -4 the default (lent) <c>ProcessMessage</c> row,
    /// -5 the <c>CopyAudioDeltas</c> <c>ReadEventAsync</c> row, -6 its <c>ProcessMessage</c> row, -7 their connection baseline (the kept copy),
    /// for a profiler (<c>perf record -g -p</c>, with <c>DOTNET_PerfMapEnabled=1</c>).
    /// </summary>
    internal static int Compare(int pcmBytes, int rounds)
    {
        var bench = new Perf_RealtimeReceive { PcmBytes = pcmBytes };
        bench.SetupZeroCopyReceiveLoop();
        bench._loopSession = InMemorySession.Start(InMemorySession.Create(new NullDuplexStream(AudioSamples.CreateServerTextFrame(bench._json))));
        bench._copyingLoopSession = InMemorySession.Start(InMemorySession.Create(new NullDuplexStream(AudioSamples.CreateServerTextFrame(bench._json)), new RealtimeSessionOptions { CopyAudioDeltas = true }));
        var builder = new RealtimeAudioDeltaBuilder();
        RealtimeServerEvent copiedEvent = builder.TryBuild(bench._json, borrow: false, out _)!;
        byte[] copiedBase64 = CopyDelta(new ReadOnlySequence<byte>(bench._json));
        Func<int>[] rows =
        [
            bench.OursReceiveAndDecode,
            bench.SessionTypedEventZeroCopy,
            bench.SessionReadEventZeroCopy,
            bench.SessionTypedEvent,
            bench.SessionReadEvent,
            () => RealtimeAudioDeltaLayout.IsUnescapedBase64Range(bench._json.AsSpan(bench._deltaStart, bench._deltaLength)) ? 1 : 0,
            () => RealtimeAudioDeltaReader.TryScanApiShape(bench._json, out _) ? 1 : 0,
            () => RealtimeAudioDeltaLayout.TryRead(bench._json, RealtimeServerEventResponseAudioDelta.TypeUtf8, -1, out _) ? 1 : 0,
            () => RealtimeAudioDeltaLayout.TryRead(bench._json, RealtimeServerEventResponseAudioDelta.TypeUtf8, bench._deltaStart, out _) ? 1 : 0,
            bench.BareBase64,
            bench.OursDecodeDelta,
            () => System.Text.Unicode.Utf8.IsValid(bench._json) ? 1 : 0,
            () => Generated.OpenAI.WebSockets.Utf8Validation.IsValid(bench._json, out int tail) ? tail : 0,
            () => CopyDelta(new ReadOnlySequence<byte>(bench._json)).Length,
            () => builder.TryBuild(bench._json, borrow: false, out _) is null ? 0 : 1,
            () => bench._copyingSession.ProcessMessage(new ReadOnlySequence<byte>(bench._json), out _, -1, lend: true) is null ? 0 : 1,
            () => bench._copyingConnection.ReceiveMessageAsync().Result.Payload.Length > 0 ? 1 : 0,
            () => bench._keptCopyConnection.ReceiveMessageAsync().Result.Payload.Length > 0 ? 1 : 0,
            () => bench.DecodeTyped(copiedEvent),
            () => { Base64.DecodeFromUtf8(copiedBase64, bench._decoded, out _, out int written); return written; },
            bench.OursReceiveCopyAndDecode,
            bench.SessionTypedEventCopied,
            bench.SessionReadEventCopied,
        ];
        string[] names = ["connection: receive + DecodeDelta", "session: ProcessMessage, ZeroCopy", "session: ReadEventAsync, ZeroCopy", "session: ProcessMessage, default (lent)", "session: ReadEventAsync, default (lent)", "IsUnescapedBase64Range", "TryScanApiShape", "Layout.TryRead", "Layout.TryRead, body checked", "bare base64", "DecodeDelta", "Utf8.IsValid (connection's check)", "Utf8Validation.IsValid, finding tail", "CopyDelta (the kept copy alone)", "builder: copied delta alone", "session ProcessMessage alone, copied", "copying session's receive alone", "baseline connection's receive alone", "DecodeTyped of a copied event", "decode of a kept copy", "connection: receive + kept copy", "session: ProcessMessage, CopyAudioDeltas", "session: ReadEventAsync, CopyAudioDeltas"];
        if (rounds <= 0)
        {
            // Forever, or GENERATED_OPENAI_PROFILE_ITERATIONS times (for perf stat's instruction counts: two counts'
            // difference over their iterations' difference is the row's, without the setup).
            Func<int> row = rows[rounds switch { 0 => 1, -1 => 2, -3 => 4, -4 => 3, -5 => rows.Length - 1, -6 => rows.Length - 2, -7 => rows.Length - 3, _ => 0 }];
            long iterations = long.TryParse(Environment.GetEnvironmentVariable("GENERATED_OPENAI_PROFILE_ITERATIONS"), out long count) ? count : long.MaxValue;
            for (long i = 0; i < iterations; i++)
            {
                row();
            }

            bench.Cleanup();
            return 0;
        }

        int batch = Math.Max(200, 4_000_000 / Math.Max(1, pcmBytes));
        double[] best = rows.Select(_ => double.MaxValue).ToArray();
        for (int round = 0; round < rounds; round++)
        {
            for (int row = 0; row < rows.Length; row++)
            {
                Func<int> receive = rows[row];
                long started = System.Diagnostics.Stopwatch.GetTimestamp();
                for (int i = 0; i < batch; i++)
                {
                    receive();
                }

                best[row] = Math.Min(best[row], System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalNanoseconds / batch);
            }
        }

        for (int row = 0; row < rows.Length; row++)
        {
            Console.WriteLine($"{pcmBytes,7} B  {names[row],-36} {best[row],9:F1} ns{(row > 0 ? $"  {best[row] / best[0]:F2}x (+{best[row] - best[0]:F1} ns)" : "")}");
        }

        // The copying session's two rows against the connection that makes the same copy (the last three rows).
        Console.WriteLine($"{pcmBytes,7} B  CopyAudioDeltas ProcessMessage / connection + kept copy: {best[^2] / best[^3]:F2}x (+{best[^2] - best[^3]:F1} ns)");
        Console.WriteLine($"{pcmBytes,7} B  CopyAudioDeltas ReadEventAsync / connection + kept copy: {best[^1] / best[^3]:F2}x (+{best[^1] - best[^3]:F1} ns)");

        bench.Cleanup();
        return 0;
    }

    /// <summary>
    /// A session read's event, looked at when the read completed at once (as the connection's row looks at
    /// <c>ReceiveMessageAsync</c>'s: the read ran the parked loop's step, or found the event queued), else waited for (the
    /// receive loop had not queued it yet; a pending pooled task may not be asked before).
    /// </summary>
    private static RealtimeServerEvent? WaitForEvent(ValueTask<RealtimeServerEvent?> read) => read.IsCompleted ? read.Result : read.AsTask().GetAwaiter().GetResult();

    private int DecodeTyped(RealtimeServerEvent? serverEvent)
    {
        if (serverEvent?.Value is not RealtimeServerEventResponseAudioDelta delta)
        {
            throw new InvalidOperationException($"Expected an audio delta, read {serverEvent?.Kind.ToString() ?? "the end"}.");
        }

        delta.Delta.TryDecode(_decoded, out int written);
        return written;
    }

    private int CopyToPlayer(ReadOnlySpan<byte> pcm)
    {
        pcm.CopyTo(_decoded);
        return pcm.Length;
    }

    /// <summary>
    /// What <c>RealtimeSessionClient.ReceiveUpdatesAsync</c> in OpenAI 2.15.0 does with a received message:
    /// <see cref="ModelReaderWriter.Read{T}(BinaryData, ModelReaderWriterOptions, ModelReaderWriterContext)"/> to the
    /// <c>RealtimeServerUpdate</c> union; the caller then takes <c>Delta</c> (<see cref="BinaryData"/>) into its buffer.
    /// The SDK's own copy of the message from the socket into a <see cref="BinaryData"/> is not charged here.
    /// </summary>
    [Benchmark(Description = "official: ModelReaderWriter.Read + Delta")]
    public int Official()
    {
        var update = (global::OpenAI.Realtime.RealtimeServerUpdateResponseOutputAudioDelta)ModelReaderWriter.Read<global::OpenAI.Realtime.RealtimeServerUpdate>(
            _jsonData, ModelReaderWriterOptions.Json, global::OpenAI.OpenAIContext.Default)!;
        ReadOnlySpan<byte> pcm = update.Delta.ToMemory().Span;
        pcm.CopyTo(_decoded);
        return pcm.Length;
    }

    /// <summary>The obvious hand-rolled client: a DOM, the delta as a string, the string API for base64.</summary>
    [Benchmark(Description = "naive: JsonDocument + FromBase64String")]
    public int Naive()
    {
        using JsonDocument json = JsonDocument.Parse(_json);
        byte[] pcm = Convert.FromBase64String(json.RootElement.GetProperty("delta").GetString()!);
        pcm.CopyTo(_decoded, 0);
        return pcm.Length;
    }

    private void Verify(string name, int written)
    {
        if (written != _pcm.Length || !_decoded.AsSpan().SequenceEqual(_pcm))
        {
            throw new InvalidOperationException($"{name} did not decode the delta's PCM.");
        }

        Array.Clear(_decoded);
    }
}
