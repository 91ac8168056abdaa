using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO.Pipelines;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Audio;
using Generated.OpenAI.Models;
using Generated.OpenAI.Serialization;
using Generated.OpenAI.WebSockets;

namespace Generated.OpenAI.Realtime;

/// <summary>
/// What every realtime session shares: one receive loop over a <see cref="WebSocketConnection"/>, a bounded event
/// stream, sends with <c>event_id</c>s, answers matched to their questions, the zero-allocation audio paths and the
/// lifetime. A session kind is a <see cref="RealtimeSessionDescriptor{TServerEvent}"/> plus a subclass with its helpers.
/// </summary>
/// <typeparam name="TServerEvent">The server event union of the endpoint family.</typeparam>
/// <remarks>
/// <para><b>Receive loop.</b> The session starts exactly one loop when it connects. It decodes audio deltas into
/// <see cref="AudioSink"/> when one is set, reads every other message into <typeparamref name="TServerEvent"/>
/// (once, by the generated reader; an event that lacks what the spec requires, or names a type this SDK does not
/// know, is the union's <c>Unknown</c> case with its raw JSON, never dropped and never acted on), updates the
/// session's state (transcripts, tools, answers) and queues the event for <see cref="ReadEventsAsync"/>.</para>
/// <para><b>Memory.</b> The queue is bounded (<see cref="RealtimeSessionOptions.MaxQueuedEvents"/>,
/// <see cref="RealtimeSessionOptions.MaxQueuedBytes"/>): when it is full the loop stops reading the socket, so TCP
/// slows the server down, or drops the oldest audio deltas (<see cref="RealtimeSessionOptions.Backpressure"/>).
/// <see cref="Errors"/> keeps the most recent errors only; the transcript accumulators keep a bounded history.</para>
/// <para><b>Concurrency.</b> One consumer of <see cref="ReadEventsAsync"/> at a time; any number of concurrent
/// senders (frames are serialized by the connection).</para>
/// <para><b>End.</b> The loop ends when the server closes (the event stream completes), or with a terminal error
/// that the event stream throws and every pending call sees (inside <see cref="RealtimeSessionClosedException"/>):
/// the connection failed (<see cref="WebSocketConnectionException"/>, <see cref="WebSocketProtocolException"/>),
/// the server sent something that is not a JSON event (<see cref="RealtimeProtocolException"/>, close 1007/1008), or
/// an app callback threw (<see cref="RealtimeCallbackException"/>, close 1011). The socket is closed in every case.
/// <see cref="DisposeAsync"/> closes gracefully (bounded by <see cref="RealtimeSessionOptions.CloseTimeout"/>), stops
/// the loop within a second and releases what was queued.</para>
/// <para><b>Reconnect.</b> With <see cref="RealtimeSessionOptions.Reconnect"/> a connection lost in a way worth
/// retrying does not end the session: <see cref="State"/> goes <see cref="RealtimeSessionState.Reconnecting"/>, the loop
/// connects again, resumes (the accepted configuration, a voice agent's conversation) and goes on with the same event
/// stream; see <see cref="RealtimeReconnectPolicy"/> and <see cref="RealtimeResumeOptions"/>.</para>
/// </remarks>
public abstract partial class RealtimeSession<TServerEvent> : IAsyncDisposable
    where TServerEvent : class, IJsonModel<TServerEvent>
{
    private const int InitialAudioBufferSize = 32 * 1024;

    private WebSocketConnection _connection; // replaced only by ReconnectAsync
    private readonly RealtimeSessionOptions _options;
    private readonly RealtimeSessionDescriptor<TServerEvent> _kind;
    private readonly RealtimeEventQueue<TServerEvent> _queue;
    private readonly IRealtimeAudioDeltaBuilder<TServerEvent>? _audioDeltaBuilder; // used by the receive loop only
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private byte[] _audioBuffer;
    private byte[] _lendBuffer = [];
    private RealtimeAudioSink? _audioSink;
    private IBufferWriter<byte>? _audioOutput;
    private PipeWriter? _audioFlushPending; // set by the sink path, flushed by the loop before the next receive
    private Task _receiveLoop = Task.CompletedTask;
    private long _audioBytesReceived;
    private long _invalidAudioDeltas;
    private volatile bool _disposing;
    private volatile bool _closing;
    private Exception? _terminalException;
    private WebSocketCloseStatus? _closeStatus;

    // Written by a reader's step for the parked loop (StepForParkedLoop) before it wakes the loop, read by the loop after.
    private HandedStep? _handedStep;
    private ValueTask<WebSocketReceivedMessage>? _handedReceive;

    /// <summary>Creates a session over an open connection; the subclass's connect method starts it.</summary>
    private protected RealtimeSession(WebSocketConnection connection, RealtimeSessionOptions options, RealtimeSessionDescriptor<TServerEvent> kind)
    {
        _connection = connection;
        _options = options;
        _kind = kind;
        _audioSink = options.AudioSink;
        _audioOutput = options.AudioOutput;
        _audioDeltaBuilder = kind.CreateAudioDeltaBuilder?.Invoke();

        connection.FindsUnescapedTail = FindsUnescapedTail(_audioDeltaBuilder, _options);
        connection.RetainedBytesLimit = RetainedBytesLimit(options);
        _queue = new RealtimeEventQueue<TServerEvent>(options.MaxQueuedEvents, options.MaxQueuedBytes, options.Backpressure);
        _audioBuffer = ArrayPool<byte>.Shared.Rent(InitialAudioBufferSize);
        _errors = new RealtimeErrorException[Math.Max(1, options.MaxRetainedErrors)];
        // A power of two, so that an id's slot is a mask of its number (no division on each send).
        _sentHistory = new SentEvent[(int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(options.SentEventHistory, 1, 1 << 20))];
        _eventIdPrefix = NewEventIdPrefix();
        _appendIdPrefix = Encoding.ASCII.GetBytes(_eventIdPrefix.Text + "a");
    }

    /// <summary>
    /// Where received audio deltas go (see <see cref="RealtimeSessionOptions.AudioSink"/>); can be changed at any time.
    /// </summary>
    public RealtimeAudioSink? AudioSink
    {
        get => Volatile.Read(ref _audioSink);
        set
        {
            Volatile.Write(ref _audioSink, value);
            UnparkForApp(); // the sink must not wait for the app's next read
        }
    }

    /// <summary>
    /// Where received audio deltas are decoded, straight into the writer's memory (see
    /// <see cref="RealtimeSessionOptions.AudioOutput"/>); can be changed at any time. Only the receive loop calls it.
    /// </summary>
    public IBufferWriter<byte>? AudioOutput
    {
        get => Volatile.Read(ref _audioOutput);
        set
        {
            Volatile.Write(ref _audioOutput, value);
            UnparkForApp();
        }
    }

    /// <summary>Total PCM16 bytes decoded into <see cref="AudioSink"/> or <see cref="AudioOutput"/> so far.</summary>
    public long AudioBytesReceived => Interlocked.Read(ref _audioBytesReceived);

    /// <summary>
    /// Audio deltas that could not go to <see cref="AudioSink"/> or <see cref="AudioOutput"/> (invalid base64, or an odd
    /// number of bytes, which is not whole PCM16 samples): they are published as events instead, never as half a sample
    /// (nothing is advanced in <see cref="AudioOutput"/>).
    /// </summary>
    public long InvalidAudioDeltas => Interlocked.Read(ref _invalidAudioDeltas);

    /// <summary>Audio delta events dropped under <see cref="RealtimeBackpressure.DropOldestAudio"/>.</summary>
    public long DroppedAudioDeltas => _queue.DroppedAudioDeltas;

    /// <summary>Events received and not read yet.</summary>
    public int QueuedEvents => _queue.Count;

    /// <summary>The subprotocol the server selected, if any.</summary>
    public string? SubProtocol => _connection.SubProtocol;

    /// <summary>Why the connection ended; <see cref="ShutdownReason.None"/> while it is open.</summary>
    public ShutdownReason ShutdownReason => _connection.ShutdownReason;

    /// <summary>Completes (never faults) when the receive loop has ended.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Why the session ended abnormally, or <see langword="null"/> (still running, server close, dispose).</summary>
    public Exception? TerminalException => Volatile.Read(ref _terminalException);

    /// <summary>
    /// The stream of every server event, in arrival order. Completes when the server closes the session; throws the
    /// exception that ended it otherwise. One enumeration at a time; cancelling <paramref name="cancellationToken"/>
    /// ends the enumeration (the session goes on). A typed audio delta is valid until your next read: copy or decode
    /// what you keep, or set <see cref="RealtimeSessionOptions.CopyAudioDeltas"/> (other events are yours to keep).
    /// </summary>
    public async IAsyncEnumerable<TServerEvent> ReadEventsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Each event through ReadEventAsync: its step for a parked loop too (zero-copy, or the default's soft park).
        while (await ReadEventAsync(cancellationToken).ConfigureAwait(false) is { } serverEvent)
        {
            yield return serverEvent;
        }
    }

    /// <summary>
    /// Reads the next event, or <see langword="null"/> when the session closed normally. A typed audio delta is valid
    /// until your next read: copy or decode what you keep, or set <see cref="RealtimeSessionOptions.CopyAudioDeltas"/>.
    /// When your reads keep up with the server's audio, a read may receive and parse the next delta itself, on your
    /// thread, while the receive loop pauses (see <see cref="RealtimeSessionOptions.CopyAudioDeltas"/> and
    /// <see cref="RealtimeSessionOptions.ZeroCopyAudioDeltas"/>); it then completes without waiting.
    /// </summary>
    public ValueTask<TServerEvent?> ReadEventAsync(CancellationToken cancellationToken = default)
    {
        // A read that hands back a lent delta while the loop waits for it (ZeroCopyAudioDeltas), or while the loop parks
        // softly after a lent or copied delta (see RealtimeSession.Lending.cs), runs the loop's next step itself
        // (StepForParkedLoop): the next delta, when it is already received, comes back with no hand-off (and no async
        // method: this path never waits).
        if (!cancellationToken.IsCancellationRequested && !_closing && !_disposing && _queue.TryBeginStep()
            && StepForParkedLoop() is { } lent)
        {
            return new ValueTask<TServerEvent?>(lent);
        }

        return ReadQueuedEventAsync(cancellationToken);
    }

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<TServerEvent?> ReadQueuedEventAsync(CancellationToken cancellationToken)
    {
        // Take first, wait only when nothing is queued: with ZeroCopyAudioDeltas taking returns the previous delta and
        // the receive loop queues the next one on this thread before TryDequeue looks again.
        while (true)
        {
            if (_queue.TryDequeue(out TServerEvent? item))
            {
                return item;
            }

            if (!await _queue.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }
        }
    }

    /// <summary>
    /// Ends the session gracefully: what the kind needs first (translation: <c>session.close</c> and its
    /// <c>session.closed</c>, within <see cref="RealtimeSessionOptions.ResponseTimeout"/>), then the WebSocket close
    /// handshake (1000, within <see cref="RealtimeSessionOptions.CloseTimeout"/>). Events that arrived before are
    /// still read; the event stream then completes. Does nothing when the session has already ended. While the session
    /// is reconnecting it abandons the reconnect (the backoff or the attempt under way) and the session ends as closed.
    /// </summary>
    public async Task CloseAsync(CancellationToken cancellationToken = default)
    {
        if (_completion.Task.IsCompleted || _disposing)
        {
            return;
        }

        if (State == RealtimeSessionState.Reconnecting)
        {
            AbandonReconnect();
            await _completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        UnparkForApp();
        await OnClosingAsync(cancellationToken).ConfigureAwait(false);
        _closing = true;
        UnparkForApp(); // the loop sees the close's answer; it parks no more (CanSoftPark)
        if (_connection.State == WebSocketState.Open)
        {
            // The loop sees the server's close and ends the stream after what is queued; a loop held back by a full
            // queue ends when the app reads on (the connection, closed meanwhile, then ends it normally).
            await _connection.CloseAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Closes gracefully (close frame 1000, bounded by <see cref="RealtimeSessionOptions.CloseTimeout"/>), stops the
    /// receive loop within a second, closes the socket, drops what was queued and returns the pooled buffers. Safe to
    /// call more than once.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposing)
        {
            await _completion.Task.ConfigureAwait(false);
            return;
        }

        _disposing = true;
        Interlocked.MemoryBarrier(); // against ReconnectAsync swapping the connection (it reads _disposing after the swap)
        StopSoftParkTick();
        UnparkForApp();
        OnDisposing();
        if (!_completion.Task.IsCompleted && _connection.State == WebSocketState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(_options.CloseTimeout);
                await _connection.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or WebSocketConnectionException or InvalidOperationException)
            {
                // Closing is best effort; the connection is aborted below either way.
            }
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _queue.Complete(null); // releases a loop that waits for a borrowed event to come back
        await Volatile.Read(ref _connection).DisposeAsync().ConfigureAwait(false);
        try
        {
            await _receiveLoop.WaitAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }

        _queue.Clear();
        if (_receiveLoop.IsCompleted)
        {
            ReturnLeaseBuffers();
            foreach (byte[] buffer in (ReadOnlySpan<byte[]>)[Interlocked.Exchange(ref _audioBuffer, []), Interlocked.Exchange(ref _lendBuffer, [])])
            {
                if (buffer.Length > 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }

        GC.SuppressFinalize(this);
    }

    internal void Start()
    {
        Volatile.Write(ref _state, (int)RealtimeSessionState.Open);
        _receiveLoop = Task.Run(ReceiveLoopAsync);
    }

    /// <summary>Session state updates; runs on the receive loop before the event is published.</summary>
    private protected virtual void OnEvent(TServerEvent serverEvent)
    {
    }

    /// <summary>
    /// Session state updates for a typed audio delta built from the audio fast path's scan (see
    /// <see cref="IRealtimeAudioDeltaBuilder{TServerEvent}"/>), in place of <see cref="OnEvent"/>; runs on the receive
    /// loop before the event is published. <paramref name="pcmBytes"/> is what the delta decodes to.
    /// </summary>
    private protected virtual void OnAudioDelta(TServerEvent serverEvent, long pcmBytes) => OnEvent(serverEvent);

    /// <summary>Runs first in <see cref="CloseAsync"/>: what the kind sends before the close handshake.</summary>
    private protected virtual Task OnClosingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs first in <see cref="DisposeAsync"/>: stop background work.</summary>
    private protected virtual void OnDisposing()
    {
    }

    /// <summary>Runs on the receive loop after an audio delta was decoded into the sink.</summary>
    private protected virtual void OnAudioDecoded(int pcmBytes)
    {
    }

    /// <summary>
    /// Handles one received message: the audio fast path, else one typed read, state updates and answers. Returns the
    /// event to queue, or <see langword="null"/> when the audio went to the sink. Internal so that tests can measure
    /// the per-delta allocation of the sink path without a socket.
    /// </summary>
    internal TServerEvent? ProcessMessage(in ReadOnlySequence<byte> payload) => ProcessMessage(payload, out _);

    /// <inheritdoc cref="ProcessMessage(in ReadOnlySequence{byte}, out bool, int)"/>
    internal TServerEvent? ProcessMessage(in ReadOnlySequence<byte> payload, out bool borrowed) => ProcessMessage(payload, out borrowed, unescapedTailStart: -1);

    /// <param name="payload">The message, borrowed from the connection until its next receive.</param>
    /// <param name="borrowed">Whether the returned event points into <paramref name="payload"/> and the loop must PARK
    /// (a typed audio delta under <see cref="RealtimeSessionOptions.ZeroCopyAudioDeltas"/>): it then keeps the payload valid
    /// by receiving nothing until the reader has moved past the event. A delta lent on a retained message (the default)
    /// is not "borrowed" here: its lease keeps the message (see the overload with <c>lend</c>).</param>
    /// <param name="unescapedTailStart">What the connection's UTF-8 pass found of <paramref name="payload"/>
    /// (<see cref="WebSocketReceivedMessage.UnescapedTailStart"/>), or -1: the typed delta's builder skips its body
    /// check when the body starts there.</param>
    internal TServerEvent? ProcessMessage(in ReadOnlySequence<byte> payload, out bool borrowed, int unescapedTailStart)
        => ProcessMessage(payload, out borrowed, unescapedTailStart, lend: false);

    /// <param name="payload">The message, as above.</param>
    /// <param name="borrowed">As above.</param>
    /// <param name="unescapedTailStart">As above.</param>
    /// <param name="lend">The caller is the loop's step with the message it just received from the session's connection
    /// (or does what the loop does: it takes the lease with <see cref="TakeStepLease"/> and releases it): under the
    /// default options a typed audio delta is then LENT on the retained message (see RealtimeSession.Lending.cs).
    /// Otherwise it is copied, as <see cref="RealtimeSessionOptions.CopyAudioDeltas"/> does.</param>
    internal TServerEvent? ProcessMessage(in ReadOnlySequence<byte> payload, out bool borrowed, int unescapedTailStart, bool lend)
    {
        borrowed = false;
        ObserveMessage();
        RealtimeAudioSink? sink = Volatile.Read(ref _audioSink);
        IBufferWriter<byte>? output = Volatile.Read(ref _audioOutput);
        bool toApp = sink is not null || output is not null;

        // Lent on the received message when it is in one block of the connection's receive pipe; else (it straddles two
        // receive buffers, or was reassembled from fragments) on a pooled copy that its lease owns.
        bool lending = lend && LendsRetained;
        WebSocketConnection? retaining = lending && payload.IsSingleSegment && Volatile.Read(ref _connection) is { CanRetainLastMessage: true } connection
            ? connection
            : null;
        TServerEvent? built = null;
        long pcmBytes = 0;
        if (!toApp)
        {
            built = retaining is not null ? TryBuildAudioDelta(payload, unescapedTailStart, SpareLease(), out pcmBytes)
                : lending ? TryBuildCopiedAudioDelta(payload, out pcmBytes)
                : TryBuildAudioDelta(payload, unescapedTailStart, lendInto: null, out pcmBytes);
        }

        if (built is not null)
        {
            // A typed delta built from the fast path's scan is never an error, never answers a waiting call (no rule
            // answers with an audio delta: updates, commits and closes are answered by their own events) and is never
            // hidden from the app (HideFromApp looks at session.created, commits and conversation items): only the
            // telemetry and the kind's audio state, without the type switches of the general path.
            borrowed = _options.ZeroCopyAudioDeltas;
            if (retaining is not null)
            {
                LendSpare(retaining);
            }

            ObserveAudioDelta(built, pcmBytes);
            OnAudioDelta(built, pcmBytes);
            return built;
        }

        return ProcessOtherMessage(payload, out borrowed, sink, output, lending, retaining);
    }

    /// <summary>
    /// <see cref="ProcessMessage(in ReadOnlySequence{byte}, out bool, int, bool)"/> for what the typed delta's fast path
    /// did not take: audio for a sink or an output, any other event. A method of its own, never inlined: the fast path,
    /// which a reader's step runs for every delta, then keeps a small stack frame (with this inlined, the JIT zeroed
    /// over 500 bytes of locals per delta).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private TServerEvent? ProcessOtherMessage(in ReadOnlySequence<byte> payload, out bool borrowed, RealtimeAudioSink? sink, IBufferWriter<byte>? output, bool lending, WebSocketConnection? retaining)
    {
        borrowed = false;
        bool toApp = sink is not null || output is not null;
        bool isDelta;
        if (toApp && TryDecodeApiShapeAudio(payload, sink, output))
        {
            if (!_options.EmitAudioDeltaEvents)
            {
                return null;
            }

            isDelta = true;
        }
        else
        {
            isDelta = (toApp || _options.ZeroCopyAudioDeltas || lending) && RealtimeAudioDeltaReader.IsEventType(payload, _kind.AudioDeltaType.Span);
            if (isDelta && toApp && TryDecodeAudio(payload, sink, output) && !_options.EmitAudioDeltaEvents)
            {
                return null;
            }
        }

        TServerEvent serverEvent;
        if (isDelta && _options.ZeroCopyAudioDeltas)
        {
            serverEvent = Parse(payload, payload.IsSingleSegment ? payload.First : Contiguous(payload));
            borrowed = true;
        }
        else if (isDelta && lending)
        {
            // A delta the builder does not take (another kind's, or not in the API's usual shape): the generated reader
            // makes its objects, its base64 borrowed from the retained message (or the lease's copy).
            if (retaining is not null)
            {
                serverEvent = Parse(payload, payload.First);
                SpareLease();
                LendSpare(retaining);
            }
            else
            {
                serverEvent = Parse(payload, CopyToSpare(payload));
                LendSpareCopy();
            }
        }
        else
        {
            serverEvent = Parse(payload, ReadOnlyMemory<byte>.Empty);
        }

        ObserveEvent(serverEvent);
        if (_kind.GetError(serverEvent) is { } error)
        {
            if (IsHandledExpiry(error))
            {
                return null;
            }

            HandleError(error);
        }

        OnEvent(serverEvent);
        bool answeredResume = CompleteWaiters(serverEvent);
        if (answeredResume || HideFromApp(serverEvent))
        {
            TakeStepLease()?.Release(); // not queued: nobody reads it
            return null;
        }

        return serverEvent;
    }

    /// <summary>
    /// The kind's typed audio delta built from the audio fast path's scan (see <see cref="IRealtimeAudioDeltaBuilder{TServerEvent}"/>),
    /// or <see langword="null"/>: the kind has no builder, the message is another event or not in the shape the
    /// builder knows (the generated reader then reads it). A delta that straddles two receive buffers is made
    /// contiguous first, in the session's reused buffer, as the zero-copy read does; only one that starts as the
    /// builder's shape does (<c>{"type":"</c> and the delta's type, in the first buffer), so that no other event is copied.
    /// </summary>
    /// <param name="payload">The message.</param>
    /// <param name="unescapedTailStart">What the connection's UTF-8 pass found (see ProcessMessage).</param>
    /// <param name="lendInto">The lease to lend the delta on (a retained single-block message), or <see langword="null"/>.</param>
    /// <param name="pcmBytes">The delta's PCM16 length.</param>
    private TServerEvent? TryBuildAudioDelta(in ReadOnlySequence<byte> payload, int unescapedTailStart, RealtimeLentSlot<TServerEvent>? lendInto, out long pcmBytes)
    {
        pcmBytes = 0;
        if (_audioDeltaBuilder is null)
        {
            return null;
        }

        if (lendInto is not null)
        {
            return _audioDeltaBuilder.TryBuild(payload.First, borrow: true, out pcmBytes, unescapedTailStart, lendInto);
        }

        return payload.IsSingleSegment
            ? _audioDeltaBuilder.TryBuild(payload.First, _options.ZeroCopyAudioDeltas, out pcmBytes, unescapedTailStart)
            : TryBuildSegmentedAudioDelta(_audioDeltaBuilder, payload, out pcmBytes);
    }

    /// <summary>
    /// The lent typed delta of a message that cannot be retained (in two receive buffers, or reassembled), built on a
    /// copy that the spare lease owns; only a message that starts as the builder's shape is copied.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private TServerEvent? TryBuildCopiedAudioDelta(in ReadOnlySequence<byte> payload, out long pcmBytes)
    {
        pcmBytes = 0;
        if (_audioDeltaBuilder is null || !StartsWithAudioDeltaType(payload.FirstSpan))
        {
            return null;
        }

        TServerEvent? built = _audioDeltaBuilder.TryBuild(CopyToSpare(payload), borrow: true, out pcmBytes, checkedBodyStart: -1, SpareLease());
        if (built is null)
        {
            return null; // the reader decides; it copies again only if it is a delta after all (rare)
        }

        LendSpareCopy();
        return built;
    }

    /// <summary><see cref="TryBuildAudioDelta"/> for a message in several blocks (a method of its own: the common case stays small).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private TServerEvent? TryBuildSegmentedAudioDelta(IRealtimeAudioDeltaBuilder<TServerEvent> builder, in ReadOnlySequence<byte> payload, out long pcmBytes)
    {
        pcmBytes = 0;
        if (!StartsWithAudioDeltaType(payload.FirstSpan))
        {
            return null;
        }

        if (!_options.ZeroCopyAudioDeltas)
        {
            // Copied (CopyAudioDeltas, or a step that may not lend): the base64 is copied once, into the event's own
            // array, straight from the blocks.
            return builder.TryBuildCopied(payload, out pcmBytes);
        }

        // The body is copied anyway to be lent in one block: it is checked in the same pass (a second of audio is 64 KiB
        // of body, and a pass of its own over it cost about as much as the copy). A body that fails the check is not
        // the builder's: the reader decides, as for any other message the builder turns away.
        int bodyStart = RealtimeAudioDeltaReader.ScanApiShapeToDeltaBody(payload.FirstSpan);
        ReadOnlyMemory<byte> message = Contiguous(payload, bodyStart, out bool bodyChecked);
        return bodyStart >= 0 && !bodyChecked ? null
            : builder.TryBuild(message, _options.ZeroCopyAudioDeltas, out pcmBytes, bodyStart);
    }

    /// <summary>
    /// Whether the session's connection finds each text message's plain tail in its UTF-8 pass: where typed deltas are
    /// built from their offsets and lent, so that the builder's body check is done in that pass (TryStep passes it on).
    /// Not under <see cref="RealtimeSessionOptions.CopyAudioDeltas"/>: a copied delta's body is checked while it is
    /// copied, which costs no pass of its own, and the connection's plain UTF-8 check is the cheaper one.
    /// </summary>
    private static bool FindsUnescapedTail(IRealtimeAudioDeltaBuilder<TServerEvent>? builder, RealtimeSessionOptions options)
        => builder is not null && (!options.CopyAudioDeltas || options.ZeroCopyAudioDeltas);

    /// <summary>Whether <paramref name="json"/> starts <c>{"type":"</c>, the kind's delta type and its closing quote, as the builder's shape does.</summary>
    private bool StartsWithAudioDeltaType(ReadOnlySpan<byte> json)
    {
        ReadOnlySpan<byte> prefix = "{\"type\":\""u8;
        ReadOnlySpan<byte> type = _kind.AudioDeltaType.Span;
        return json.Length > prefix.Length + type.Length && json.StartsWith(prefix) && json.Slice(prefix.Length).StartsWith(type)
            && json[prefix.Length + type.Length] == (byte)'"';
    }

    /// <summary>
    /// A message that straddles two of the connection's receive buffers, copied once into the session's reused
    /// buffer (no allocation), so that its event can borrow from one block like the others.
    /// </summary>
    private ReadOnlyMemory<byte> Contiguous(in ReadOnlySequence<byte> payload) => Contiguous(payload, -1, out _);

    /// <param name="payload">The message.</param>
    /// <param name="bodyStart">Where a delta's body starts, or -1: the bytes from there to the last two are copied with
    /// <see cref="RealtimeAudioDeltaLayout.CopyUnescapedBase64Range"/>.</param>
    /// <param name="bodyChecked">What that check answered (false without a body).</param>
    private ReadOnlyMemory<byte> Contiguous(in ReadOnlySequence<byte> payload, int bodyStart, out bool bodyChecked)
    {
        int length = checked((int)payload.Length);
        if (_lendBuffer.Length < length)
        {
            if (_lendBuffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_lendBuffer);
            }

            _lendBuffer = ArrayPool<byte>.Shared.Rent(length);
        }

        bodyChecked = false;
        if (bodyStart < 0 || bodyStart > length - 2)
        {
            payload.CopyTo(_lendBuffer);
            return _lendBuffer.AsMemory(0, length);
        }

        // Each block in three parts at most: before the body, the body (checked while copied), after it.
        bodyChecked = true;
        int bodyEnd = length - 2;
        int at = 0;
        foreach (ReadOnlyMemory<byte> block in payload)
        {
            ReadOnlySpan<byte> span = block.Span;
            int blockEnd = at + span.Length;
            int from = Math.Clamp(bodyStart, at, blockEnd);
            int to = Math.Clamp(bodyEnd, at, blockEnd);
            span.Slice(0, from - at).CopyTo(_lendBuffer.AsSpan(at));
            bodyChecked &= RealtimeAudioDeltaLayout.CopyUnescapedBase64Range(span.Slice(from - at, to - from), _lendBuffer.AsSpan(from));
            span.Slice(to - at).CopyTo(_lendBuffer.AsSpan(to));
            at = blockEnd;
        }

        return _lendBuffer.AsMemory(0, length);
    }

    /// <summary>
    /// The audio path for a delta exactly in the API's shape, in one block: its type checked and its base64 decoded in
    /// one scan (<see cref="TryDecodeAudio"/> asks for the type with a scan of its own first), into the same memory, then
    /// handed to the app as there. False when anything else is true (another event, another shape, a destination too
    /// small, invalid or odd-length audio): nothing reached the app, and <see cref="TryDecodeAudio"/> decides.
    /// </summary>
    private bool TryDecodeApiShapeAudio(in ReadOnlySequence<byte> payload, RealtimeAudioSink? sink, IBufferWriter<byte>? output)
    {
        // The type before anything else: no other event may make the session ask the app's writer for memory.
        if (!payload.IsSingleSegment || !StartsWithAudioDeltaType(payload.FirstSpan))
        {
            return false;
        }

        ReadOnlySpan<byte> json = payload.FirstSpan;
        if (output is not null)
        {
            Span<byte> memory = GetAudioOutputSpan(output, json.Length / 4 * 3);
            if (!RealtimeAudioDeltaReader.TryDecodeApiShapeDeltaOfType(json, _kind.AudioDeltaType.Span, memory, out int decoded) || (decoded & 1) != 0)
            {
                return false;
            }

            DeliverAudio(memory.Slice(0, decoded), sink, output);
            return true;
        }

        // For the sink alone, the PCM is borrowed for its call only: it is decoded into the buffer of the thread that runs
        // the step when that one is free (see TakeThreadPcmBuffer), else into the session's own.
        byte[]? threadBuffer = TakeThreadPcmBuffer(json.Length / 4 * 3);
        try
        {
            Span<byte> destination = threadBuffer ?? _audioBuffer;
            if (!RealtimeAudioDeltaReader.TryDecodeApiShapeDeltaOfType(json, _kind.AudioDeltaType.Span, destination, out int written) || (written & 1) != 0)
            {
                return false;
            }

            DeliverAudio(destination.Slice(0, written), sink, output: null);
            return true;
        }
        finally
        {
            if (threadBuffer is not null)
            {
                t_pcmBuffer = threadBuffer;
            }
        }
    }

    /// <summary>The largest PCM buffer a thread keeps for <see cref="TryDecodeApiShapeAudio"/> (a second of audio is 48,000 bytes).</summary>
    private const int MaxThreadPcmBuffer = 64 * 1024;

    // The PCM buffer of the thread that runs a step (see TakeThreadPcmBuffer); s_pcmBufferInUse while a step of this
    // thread decodes into it (a sink that steps another session inside its call gets that session's own buffer).
    [ThreadStatic]
    private static byte[]? t_pcmBuffer;
    private static readonly byte[] s_pcmBufferInUse = [];

    /// <summary>
    /// This thread's PCM buffer for a delta of up to <paramref name="length"/> bytes (made or grown in 4 KiB steps), marked
    /// in use until the caller puts it back; <see langword="null"/> when it is in use or the delta is larger than
    /// <see cref="MaxThreadPcmBuffer"/>. Why: at hundreds of sessions each session's own buffer has left the cache by its
    /// next delta, so decoding 20 ms (960 bytes) into it missed the cache on every line, where a thread's stays in it.
    /// </summary>
    private static byte[]? TakeThreadPcmBuffer(int length)
    {
        byte[]? buffer = t_pcmBuffer;
        if (ReferenceEquals(buffer, s_pcmBufferInUse) || length > MaxThreadPcmBuffer)
        {
            return null;
        }

        if (buffer is null || buffer.Length < length)
        {
            buffer = new byte[(length + 4095) & ~4095];
        }

        t_pcmBuffer = s_pcmBufferInUse;
        return buffer;
    }

    /// <summary>
    /// Decodes an audio delta for the app: into <paramref name="output"/>'s memory when there is one (the PCM is then
    /// written once, where the app keeps it), else into the session's pooled buffer; then hands the PCM to
    /// <paramref name="sink"/> (borrowed for the call) and commits it to <paramref name="output"/>. False when the delta
    /// is not whole PCM16 samples of valid base64: nothing reaches the app and nothing is advanced.
    /// </summary>
    private bool TryDecodeAudio(in ReadOnlySequence<byte> payload, RealtimeAudioSink? sink, IBufferWriter<byte>? output)
    {
        // The PCM of a delta is at most 3/4 of its message's length (its base64 is part of the message), so one
        // request to the writer is enough: no scan to measure the delta first.
        Span<byte> destination = output is null ? _audioBuffer : GetAudioOutputSpan(output, checked((int)(payload.Length / 4 * 3)));
        AudioDeltaStatus status = RealtimeAudioDeltaReader.DecodeDelta(payload, destination, out int written);
        if (status == AudioDeltaStatus.DestinationTooSmall)
        {
            if (output is null)
            {
                byte[] larger = ArrayPool<byte>.Shared.Rent(written);
                ArrayPool<byte>.Shared.Return(_audioBuffer);
                _audioBuffer = larger;
                destination = larger;
            }
            else
            {
                destination = GetAudioOutputSpan(output, written);
            }

            status = RealtimeAudioDeltaReader.DecodeDelta(payload, destination, out written);
        }

        if (status != AudioDeltaStatus.Done || (written & 1) != 0)
        {
            // Not decodable, or not whole samples: publish it as an event instead, so that nothing is lost silently
            // and a player never gets half a sample (what was decoded into the writer is not advanced: not committed).
            Interlocked.Increment(ref _invalidAudioDeltas);
            return false;
        }

        DeliverAudio(destination.Slice(0, written), sink, output);
        return true;
    }

    /// <summary>Hands decoded PCM to the app: to <paramref name="sink"/> (borrowed for the call), then committed to <paramref name="output"/> (where it was decoded).</summary>
    private void DeliverAudio(Span<byte> pcm, RealtimeAudioSink? sink, IBufferWriter<byte>? output)
    {
        int written = pcm.Length;

        // Only the receive loop writes the count (readers use Interlocked.Read): no locked add per delta.
        Volatile.Write(ref _audioBytesReceived, _audioBytesReceived + written);
        OnAudioDecoded(written);
        Telemetry.AudioReceived(written, intoSink: true);
        if (sink is not null)
        {
            try
            {
                sink(pcm);
            }
            catch (Exception ex)
            {
                throw new RealtimeCallbackException(nameof(AudioSink), ex);
            }
        }

        if (output is not null)
        {
            try
            {
                output.Advance(written);
            }
            catch (Exception ex)
            {
                throw new RealtimeCallbackException(nameof(AudioOutput), ex);
            }

            if (output is PipeWriter pipe)
            {
                _audioFlushPending = pipe;
            }
        }
    }

    /// <summary>The app's memory for a delta's PCM: at least <paramref name="length"/> bytes, or the writer failed.</summary>
    private static Span<byte> GetAudioOutputSpan(IBufferWriter<byte> output, int length)
    {
        Span<byte> span;
        try
        {
            span = output.GetSpan(length);
        }
        catch (Exception ex)
        {
            throw new RealtimeCallbackException(nameof(AudioOutput), ex);
        }

        return span.Length >= length
            ? span
            : throw new RealtimeCallbackException(nameof(AudioOutput), new InvalidOperationException($"GetSpan({length}) returned {span.Length} bytes; IBufferWriter<T> promises at least what is asked."));
    }

    /// <summary>
    /// Publishes what the sink path wrote into a <see cref="PipeWriter"/> output, before the loop receives again: a
    /// player that is behind (the pipe past its pause threshold) holds the loop here, so the socket is not read and TCP
    /// slows the server down. Allocates nothing when the flush completes at once.
    /// </summary>
    private async ValueTask FlushAudioOutputAsync(PipeWriter pipe)
    {
        _audioFlushPending = null;
        try
        {
            await pipe.FlushAsync(_stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            throw new RealtimeCallbackException(nameof(AudioOutput), ex);
        }
    }

    /// <param name="payload">The message.</param>
    /// <param name="lend">The same message as one block, when its base64 is to be borrowed rather than copied.</param>
    private static TServerEvent Parse(in ReadOnlySequence<byte> payload, ReadOnlyMemory<byte> lend)
    {
        try
        {
            return lend.IsEmpty ? JsonModel.Deserialize<TServerEvent>(payload) : JsonModel.DeserializeBorrowingBase64<TServerEvent>(lend);
        }
        catch (JsonException ex)
        {
            // Valid JSON always reads (as a case, or as Unknown with its raw JSON): this is not JSON, or JSON nested
            // deeper than any event is.
            int depth = MeasureDepth(payload);
            string message = depth > JsonModel.ReaderOptions.MaxDepth
                ? $"The server sent JSON nested {depth} levels deep; realtime events are read to a depth of {JsonModel.ReaderOptions.MaxDepth}."
                : "The server sent a message that is not JSON.";
            throw new RealtimeProtocolException(message, Preview(payload), ex);
        }
    }

    /// <summary>The deepest nesting of the JSON before it ends or stops being JSON.</summary>
    private static int MeasureDepth(in ReadOnlySequence<byte> payload)
    {
        var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = 100_000 });
        int max = 0;
        try
        {
            while (reader.Read())
            {
                max = Math.Max(max, reader.CurrentDepth + (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray ? 1 : 0));
            }
        }
        catch (JsonException)
        {
        }

        return max;
    }

    private async Task ReceiveLoopAsync()
    {
        Exception? terminal = null;
        bool unavailable = false;
        try
        {
            while (true)
            {
                Exception? failure = null;
                bool serverClosed = false;
                try
                {
                    serverClosed = await ReceiveMessagesAsync().ConfigureAwait(false);
                }
                catch (WebSocketConnectionException ex) when (CanReconnect && !_disposing && !_closing)
                {
                    failure = ex;
                }

                if (GetReconnectReason(failure, serverClosed) is not { } reason)
                {
                    if (failure is not null)
                    {
                        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
                    }

                    break;
                }

                (bool resumed, Exception? gaveUp) = await ReconnectAsync(reason, failure).ConfigureAwait(false);
                if (!resumed)
                {
                    terminal = gaveUp;
                    unavailable = gaveUp is not null;
                    break;
                }
            }
        }
        catch (Exception ex) when ((_disposing || _closing) && ex is OperationCanceledException or WebSocketConnectionException or InvalidOperationException)
        {
            // DisposeAsync stopped the loop, or CloseAsync closed the connection under it. InvalidOperationException:
            // their close handshake drives the connection's receive itself when none is pending (a loop parked for a
            // lent delta), and a read that hands the delta back meanwhile resumes the loop, whose receive then finds
            // theirs under way.
        }
        catch (Exception ex)
        {
            terminal = ex;
        }
        finally
        {
            await EndAsync(terminal, unavailable).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Receives on the current connection until the server closes it (true) or the queue was completed by dispose
    /// (false); a failure of the connection throws.
    /// </summary>
    private async Task<bool> ReceiveMessagesAsync()
    {
        WebSocketConnection connection = Volatile.Read(ref _connection);
        while (true)
        {
            TServerEvent? serverEvent;
            bool borrowed;
            int bytes;
            if (TakeHandedStep() is { } handed)
            {
                // A reader ran this step for the parked loop (StepForParkedLoop) and handed over its outcome.
                handed.Error?.Throw();
                if (handed.Closed)
                {
                    return true;
                }

                (serverEvent, borrowed, bytes) = (handed.Event, handed.Borrowed, handed.Bytes);
            }
            else
            {
                ValueTask<WebSocketReceivedMessage> receive = TakeHandedReceive() ?? connection.ReceiveMessageAsync(_stop.Token);
                WebSocketReceivedMessage message = await receive.ConfigureAwait(false);
                if (!TryStep(message, out serverEvent, out borrowed, out bytes))
                {
                    return true;
                }
            }

            if (_audioFlushPending is { } audioPipe)
            {
                await FlushAudioOutputAsync(audioPipe).ConfigureAwait(false);
            }

            Lease? lease = TakeStepLease();

            if (serverEvent is null)
            {
                continue;
            }

            // A lent or copied delta for a reader that has caught up: park softly (see RealtimeSession.Lending.cs), so
            // that the reader's next read runs the next step on its own thread. The epoch is read before the checks it guards.
            int parkEpoch = lease is not null || IsCopiedAudioDelta(serverEvent) ? _queue.ParkEpoch : -1;
            if (parkEpoch >= 0 && !CanSoftPark())
            {
                parkEpoch = -1;
            }

            if (!await _queue.EnqueueAsync(serverEvent, bytes, _kind.IsAudioDelta(serverEvent), borrowed, lease, parkEpoch, _stop.Token).ConfigureAwait(false))
            {
                lease?.Release();
                return false;
            }

            bool parkedSoftly = parkEpoch >= 0 && _queue.LastEnqueueParked;
            if (parkedSoftly)
            {
                EnsureSoftParkTick();
            }

            if (borrowed || parkedSoftly)
            {
                // The event points into the payload: receive nothing until the reader has moved past it (or the
                // queue ends: dispose completes it, so this wait needs no token and allocates nothing). A soft park
                // ends at the reader's next read too, or when UnparkForApp says the loop must go on.
                await _queue.WaitForReturnAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The loop's synchronous step for one received message, whoever runs it (the loop, or a reader for the parked loop):
    /// false for the server's close (its status noted), else the message through <see cref="ProcessMessage(in ReadOnlySequence{byte}, out bool)"/>.
    /// </summary>
    private bool TryStep(in WebSocketReceivedMessage message, out TServerEvent? serverEvent, out bool borrowed, out int bytes)
    {
        if (message.MessageType == WebSocketMessageType.Close)
        {
            _closeStatus = message.CloseStatus;
            (serverEvent, borrowed, bytes) = (null, false, 0);
            return false;
        }

        bytes = (int)message.Payload.Length;
        serverEvent = ProcessMessage(message.Payload, out borrowed, message.UnescapedTailStart, lend: true);
        return true;
    }

    /// <summary>
    /// The loop's next step, run by a reader that just handed back a lent delta while the loop waits for it
    /// (<see cref="RealtimeEventQueue{T}.TryBeginStep"/>; under <see cref="RealtimeSessionOptions.ZeroCopyAudioDeltas"/>
    /// the loop would run it on this thread anyway, resumed inline, and suspend again: that resume and suspend were most
    /// of what <see cref="ReadEventAsync"/> cost over the step). When the receive completes at once and its message is
    /// a lent delta, the delta is the reader's and the loop stays parked, now waiting for that one. Anything else is
    /// handed to the loop, which resumes and goes on from there as if it had run the step itself: a receive that would
    /// wait (the loop awaits it), the server's close, a failure (the loop throws it: the terminal error and reconnects
    /// stay in one place), any other event or one that went to the sink (the loop queues it, flushes the audio output).
    /// Exactly one of the two receives at any time, and they never run at once: the loop is parked until
    /// <see cref="RealtimeEventQueue{T}.EndStep"/>. Taking the step and lending are one compare-exchange each in the
    /// queue; handing the step back takes the queue's lock, which orders what the reader wrote before the loop reads it.
    /// </summary>
    private TServerEvent? StepForParkedLoop()
    {
        try
        {
            return StepForParkedLoopCore();
        }
        catch (Exception ex)
        {
            _lendFromReceiveBuffer = false;
            _handedStep = new HandedStep(null, false, 0, false, System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex));
            _queue.EndStep(lent: false);
            return null;
        }
    }

    /// <summary>
    /// <see cref="StepForParkedLoop"/> but its failure, which the caller hands to the loop. A method of its own, with no
    /// exception handling in it: the received message (a struct of seven words) and the step's outcome stay in registers,
    /// where in a try region the JIT keeps them on the stack.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private TServerEvent? StepForParkedLoopCore()
    {
        bool lendsRetained = LendsRetained;
        if (lendsRetained && _queue.TakeTakenLease() is Lease taken)
        {
            // The app asked for the next event: the delta it read last is done with. Released on the receiver's side
            // (this step is the receiver): see Lease.ReleaseOnReceiver. The step owns the taken lease (a dispose's Clear
            // meanwhile leaves it to the step), so taking it is a plain read and write.
            taken.ReleaseOnReceiver();
        }

        // No token: a cancelable one costs the pipe's read a registration on it and its removal (about 35 ns a delta
        // at 20 ms), and nothing needs it. _stop is canceled only by DisposeAsync, which then disposes the connection,
        // and that aborts a receive still pending (the one handed to the loop below) as the token would have.
        ValueTask<WebSocketReceivedMessage> receive = Volatile.Read(ref _connection).ReceiveMessageAsync(CancellationToken.None);
        if (!receive.IsCompleted)
        {
            _handedReceive = receive;
            _queue.EndStep(lent: false);
            return null;
        }

        // A delta this step may lend to the reader is lent from the receive buffer, not retained (see
        // RealtimeSession.Lending.cs): the reader's next step releases it before it receives.
        _lendFromReceiveBuffer = lendsRetained;
        bool received = TryStep(receive.Result, out TServerEvent? serverEvent, out bool borrowed, out int bytes);
        _lendFromReceiveBuffer = false;
        if (received && serverEvent is not null && _audioFlushPending is null)
        {
            if (borrowed)
            {
                if (_queue.EndStep(lent: true))
                {
                    return serverEvent;
                }
            }
            else if (IsCopiedAudioDelta(serverEvent) && CanSoftPark())
            {
                // A copied delta (CopyAudioDeltas): the reader's, and the loop stays parked softly, as for a lent one; it
                // borrows nothing, so there is no lease.
                if (_queue.EndStep(lent: true))
                {
                    return serverEvent;
                }
            }
            else if (_stepLease is { } lease && CanSoftPark())
            {
                // A delta lent on a retained message: the reader's, and the loop stays parked softly. The lease is
                // set before the step ends (the step's compare-exchange publishes it: Clear, after dispose's Complete,
                // releases it then). Refused (Complete or Unpark meanwhile), it is still this step's to take back: nothing
                // else touches the taken lease while a step is under way (see RealtimeEventQueue.TakenLeaseOwnedByStep).
                // The loop, to which the event is handed below, queues it with its lease, or releases the lease when
                // the completed queue refuses the event.
                _queue.SetTakenLease(lease);
                if (_queue.EndStep(lent: true))
                {
                    _stepLease = null;
                    return serverEvent;
                }

                _queue.TakeTakenLease();
            }
        }

        // Handed to the loop instead, which may receive again before the app reads past it: retained now (this step is
        // still the receiver).
        _stepLease?.KeepPastReceive();
        _handedStep = new HandedStep(serverEvent, borrowed, bytes, !received, null);
        _queue.EndStep(lent: false);
        return null;
    }

    private HandedStep? TakeHandedStep()
    {
        HandedStep? handed = _handedStep;
        _handedStep = null;
        return handed;
    }

    private ValueTask<WebSocketReceivedMessage>? TakeHandedReceive()
    {
        ValueTask<WebSocketReceivedMessage>? receive = _handedReceive;
        _handedReceive = null;
        return receive;
    }

    /// <summary>What a reader's step hands to the loop: the step's outcome, or the failure the loop throws.</summary>
    private readonly record struct HandedStep(TServerEvent? Event, bool Borrowed, int Bytes, bool Closed, System.Runtime.ExceptionServices.ExceptionDispatchInfo? Error);

    /// <summary>
    /// Publishes the end to the event stream and every pending call, then makes sure no socket outlives the session:
    /// a failure closes it with the code that applies (1007/1008 for what the server sent, 1011 otherwise).
    /// </summary>
    private async Task EndAsync(Exception? terminal, bool unavailable)
    {
        // A delta lent by the step that failed (a callback or the kind's state threw after it was built): never queued.
        TakeStepLease()?.Release();
        StopSoftParkTick();
        Volatile.Write(ref _terminalException, terminal);
        ObserveEnd(terminal);
        _queue.Complete(terminal);
        FailWaiters(CreateClosedException);
        SetFinalState(unavailable);
        _completion.TrySetResult();
        WebSocketConnection connection = Volatile.Read(ref _connection);
        if (terminal is not null and not WebSocketConnectionException && !_disposing && connection.State == WebSocketState.Open)
        {
            // The connection is fine but the session cannot go on: say why in the close frame.
            (WebSocketCloseStatus status, string description) = terminal is RealtimeProtocolException
                ? (terminal.InnerException is JsonException ? WebSocketCloseStatus.InvalidPayloadData : WebSocketCloseStatus.PolicyViolation, "invalid realtime event")
                : (WebSocketCloseStatus.InternalServerError, "client error");
            try
            {
                using var timeout = new CancellationTokenSource(_options.CloseTimeout);
                await connection.CloseAsync(status, description, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception closeError) when (closeError is OperationCanceledException or WebSocketConnectionException or InvalidOperationException)
            {
            }
        }

        if (!_disposing)
        {
            // The server closed or the session failed: release the socket and stop the keep-alive now, not at dispose.
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static string Preview(in ReadOnlySequence<byte> payload)
    {
        ReadOnlySequence<byte> head = payload.Slice(0, Math.Min(payload.Length, 256));
        return Encoding.UTF8.GetString(head);
    }
}
