using System;
using System.Net.Sockets;
using System.Net.WebSockets;
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
/// N concurrent realtime sessions, each streaming 20 ms of 24 kHz PCM16 both ways in real time: the client appends
/// 960 bytes every 20 ms (its own <see cref="PeriodicTimer"/> per session) and the server sends one 20 ms
/// <c>response.output_audio.delta</c> every 20 ms per connection, the N connections' deltas spread evenly over the
/// 20 ms (one every 20 ms / N). The server runs in a separate process
/// (<see cref="RealtimeLoadServer"/>), so none of its CPU time or allocations is counted.
/// </summary>
/// <remarks>
/// <para>One operation = run the N sessions for <see cref="WindowMilliseconds"/> of wall-clock time (after a ramp-up
/// that is not measured), so <c>Mean</c> is about the window and means nothing. The numbers are the custom columns,
/// measured inside the benchmark process over the window: <c>CPU/core</c> = the whole client process's CPU time
/// (every thread: sessions, timers, socket I/O, GC, the harness) / wall time; <c>B/event</c> = bytes allocated by the
/// process / (appends sent + deltas received); <c>events/s</c> (the real-time rate is N × 100). The median over the
/// measured windows is shown. The connections are opened before and closed after each window (not measured).</para>
/// <para>Ours: <see cref="WebSocketConnection"/> with <c>SendAudioAppendAsync</c> from PCM (JSON + base64 + mask per
/// event) and, on receive, <c>IsEventType</c> + <c>DecodeDelta</c> into a PCM buffer: the audio hot path of the SDK's
/// realtime sessions, without their event channel and typed events. Ours, session level: the same work through the
/// API users call, <see cref="RealtimeClient.ConnectVoiceAgentAsync"/> with a <see cref="RealtimeSessionOptions.AudioSink"/>
/// that counts the decoded 20 ms deltas (the session's receive loop decodes them from the receive buffer) and
/// <see cref="RealtimeSession{TServerEvent}.SendAudioAsync(ReadOnlyMemory{byte}, CancellationToken)"/> every 20 ms; no
/// keep-alive pings, as on the connection row. Compared with: <see cref="ClientWebSocket"/> sending a
/// prebuilt append event and receiving into a buffer, with no JSON or base64 work at all. Baseline (<c>CPU ratio</c>
/// = 1): raw TCP with the same pacing: a socket writing the prebuilt masked frame every 20 ms and reading the server's
/// bytes (a delta is counted per frame length received), with no WebSocket code, the floor of this workload on this
/// machine. <c>user</c> and <c>kernel</c> split <c>CPU/core</c>: on loopback the sender's system call also runs the
/// TCP delivery into the server's socket, so the kernel share is paid by every client, whatever its library.</para>
/// <para><c>p50 µs</c> and <c>p99 µs</c>: the latency a voice user feels, from the server's write of a delta frame to
/// the moment its audio reaches the app. The server stamps every paced delta just before its send with
/// <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> (<c>CLOCK_MONOTONIC</c> on Linux, one clock for both
/// processes, checked at start-up: <see cref="RealtimeLoadServer.Start"/>), in the first 8 bytes of the delta's PCM
/// (<see cref="DeliveryStamp"/>: same frame length, same decode work). The client takes its own stamp where the app
/// gets the audio: ours, session level, in the <see cref="RealtimeSessionOptions.AudioSink"/> (the path a voice app
/// plays from; its PCM carries the stamp, so no typed event is needed and nothing is allocated); ours, connection
/// level, after <c>DecodeDelta</c> into the PCM buffer; <see cref="ClientWebSocket"/>, when <c>ReceiveAsync</c>
/// completes the message (the stamp read from its base64 at the known offset, no JSON or audio decoding, as that row
/// does none). Latencies go into one preallocated histogram (<see cref="LatencyHistogram"/>: counters, 1.6% buckets,
/// no allocation per event) reset at the start of each window; each window's p50 and p99 are over all the deltas of
/// that window, and the column shows the median over the measured windows, like the other columns. On loopback the
/// frame is in the client's socket when the server's send returns, so this is arrival to app plus the server's one
/// send call. It includes whatever the 2-core machine is doing meanwhile. The server spreads the sessions over each
/// 20 ms tick (session k's delta at k × 20 ms / N into the tick, one thread with <c>Stopwatch</c> timestamps and
/// microsecond sleeps, a frame up to 100 µs early rather than a sleep per 20 µs slot at 1,000 sessions:
/// <see cref="RealtimeLoadServer"/>), as N sessions that are not in phase would send, so a delta
/// finds the client idle unless the client is still busy with earlier ones: the columns measure the client's delivery,
/// not a queue the server made. (Until 2026-12-07's run 3 the server sent all N deltas of a tick in one burst, and
/// the p99 at 1,000 sessions was the time to drain it, about 10 ms for every library.) The bytes and events per second
/// are the same as with the burst, but not the wake-ups: one delta at a time, each wakes the client's socket engine
/// and a thread-pool thread instead of one wake-up serving a burst, and the thread pool spins before an idle worker
/// blocks, so the CPU columns of the two server shapes are not comparable (measured under load, raw TCP at 100
/// sessions: 0.12 core with the burst, 0.72 to 0.78 spread, 0.22 spread with <c>DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0</c>;
/// <c>GENERATED_OPENAI_BENCH_PACED_IN_PHASE=1</c> brings back the burst for that comparison). A row
/// that does not keep up with real time (<c>events/s</c> under N × 100) shows its backlog, not a delivery time. Raw TCP does
/// not parse frames and shows <c>-</c>; recording costs the timed rows one clock read and one interlocked increment
/// per delta (about 30 ns: under 0.5% of their CPU at 1,000 sessions), and the stamping costs the server only.</para>
/// <para>Exempt from the zero-allocation gate, both <c>ours</c> rows: the window includes timers, socket completions
/// and the harness (and, for the session row, the receive loops keep running between windows, outside the measured
/// invocation but inside the process); the per-event figure, 0 B in steady state, is in <c>B/event</c>.</para>
/// </remarks>
[MemoryDiagnoser]
[BenchmarkCategory(Program.NoAllocationGate)]
[InvocationCount(1, unrollFactor: 1)]
[WarmupCount(1)]
[IterationCount(3)]
public class Perf_RealtimeSessions
{
    private static readonly int WindowMilliseconds = Program.IsDry ? 300
        : int.TryParse(Environment.GetEnvironmentVariable(WindowVariable), out int window) && window > 0 ? window : 3_000;

