using System;
using System.ClientModel;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Generated.OpenAI.Audio;
using Generated.OpenAI.Benchmarks.Support;
using Generated.OpenAI.Http;
using Generated.OpenAI.Models;
using Generated.OpenAI.Realtime;
using Generated.OpenAI.WebSockets;

namespace Generated.OpenAI.Benchmarks;

/// <summary>
/// Messages per second over loopback TCP against a WebSocket server in a separate process
/// (<see cref="RealtimeLoadServer"/>, started by the benchmark), for 20 ms and 100 ms of 24 kHz PCM16 (960 and 4,800 B).
/// Time is per message (messages per second = 1e9 / Mean in ns; each invocation moves <see cref="Batch"/> messages),
/// allocations are per message. Baseline in <c>send</c> and <c>receive</c>: raw TCP of the same bytes (the ceiling); in
/// <c>session receive</c>: the connection (below).
/// <list type="bullet">
/// <item><c>send</c>: <c>input_audio_buffer.append</c> to the <c>sink</c> listener (reads and discards). Raw TCP writes a
/// prebuilt masked frame; <see cref="ClientWebSocket"/> sends prebuilt JSON (it copies and masks); ours builds every
/// frame from PCM (JSON + base64 + mask, <c>SendAudioAppendAsync</c>); the official <c>OpenAI</c> 2.15.0,
/// unmodified, sends the PCM with <c>RealtimeSessionClient.SendInputAudioAsync(BinaryData)</c>.</item>
/// <item><c>receive</c>: <c>response.output_audio.delta</c> from the <c>flood</c> listeners, which send prebuilt frames
/// back to back. Raw TCP reads the frames' bytes; <see cref="ClientWebSocket"/> receives each message into a buffer
/// (no parse, no decode); ours receives and decodes the PCM (<c>ReceiveMessageAsync</c> + <c>DecodeDelta</c>); the
/// official SDK enumerates <c>ReceiveUpdatesAsync</c> and copies each update's <c>Delta</c>.</item>
/// </list>
/// Through the session API (sessions from <see cref="RealtimeClient.ConnectVoiceAgentAsync"/>), next to the
/// connection-level rows: <c>session.SendAudioAsync</c> against <c>SendAudioAppendAsync</c> (send); and, in the
/// <c>session receive</c> category, the audio sink, the audio output and the typed events an app reads with
/// <c>ReadEventAsync</c>, against the connection's <c>ReceiveMessageAsync + DecodeDelta</c> of the same frames from the
/// same server (the baseline of that category, see <see cref="OursReceiveOnRequest"/>).
/// <para>Why a category of their own: a session reads the socket on its own loop, not on the benchmark's thread. Against
/// the flood, the loop either had to be parked between operations (then TCP stopped the server, which restarted for each
/// operation: a stop and start, and two thread wake-ups per batch, that the connection row, reading a stream that never
/// stops, does not pay) or to run free (then the server, the loop and the waiting benchmark thread competed for two
/// cores). Here the server (the <c>request</c> listeners) sends <see cref="Batch"/> deltas per request and nothing
/// else; every row of the category, connection or session, asks for a batch and then takes the oldest one asked for,
/// so the server stays two operations' frames ahead of the reader and never stops while the reader works; the
/// session's loop is never held by the benchmark (it decodes as frames arrive), and the benchmark's thread waits once
/// per operation (a counter, <see cref="CountingAudioSink"/>) or reads the events. The request is an append of 2 bytes
/// of PCM, sent by the connection or by the session (0 B either way). What the session rows still pay that the
/// connection row does not is the session's: its loop's work per message and one wake-up of the benchmark's thread per
/// <see cref="Batch"/> deltas (a few microseconds on the 2-core VM, a few percent of a batch: the batch stays at 100,
/// where that wake-up no longer dominates, rather than grow until it disappears).</para>
/// The official SDK connects through its own <c>RealtimeClient</c> with <c>RealtimeClientOptions.Endpoint</c> pointed at
/// the local server. Client and server share the machine's two cores, so ratios mean more than absolute rates.
/// </summary>
/// <remarks>
/// Exempt from the zero-allocation gate: steady state is 0 B per message for ours (the quick and full runs show it),
/// but the single cold invocation of --dry hops onto thread-pool threads whose pooled async boxes do not exist yet.
/// The in-memory paths (Perf_RealtimeSend, Perf_RealtimeReceive) are gated.
/// </remarks>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[BenchmarkCategory(Program.NoAllocationGate)]
public class Perf_RealtimeLoopback
{
    private const int Batch = 100;
    private const string Send = "send";
    private const string Receive = "receive";
    private const string SessionReceive = "session receive";