    /// <summary>
    /// Overrides the window's length in milliseconds (profiling: one long window over the same connections, so that a
    /// counter attached to the process sees a steady load without the connects and closes between windows).
    /// </summary>
    public const string WindowVariable = "GENERATED_OPENAI_BENCH_WINDOW_MS";
    private static readonly int RampMilliseconds = Program.IsDry ? 100 : 500;
    private static readonly TimeSpan s_chunk = TimeSpan.FromMilliseconds(20);

    private ServerProcess _server = null!;
    private byte[] _pcm = [];
    private byte[] _prebuiltAppend = [];
    private byte[] _prebuiltFrame = [];
    private int _serverFrameLength;
    private int _serverPayloadLength;
    private int _stampOffset;
    private WebSocketConnection[] _ours = [];
    private RealtimeClient _realtime = null!;
    private RealtimeVoiceSession[] _sessions = [];
    private RealtimeSessionOptions _sessionOptions = null!;
    private ClientWebSocket[] _clientWebSockets = [];
    private Socket[] _raw = [];
    private readonly WindowMetrics.Counter _events = new();
    private readonly LatencyHistogram _latency = new();

    [Params(10, 100, 1_000)]
    public int Sessions { get; set; }

    /// <summary>
    /// <c>-- --profile-sessions METHOD SESSIONS WINDOWS</c>: the windows of one row without BenchmarkDotNet, to attach a
    /// profiler to a steady load (<c>perf stat -I 1000 -p PID</c>); each window prints its line as in a run.
    /// </summary>
    internal static int Profile(string method, int sessions, int windows)
    {
        var benchmark = new Perf_RealtimeSessions { Sessions = sessions };
        benchmark.Setup();
        Console.WriteLine($"// profiling {method} x {sessions}, pid {Environment.ProcessId}");
        try
        {
            for (int i = 0; i < windows; i++)
            {
                switch (method)
                {
                    case nameof(RawTcp):
                        benchmark.ConnectRaw();
                        benchmark.RawTcp().GetAwaiter().GetResult();
                        benchmark.CloseRaw();
                        break;
                    case nameof(ClientWebSocketPrebuilt):
                        benchmark.ConnectClientWebSockets();
                        benchmark.ClientWebSocketPrebuilt().GetAwaiter().GetResult();
                        benchmark.CloseClientWebSockets();
                        break;
                    case nameof(Ours):
                        benchmark.ConnectOurs();
                        benchmark.Ours().GetAwaiter().GetResult();
                        benchmark.CloseOurs();
                        break;
                    default:
                        benchmark.ConnectSessions();
                        benchmark.OursSession().GetAwaiter().GetResult();
                        benchmark.CloseSessions();
                        break;
                }
            }
        }
        finally
        {
            benchmark.Cleanup();
        }

        return 0;
    }