    /// <summary>
    /// Requests sent at setup after the first batch has been received and checked (while nothing else was asked for, so
    /// that no loop writes the checked buffers meanwhile); from then on the server is two operations ahead of the reader.
    /// </summary>
    private const int RequestsAhead = 2;

    private ServerProcess _server = null!;
    private byte[] _pcm = [];
    private BinaryData _pcmData = null!;
    private byte[] _prebuiltFrame = [];
    private byte[] _prebuiltJson = [];
    private byte[] _serverFrame = [];
    private byte[] _rawReceiveBuffer = [];
    private byte[] _receiveBuffer = new byte[128 * 1024];
    private byte[] _decoded = [];
    private Socket _raw = null!;
    private WebSocketConnection _ours = null!;
    private ClientWebSocket _clientWebSocket = null!;
    private global::OpenAI.Realtime.RealtimeSessionClient _official = null!;
    private Socket _rawReceive = null!;
    private WebSocketConnection _oursReceive = null!;
    private ClientWebSocket _clientWebSocketReceive = null!;
    private global::OpenAI.Realtime.RealtimeSessionClient _officialReceive = null!;
    private IAsyncEnumerator<global::OpenAI.Realtime.RealtimeServerUpdate> _officialUpdates = null!;
    private RealtimeClient? _realtimeClient;
    private RealtimeVoiceSession? _session;
    private WebSocketConnection _oursOnRequest = null!;
    private readonly byte[] _request = new byte[2]; // one sample of PCM: the request's append, as small as an append gets
    private CountingAudioSink? _sink;

    [Params(AudioSamples.Pcm20Ms, AudioSamples.Pcm100Ms)]
    public int PcmBytes { get; set; }

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    // The sessions are connected only for their own rows: a session's receive loop runs on another thread, which must
    // not happen while another row is measured.
    [GlobalSetup(Target = nameof(OursSession))]
    public void SetupSession()
    {
        Setup();
        (_realtimeClient, _session) = ConnectSessionAsync(_server.Port(SinkListener), null).GetAwaiter().GetResult();
    }

    [GlobalSetup(Target = nameof(OursSessionSink))]
    public void SetupSessionSink()
    {
        Setup();
        _sink = new CountingAudioSink(_decoded);
        (_realtimeClient, _session) = ConnectSessionAsync(_server.Port(RequestListener), _sink.OnAudio).GetAwaiter().GetResult();
        _session.SendAudioAsync(_request).AsTask().GetAwaiter().GetResult();
        Within(_sink.ReceiveAsync(Batch));
        Verify(nameof(OursSessionSink));
        RequestAhead(_session.SendAudioAsync);
    }

    [GlobalSetup(Target = nameof(OursSessionOutput))]
    public void SetupSessionOutput()
    {
        Setup();
        _sink = new CountingAudioSink(_decoded);
        (_realtimeClient, _session) = ConnectSessionAsync(_server.Port(RequestListener), null, _sink).GetAwaiter().GetResult();
        _session.SendAudioAsync(_request).AsTask().GetAwaiter().GetResult();
        Within(_sink.ReceiveAsync(Batch));
        _sink.Output.AsSpan(0, _decoded.Length).CopyTo(_decoded);
        Verify(nameof(OursSessionOutput));
        RequestAhead(_session.SendAudioAsync);
    }

    [GlobalSetup(Target = nameof(SessionReadEvent))]
    public void SetupSessionTyped()
    {
        Setup();
        (_realtimeClient, _session) = ConnectSessionAsync(_server.Port(RequestListener), null).GetAwaiter().GetResult();
        _session.SendAudioAsync(_request).AsTask().GetAwaiter().GetResult();
        Within(ReadDeltaEventsAsync());
        Verify(nameof(SessionReadEvent));
        RequestAhead(_session.SendAudioAsync);
    }