    /// <summary>
    /// <c>-- --compare-session-work ROUNDS SESSIONS</c>: the per-event user-mode work in which the session row differs from the
    /// connection row, in process and without sockets, so that it can be compared on a loaded machine (the minimum of
    /// <c>ROUNDS</c> interleaved rounds of 20,000 events per row is kept): an append (the connection's
    /// <c>SendAudioAppendAsync</c> against the session's <c>SendAudioAsync</c>, both over a stream that drops the
    /// bytes) and a received delta (the connection row's <c>IsEventType</c> + <c>DecodeDelta</c> into a PCM buffer
    /// against the session's step for one message with an audio sink: <c>ProcessMessage</c> as its loop calls it). The
    /// socket, the thread pool and the frame parsing are the same code in both rows and are not in these numbers.
    /// </summary>
    internal static int CompareSessionWork(int rounds, int sessions)
    {
        const int Events = 20_000;
        byte[] pcm = AudioSamples.CreatePcm(AudioSamples.Pcm20Ms);
        ReadOnlyMemory<byte> pcmMemory = pcm;
        var payload = new System.Buffers.ReadOnlySequence<byte>(AudioSamples.CreateOutputAudioDelta(pcm));
        long sunk = 0;
        var options = new RealtimeSessionOptions { AudioSink = audio => sunk += audio.Length, KeepAliveInterval = TimeSpan.Zero };
        var connections = new WebSocketConnection[sessions];
        var voiceSessions = new RealtimeVoiceSession[sessions];
        var decoded = new byte[sessions][];
        for (int i = 0; i < sessions; i++)
        {
            connections[i] = WebSocketConnection.CreateFromStream(new NullDuplexStream(), new WebSocketConnectionOptions());
            voiceSessions[i] = InMemorySession.Create(new NullDuplexStream(), options);
            decoded[i] = new byte[AudioSamples.Pcm20Ms];
        }

        // Round robin over the sessions, as at N sessions each event finds its session's memory as the others left the cache.
        int next = 0;
        int Next() => next = next + 1 == sessions ? 0 : next + 1;
        Func<int>[] rows =
        [
            () => { connections[Next()].SendAudioAppendAsync(AudioSamples.AppendType, pcmMemory).GetAwaiter().GetResult(); return 0; },
            () => { voiceSessions[Next()].SendAudioAsync(pcmMemory).GetAwaiter().GetResult(); return 0; },
            () => RealtimeAudioDeltaReader.IsEventType(payload, RealtimeServerEventResponseAudioDelta.TypeUtf8)
                && RealtimeAudioDeltaReader.DecodeDelta(payload, decoded[Next()], out int written) == AudioDeltaStatus.Done ? written : -1,
            () => voiceSessions[Next()].ProcessMessage(payload, out _, -1, lend: true) is null ? 0 : -1,
        ];
        string[] names = ["append: connection", "append: session", "delta: connection row", "delta: session step + sink"];
        double[] best = [double.MaxValue, double.MaxValue, double.MaxValue, double.MaxValue];
        for (int round = 0; round < rounds; round++)
        {
            for (int row = 0; row < rows.Length; row++)
            {
                Func<int> step = rows[row];
                long started = System.Diagnostics.Stopwatch.GetTimestamp();
                for (int i = 0; i < Events; i++)
                {
                    if (step() < 0)
                    {
                        throw new InvalidOperationException(names[row] + " did not do the work.");
                    }
                }

                best[row] = Math.Min(best[row], System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalNanoseconds / Events);
            }
        }

        Console.WriteLine($"// {sessions} sessions, round robin, min of {rounds} rounds of {Events} events per row");
        for (int row = 0; row < rows.Length; row++)
        {
            Console.WriteLine($"{names[row],-28} {best[row],8:F1} ns{(row % 2 == 1 ? $"  (+{best[row] - best[row - 1]:F1} ns)" : "")}");
        }

        Console.WriteLine($"// {sunk} PCM bytes reached the sink");
        for (int i = 0; i < sessions; i++)
        {
            voiceSessions[i].DisposeAsync().AsTask().GetAwaiter().GetResult();
            connections[i].DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        return 0;
    }

    [GlobalSetup]
    public void Setup()
    {
        _server = RealtimeLoadServer.Start();
        _pcm = AudioSamples.CreatePcm(AudioSamples.Pcm20Ms);
        _prebuiltAppend = new byte[RealtimeAudioEvents.GetAppendEventLength(RealtimeAudioBufferAppend.TypeUtf8, _pcm.Length)];
        RealtimeAudioEvents.WriteAppendEvent(_prebuiltAppend, RealtimeAudioBufferAppend.TypeUtf8, _pcm);
        _prebuiltFrame = RawWebSocket.CreateMaskedFrame(_prebuiltAppend);
        byte[] serverPayload = AudioSamples.CreateOutputAudioDelta(_pcm);
        _serverFrameLength = AudioSamples.CreateServerTextFrame(serverPayload).Length;
        _serverPayloadLength = serverPayload.Length;
        _stampOffset = DeliveryStamp.FindIn(serverPayload);
        _realtime = new RealtimeClient(new OpenAIClientOptions { ApiKey = "benchmark", BaseUrl = new Uri($"http://127.0.0.1:{_server.Port("paced960")}/v1") });

        // One sink for every session: it runs on each session's receive loop with the decoded 20 ms of PCM, which is
        // where a voice app gets its audio; the server's send stamp is in the PCM's first 8 bytes.
        WindowMetrics.Counter events = _events;
        LatencyHistogram latency = _latency;
        _sessionOptions = new RealtimeSessionOptions
        {
            AudioSink = pcm =>
            {
                if (pcm.Length == AudioSamples.Pcm20Ms)
                {
                    latency.RecordSince(DeliveryStamp.Read(pcm));
                    events.Increment();
                }
            },
            KeepAliveInterval = TimeSpan.Zero, // as the connection row (WebSocketConnectionOptions' default)
        };
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _realtime.Dispose();
        _server.Dispose();
    }

    [IterationSetup(Target = nameof(Ours))]
    public void ConnectOurs()
    {
        _ours = new WebSocketConnection[Sessions];
        Parallel.For(0, Sessions, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
            _ours[i] = WebSocketConnection.ConnectAsync(_server.Uri("paced960"), new WebSocketConnectionOptions(), CancellationToken.None).AsTask().GetAwaiter().GetResult());
    }

    [IterationCleanup(Target = nameof(Ours))]
    public void CloseOurs()
    {
        foreach (WebSocketConnection connection in _ours)
        {
            connection.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    [IterationSetup(Target = nameof(OursSession))]
    public void ConnectSessions()
    {
        _sessions = new RealtimeVoiceSession[Sessions];
        Parallel.For(0, Sessions, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
            _sessions[i] = _realtime.ConnectVoiceAgentAsync(options: _sessionOptions).GetAwaiter().GetResult());
    }

    [IterationCleanup(Target = nameof(OursSession))]
    public void CloseSessions()
    {
        // All at once: the server never answers a close frame, so each dispose waits out CloseTimeout (500 ms).
        var disposing = new Task[_sessions.Length];
        for (int i = 0; i < _sessions.Length; i++)
        {
            disposing[i] = _sessions[i].DisposeAsync().AsTask();
        }

        Task.WhenAll(disposing).GetAwaiter().GetResult();
    }

    [IterationSetup(Target = nameof(RawTcp))]
    public void ConnectRaw()
    {
        _raw = new Socket[Sessions];
        Parallel.For(0, Sessions, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
            _raw[i] = RawWebSocket.ConnectAsync(_server.Port("paced960")).GetAwaiter().GetResult());
    }

    [IterationCleanup(Target = nameof(RawTcp))]
    public void CloseRaw()
    {
        foreach (Socket socket in _raw)
        {
            socket.Dispose();
        }
    }

    [IterationSetup(Target = nameof(ClientWebSocketPrebuilt))]
    public void ConnectClientWebSockets()
    {
        _clientWebSockets = new ClientWebSocket[Sessions];
        Parallel.For(0, Sessions, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var socket = new ClientWebSocket();
            socket.ConnectAsync(_server.Uri("paced960"), CancellationToken.None).GetAwaiter().GetResult();
            _clientWebSockets[i] = socket;
        });
    }

    [IterationCleanup(Target = nameof(ClientWebSocketPrebuilt))]
    public void CloseClientWebSockets()
    {
        foreach (ClientWebSocket socket in _clientWebSockets)
        {
            socket.Abort();
            socket.Dispose();
        }
    }

    [Benchmark(Baseline = true, Description = "raw TCP, prebuilt frame, count bytes")]
    public Task RawTcp() => RunWindowAsync(nameof(RawTcp), _raw.Length, measuresLatency: false, (i, stop) =>
    {
        Socket socket = _raw[i];
        return Task.WhenAll(RawSendLoopAsync(socket, stop), RawReceiveLoopAsync(socket, stop));
    });

    [Benchmark(Description = "ClientWebSocket, prebuilt append, receive only")]
    public Task ClientWebSocketPrebuilt() => RunWindowAsync(nameof(ClientWebSocketPrebuilt), _clientWebSockets.Length, measuresLatency: true, (i, stop) =>
    {
        ClientWebSocket socket = _clientWebSockets[i];
        return Task.WhenAll(ClientWebSocketSendLoopAsync(socket, stop), ClientWebSocketReceiveLoopAsync(socket, stop));
    });

    [Benchmark(Description = "ours: WebSocketConnection, append from PCM, decode deltas")]
    public Task Ours() => RunWindowAsync(nameof(Ours), _ours.Length, measuresLatency: true, (i, stop) =>
    {
        WebSocketConnection connection = _ours[i];
        return Task.WhenAll(OursSendLoopAsync(connection, stop), OursReceiveLoopAsync(connection, stop));
    });

    [Benchmark(Description = "ours: RealtimeVoiceSession, SendAudioAsync, audio sink")]
    public Task OursSession() => RunWindowAsync(nameof(OursSession), _sessions.Length, measuresLatency: true, (i, stop) => SessionSendLoopAsync(_sessions[i], stop));

    private async Task RunWindowAsync(string method, int sessions, bool measuresLatency, Func<int, CancellationToken, Task> session)
    {
        using var stop = new CancellationTokenSource();
        var running = new Task[sessions];
        for (int i = 0; i < sessions; i++)
        {
            running[i] = session(i, stop.Token);
        }

        await Task.Delay(RampMilliseconds).ConfigureAwait(false);
        _latency.Reset();
        WindowMetrics.Snapshot start = WindowMetrics.Snapshot.Take(_events.Value);
        await Task.Delay(WindowMilliseconds).ConfigureAwait(false);
        WindowMetrics.Snapshot end = WindowMetrics.Snapshot.Take(_events.Value);
        LatencyHistogram.Summary? latency = measuresLatency ? _latency.Summarize() : null; // the window's deltas only
        stop.Cancel();
        try
        {
            await Task.WhenAll(running).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Cancellation aborts the connections; they are replaced before the next window.
        }

        WindowMetrics.Record(nameof(Perf_RealtimeSessions) + "." + method + "-" + sessions, start, end, latency);
    }

    private async Task OursSendLoopAsync(WebSocketConnection connection, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(s_chunk);
        while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
        {
            await connection.SendAudioAppendAsync(AudioSamples.AppendType, _pcm, cancellationToken: stop).ConfigureAwait(false);
            _events.Increment();
        }
    }

    private async Task OursReceiveLoopAsync(WebSocketConnection connection, CancellationToken stop)
    {
        byte[] pcm = new byte[AudioSamples.Pcm20Ms];
        while (true)
        {
            WebSocketReceivedMessage message = await connection.ReceiveMessageAsync(stop).ConfigureAwait(false);
            if (RealtimeAudioDeltaReader.IsEventType(message.Payload, RealtimeServerEventResponseAudioDelta.TypeUtf8)
                && RealtimeAudioDeltaReader.DecodeDelta(message.Payload, pcm, out _) == AudioDeltaStatus.Done)
            {
                // The decoded PCM is where the app gets the audio; the server's stamp is in its first 8 bytes.
                _latency.RecordSince(DeliveryStamp.Read(pcm));
                _events.Increment();
            }
        }
    }

    private async Task SessionSendLoopAsync(RealtimeVoiceSession session, CancellationToken stop)
    {
        // Deltas are counted by the sink, on the session's own receive loop.
        ReadOnlyMemory<byte> pcm = _pcm;
        using var timer = new PeriodicTimer(s_chunk);
        while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
        {
            await session.SendAudioAsync(pcm, stop).ConfigureAwait(false);
            _events.Increment();
        }
    }

    private async Task RawSendLoopAsync(Socket socket, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(s_chunk);
        while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
        {
            // A 1.3 KB frame fits the socket's send buffer: one call, as for the WebSocket clients.
            await socket.SendAsync(_prebuiltFrame, SocketFlags.None, stop).ConfigureAwait(false);
            _events.Increment();
        }
    }

    private async Task RawReceiveLoopAsync(Socket socket, CancellationToken stop)
    {
        byte[] buffer = new byte[16 * 1024];
        long pending = 0;
        while (true)
        {
            int read = await socket.ReceiveAsync(buffer, SocketFlags.None, stop).ConfigureAwait(false);
            if (read == 0)
            {
                return;
            }

            for (pending += read; pending >= _serverFrameLength; pending -= _serverFrameLength)
            {
                _events.Increment();
            }
        }
    }

    private async Task ClientWebSocketSendLoopAsync(ClientWebSocket socket, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(s_chunk);
        while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
        {
            await socket.SendAsync(_prebuiltAppend.AsMemory(), WebSocketMessageType.Text, endOfMessage: true, stop).ConfigureAwait(false);
            _events.Increment();
        }
    }

    private async Task ClientWebSocketReceiveLoopAsync(ClientWebSocket socket, CancellationToken stop)
    {
        // The message is complete when ReceiveAsync says so (it may come in parts); the stamp is read from its base64
        // at the known offset (this row decodes no audio), which is where an app that used the message would start.
        byte[] buffer = new byte[16 * 1024];
        int length = 0;
        while (true)
        {
            ValueWebSocketReceiveResult result = await socket.ReceiveAsync(buffer.AsMemory(length), stop).ConfigureAwait(false);
            length += result.Count;
            if (result.EndOfMessage)
            {
                if (length == _serverPayloadLength)
                {
                    _latency.RecordSince(DeliveryStamp.ReadEncoded(buffer.AsSpan(_stampOffset)));
                }

                _events.Increment();
                length = 0;
            }
            else if (length == buffer.Length)
            {
                length = 0; // not a delta of this server: count it, time nothing
            }
        }
    }
}