    [GlobalSetup(Target = nameof(SessionReadEventCopied))]
    public void SetupSessionTypedCopied()
    {
        Setup();
        (_realtimeClient, _session) = ConnectSessionAsync(_server.Port(RequestListener), null, copy: true).GetAwaiter().GetResult();
        _session.SendAudioAsync(_request).AsTask().GetAwaiter().GetResult();
        Within(ReadDeltaEventsAsync());
        Verify(nameof(SessionReadEventCopied));
        RequestAhead(_session.SendAudioAsync);
    }

    [GlobalSetup(Target = nameof(SessionReadEventZeroCopy))]
    public void SetupSessionTypedZeroCopy()
    {
        Setup();
        (_realtimeClient, _session) = ConnectSessionAsync(_server.Port(RequestListener), null, zeroCopy: true).GetAwaiter().GetResult();
        _session.SendAudioAsync(_request).AsTask().GetAwaiter().GetResult();
        Within(ReadDeltaEventsAsync());
        Verify(nameof(SessionReadEventZeroCopy));
        RequestAhead(_session.SendAudioAsync);
    }

    /// <summary>Sends the <see cref="RequestsAhead"/> requests of setup.</summary>
    private void RequestAhead(Func<ReadOnlyMemory<byte>, System.Threading.CancellationToken, ValueTask> send)
    {
        for (int i = 0; i < RequestsAhead; i++)
        {
            send(_request, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>An operation run in setup, with a time limit: a server or session that does not deliver fails the setup, not hangs it.</summary>
    private static void Within(ValueTask operation)
        => operation.AsTask().WaitAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();

    private string SinkListener => "sink";

    private string FloodListener => PcmBytes == AudioSamples.Pcm20Ms ? "flood960" : "flood4800";

    private string RequestListener => PcmBytes == AudioSamples.Pcm20Ms ? "request960" : "request4800";

    private async Task SetupAsync()
    {
        _server = RealtimeLoadServer.Start();
        _pcm = AudioSamples.CreatePcm(PcmBytes);
        _pcmData = BinaryData.FromBytes(_pcm);
        _decoded = new byte[PcmBytes];

        _prebuiltJson = new byte[RealtimeAudioEvents.GetAppendEventLength(RealtimeAudioBufferAppend.TypeUtf8, _pcm.Length)];
        RealtimeAudioEvents.WriteAppendEvent(_prebuiltJson, RealtimeAudioBufferAppend.TypeUtf8, _pcm);
        _prebuiltFrame = RawWebSocket.CreateMaskedFrame(_prebuiltJson);
        _serverFrame = AudioSamples.CreateServerTextFrame(AudioSamples.CreateOutputAudioDelta(_pcm));
        _rawReceiveBuffer = new byte[_serverFrame.Length * Batch];

        string sink = SinkListener;
        string flood = FloodListener;

        _raw = await RawWebSocket.ConnectAsync(_server.Port(sink)).ConfigureAwait(false);
        _ours = await WebSocketConnection.ConnectAsync(_server.Uri(sink), new WebSocketConnectionOptions(), CancellationToken.None).ConfigureAwait(false);
        _clientWebSocket = new ClientWebSocket();
        await _clientWebSocket.ConnectAsync(_server.Uri(sink), CancellationToken.None).ConfigureAwait(false);
        _official = await StartOfficialAsync(_server.Port(sink)).ConfigureAwait(false);

        _rawReceive = await RawWebSocket.ConnectAsync(_server.Port(flood)).ConfigureAwait(false);
        _oursReceive = await WebSocketConnection.ConnectAsync(_server.Uri(flood), new WebSocketConnectionOptions(), CancellationToken.None).ConfigureAwait(false);
        _clientWebSocketReceive = new ClientWebSocket();
        await _clientWebSocketReceive.ConnectAsync(_server.Uri(flood), CancellationToken.None).ConfigureAwait(false);
        _officialReceive = await StartOfficialAsync(_server.Port(flood)).ConfigureAwait(false);
        _officialUpdates = _officialReceive.ReceiveUpdatesAsync(CancellationToken.None).GetAsyncEnumerator();
        if (Batch != RealtimeLoadServer.FramesPerRequest)
        {
            throw new InvalidOperationException($"An operation reads {Batch} deltas; the server sends {RealtimeLoadServer.FramesPerRequest} per request.");
        }

        _oursOnRequest = await WebSocketConnection.ConnectAsync(_server.Uri(RequestListener), new WebSocketConnectionOptions(), CancellationToken.None).ConfigureAwait(false);

        // Each receive path must really get the PCM: check once before measuring.
        await OursReceive().ConfigureAwait(false);
        Verify(nameof(OursReceive));
        await OfficialReceive().ConfigureAwait(false);
        Verify(nameof(OfficialReceive));
        await _oursOnRequest.SendAudioAppendAsync(AudioSamples.AppendType, _request).ConfigureAwait(false);
        await ReceiveDeltasOnRequestAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        Verify(nameof(OursReceiveOnRequest));
        RequestAhead((request, cancellationToken) => _oursOnRequest.SendAudioAppendAsync(AudioSamples.AppendType, request, cancellationToken: cancellationToken));
        await RawTcpReceive().ConfigureAwait(false);
        if (!_rawReceiveBuffer.AsSpan(0, _serverFrame.Length).SequenceEqual(_serverFrame))
        {
            throw new InvalidOperationException("Raw TCP receive is not aligned on the server's frames.");
        }
    }

    private void Verify(string name)
    {
        if (!_decoded.AsSpan().SequenceEqual(_pcm))
        {
            throw new InvalidOperationException($"{name} did not receive the delta's PCM.");
        }

        Array.Clear(_decoded);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _clientWebSocket.Abort();
        _clientWebSocket.Dispose();
        _clientWebSocketReceive.Abort();
        _clientWebSocketReceive.Dispose();
        _ours.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _oursReceive.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _oursOnRequest.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _official.Dispose();
        _officialReceive.Dispose();
        _session?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _realtimeClient?.Dispose();
        _raw.Dispose();
        _rawReceive.Dispose();
        _server.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch, Description = "raw TCP, prebuilt frame")]
    [BenchmarkCategory(Send)]
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask RawTcp()
    {
        for (int i = 0; i < Batch; i++)
        {
            ReadOnlyMemory<byte> frame = _prebuiltFrame;
            while (!frame.IsEmpty)
            {
                int sent = await _raw.SendAsync(frame, SocketFlags.None).ConfigureAwait(false);
                frame = frame.Slice(sent);
            }
        }
    }

    [Benchmark(OperationsPerInvoke = Batch, Description = "ours: SendAudioAppendAsync from PCM")]
    [BenchmarkCategory(Send)]
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask Ours()
    {
        for (int i = 0; i < Batch; i++)
        {
            await _ours.SendAudioAppendAsync(AudioSamples.AppendType, _pcm).ConfigureAwait(false);
        }
    }

    [Benchmark(OperationsPerInvoke = Batch, Description = "ours: session.SendAudioAsync from PCM")]
    [BenchmarkCategory(Send)]
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask OursSession()
    {
        for (int i = 0; i < Batch; i++)
        {
            await _session!.SendAudioAsync(_pcm).ConfigureAwait(false);
        }
    }

    [Benchmark(OperationsPerInvoke = Batch, Description = "ClientWebSocket, prebuilt JSON")]
    [BenchmarkCategory(Send)]
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask ClientWebSocketPrebuilt()
    {
        for (int i = 0; i < Batch; i++)
        {
            await _clientWebSocket.SendAsync(_prebuiltJson.AsMemory(), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
        }
    }

    [Benchmark(OperationsPerInvoke = Batch, Description = "official: SendInputAudioAsync(BinaryData)")]
    [BenchmarkCategory(Send)]
    public async Task Official()
    {
        for (int i = 0; i < Batch; i++)
        {
            await _official.SendInputAudioAsync(_pcmData, CancellationToken.None).ConfigureAwait(false);
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch, Description = "raw TCP, the frames' bytes")]
    [BenchmarkCategory(Receive)]
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask RawTcpReceive()
    {
        Memory<byte> remaining = _rawReceiveBuffer;
        while (!remaining.IsEmpty)
        {
            int read = await _rawReceive.ReceiveAsync(remaining, SocketFlags.None).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException("The server closed the connection.");
            }

            remaining = remaining.Slice(read);
        }
    }

    [Benchmark(OperationsPerInvoke = Batch, Description = "ours: ReceiveMessageAsync + DecodeDelta")]
    [BenchmarkCategory(Receive)]
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask OursReceive()
    {
        for (int i = 0; i < Batch; i++)
        {
            WebSocketReceivedMessage message = await _oursReceive.ReceiveMessageAsync().ConfigureAwait(false);
            if (RealtimeAudioDeltaReader.DecodeDelta(message.Payload, _decoded, out _) != AudioDeltaStatus.Done)
            {
                throw new InvalidOperationException("Not a decodable delta.");
            }
        }
    }

    /// <summary>
    /// The connection-level row of the <c>session receive</c> category: asks the <c>request</c> listener for the next
    /// operation's <see cref="Batch"/> deltas, then receives and decodes this operation's, on the benchmark's thread.
    /// </summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Batch, Description = "connection: ReceiveMessageAsync + DecodeDelta")]
    [BenchmarkCategory(SessionReceive)]
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask OursReceiveOnRequest()
    {
        await _oursOnRequest.SendAudioAppendAsync(AudioSamples.AppendType, _request).ConfigureAwait(false);
        await ReceiveDeltasOnRequestAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// The baseline of the <c>CopyAudioDeltas</c> row: <see cref="OursReceiveOnRequest"/> with the copy an app makes of a
    /// delta it keeps, the delta's base64 in a new array of its length (what a copied typed delta's <c>Delta</c> owns),
    /// decoded from that copy (see <see cref="Perf_RealtimeReceive.OursReceiveCopyAndDecode"/>).
    /// </summary>
    [Benchmark(OperationsPerInvoke = Batch, Description = "connection: ReceiveMessageAsync + a kept copy of the delta's base64 + decode")]
    [BenchmarkCategory(SessionReceive)]
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask OursReceiveCopyOnRequest()
    {
        await _oursOnRequest.SendAudioAppendAsync(AudioSamples.AppendType, _request).ConfigureAwait(false);
        await ReceiveDeltasOnRequestAsync(keepCopies: true).ConfigureAwait(false);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ReceiveDeltasOnRequestAsync(bool keepCopies = false)
    {
        for (int i = 0; i < Batch; i++)
        {
            WebSocketReceivedMessage message = await _oursOnRequest.ReceiveMessageAsync().ConfigureAwait(false);
            if (keepCopies)
            {
                byte[] base64 = Perf_RealtimeReceive.CopyDelta(message.Payload);
                if (System.Buffers.Text.Base64.DecodeFromUtf8(base64, _decoded, out _, out _) != System.Buffers.OperationStatus.Done)
                {
                    throw new InvalidOperationException("Not a decodable delta.");
                }
            }
            else if (RealtimeAudioDeltaReader.DecodeDelta(message.Payload, _decoded, out _) != AudioDeltaStatus.Done)
            {
                throw new InvalidOperationException("Not a decodable delta.");
            }
        }
    }

    /// <summary>
    /// The session's receive loop decoding <see cref="Batch"/> deltas into the audio sink (see <see cref="CountingAudioSink"/>),
    /// which copies each into the player's buffer as an app must: the operation asks for the next operation's deltas
    /// (<c>session.SendAudioAsync</c>) and waits once for the loop to have delivered this operation's.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Batch, Description = "ours: session audio sink")]
    [BenchmarkCategory(SessionReceive)]
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask OursSessionSink()
    {
        await _session!.SendAudioAsync(_request).ConfigureAwait(false);
        await _sink!.ReceiveAsync(Batch).ConfigureAwait(false);
    }

    /// <summary>The session's receive loop decoding <see cref="Batch"/> deltas straight into the player's buffer (<c>AudioOutput</c>; see <see cref="CountingAudioSink"/>).</summary>
    [Benchmark(OperationsPerInvoke = Batch, Description = "ours: session audio output")]
    [BenchmarkCategory(SessionReceive)]
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask OursSessionOutput()
    {
        await _session!.SendAudioAsync(_request).ConfigureAwait(false);
        await _sink!.ReceiveAsync(Batch).ConfigureAwait(false);
    }

    /// <summary><see cref="Batch"/> typed audio delta events read with <c>ReadEventAsync</c>, the PCM decoded from each, after asking for the next operation's.</summary>
    [Benchmark(OperationsPerInvoke = Batch, Description = "session: ReadEventAsync, typed delta")]
    [BenchmarkCategory(SessionReceive)]
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask SessionReadEvent()
    {
        await _session!.SendAudioAsync(_request).ConfigureAwait(false);
        await ReadDeltaEventsAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// <see cref="SessionReadEvent"/> with <see cref="RealtimeSessionOptions.CopyAudioDeltas"/>: each delta a new event that
    /// owns a copy of its base64 (the default before the lent default; <see cref="SessionReadEvent"/> now lends each delta
    /// on its retained message until the next read).
    /// </summary>
    [Benchmark(OperationsPerInvoke = Batch, Description = "session: ReadEventAsync, typed delta, CopyAudioDeltas")]
    [BenchmarkCategory(SessionReceive)]
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask SessionReadEventCopied()
    {
        await _session!.SendAudioAsync(_request).ConfigureAwait(false);
        await ReadDeltaEventsAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// <see cref="SessionReadEvent"/> with <see cref="RealtimeSessionOptions.ZeroCopyAudioDeltas"/>: each delta's base64
    /// is borrowed from the receive buffer until the next read, instead of copied into an array the event owns.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Batch, Description = "session: ReadEventAsync, typed delta, ZeroCopyAudioDeltas")]
    [BenchmarkCategory(SessionReceive)]
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask SessionReadEventZeroCopy()
    {
        await _session!.SendAudioAsync(_request).ConfigureAwait(false);
        await ReadDeltaEventsAsync().ConfigureAwait(false);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ReadDeltaEventsAsync()
    {
        for (int i = 0; i < Batch; i++)
        {
            RealtimeServerEvent? serverEvent = await _session!.ReadEventAsync().ConfigureAwait(false);
            if (serverEvent?.Value is not RealtimeServerEventResponseAudioDelta delta)
            {
                throw new InvalidOperationException($"Expected an audio delta, read {serverEvent?.Kind.ToString() ?? "the end"}.");
            }

            delta.Delta.TryDecode(_decoded, out _);
        }
    }

    /// <summary>
    /// <c>-- --compare-loopback PCMBYTES ROUNDS</c>: the rows of the <c>session receive</c> category without
    /// BenchmarkDotNet, interleaved, for a loaded machine: each round times 5 operations of each row in turn (each row
    /// with its own server process and session, idle while the others run: the request listeners send nothing
    /// unasked) and the minimum per row over the rounds is kept. <c>ROUNDS</c> of 0 loops the audio sink row forever,
    /// for a profiler (-1 the typed row, -2 the connection row, -3 the zero-copy typed row).
    /// </summary>
    internal static int Compare(int pcmBytes, int rounds)
    {
        var connection = new Perf_RealtimeLoopback { PcmBytes = pcmBytes };
        connection.Setup();
        var sink = new Perf_RealtimeLoopback { PcmBytes = pcmBytes };
        sink.SetupSessionSink();
        var output = new Perf_RealtimeLoopback { PcmBytes = pcmBytes };
        output.SetupSessionOutput();
        var typed = new Perf_RealtimeLoopback { PcmBytes = pcmBytes };
        typed.SetupSessionTyped();
        var zeroCopy = new Perf_RealtimeLoopback { PcmBytes = pcmBytes };
        zeroCopy.SetupSessionTypedZeroCopy();
        if (rounds <= 0)
        {
            Func<ValueTask> loop = rounds switch { 0 => sink.OursSessionSink, -1 => typed.SessionReadEvent, -3 => zeroCopy.SessionReadEventZeroCopy, _ => connection.OursReceiveOnRequest };
            while (true)
            {
                loop().AsTask().GetAwaiter().GetResult();
            }
        }

        Func<ValueTask>[] rows = [connection.OursReceiveOnRequest, sink.OursSessionSink, output.OursSessionOutput, typed.SessionReadEvent, zeroCopy.SessionReadEventZeroCopy];
        string[] names = ["connection", "session audio sink", "session audio output", "session ReadEventAsync", "session ReadEventAsync, zero copy"];
        double[] best = [double.MaxValue, double.MaxValue, double.MaxValue, double.MaxValue, double.MaxValue];
        const int Operations = 5;
        for (int round = 0; round < rounds; round++)
        {
            for (int row = 0; row < rows.Length; row++)
            {
                long started = System.Diagnostics.Stopwatch.GetTimestamp();
                for (int i = 0; i < Operations; i++)
                {
                    rows[row]().AsTask().GetAwaiter().GetResult();
                }

                best[row] = Math.Min(best[row], System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalNanoseconds / (Operations * Batch));
            }
        }

        for (int row = 0; row < rows.Length; row++)
        {
            Console.WriteLine($"{pcmBytes,5} B {names[row],-24} {best[row],8:F0} ns per delta  {best[row] / best[0]:F2}x");
        }

        foreach (Perf_RealtimeLoopback bench in new[] { connection, sink, output, typed, zeroCopy })
        {
            bench.Cleanup();
        }

        return 0;
    }

    [Benchmark(OperationsPerInvoke = Batch, Description = "ClientWebSocket, receive into a buffer")]
    [BenchmarkCategory(Receive)]
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask ClientWebSocketReceive()
    {
        for (int i = 0; i < Batch; i++)
        {
            int length = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                result = await _clientWebSocketReceive.ReceiveAsync(_receiveBuffer.AsMemory(length), CancellationToken.None).ConfigureAwait(false);
                length += result.Count;
            }
            while (!result.EndOfMessage);
        }
    }

    [Benchmark(OperationsPerInvoke = Batch, Description = "official: ReceiveUpdatesAsync + Delta")]
    [BenchmarkCategory(Receive)]
    public async Task OfficialReceive()
    {
        for (int i = 0; i < Batch; i++)
        {
            if (!await _officialUpdates.MoveNextAsync().ConfigureAwait(false))
            {
                throw new IOException("The official session ended.");
            }

            if (_officialUpdates.Current is not global::OpenAI.Realtime.RealtimeServerUpdateResponseOutputAudioDelta delta)
            {
                throw new InvalidOperationException($"Unexpected update {_officialUpdates.Current.GetType().Name}.");
            }

            delta.Delta.ToMemory().Span.CopyTo(_decoded);
        }
    }

    private static async Task<(RealtimeClient Client, RealtimeVoiceSession Session)> ConnectSessionAsync(int port, RealtimeAudioSink? sink, System.Buffers.IBufferWriter<byte>? output = null, bool zeroCopy = false, bool copy = false)
    {
        var client = new RealtimeClient(new OpenAIClientOptions { ApiKey = "benchmark", BaseUrl = new Uri($"http://127.0.0.1:{port}/v1") });
        var options = new RealtimeSessionOptions { AudioSink = sink, AudioOutput = output, ZeroCopyAudioDeltas = zeroCopy, CopyAudioDeltas = copy };
        RealtimeVoiceSession session = await client.ConnectVoiceAgentAsync(options: options, cancellationToken: CancellationToken.None).ConfigureAwait(false);
        return (client, session);
    }

    private static async Task<global::OpenAI.Realtime.RealtimeSessionClient> StartOfficialAsync(int port)
    {
        var client = new global::OpenAI.Realtime.RealtimeClient(
            new ApiKeyCredential("benchmark"),
            new global::OpenAI.Realtime.RealtimeClientOptions { Endpoint = new Uri($"http://127.0.0.1:{port}/v1") });
        return await client.StartConversationSessionAsync("gpt-realtime", cancellationToken: CancellationToken.None).ConfigureAwait(false);
    }
}
