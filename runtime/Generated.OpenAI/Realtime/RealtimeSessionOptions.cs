using System;
using System.Buffers;
using Generated.OpenAI.WebSockets;

namespace Generated.OpenAI.Realtime;

/// <summary>Options of one realtime session: the audio sink, how much it may hold, how long it waits, connection limits.</summary>
public sealed class RealtimeSessionOptions
{
    /// <summary>
    /// Where received audio deltas go. When set, <c>response.output_audio.delta</c> (voice agent) and
    /// <c>session.output_audio.delta</c> (translation) are decoded straight from the receive buffer into a pooled
    /// buffer and handed to the sink without creating an event object; they then do not appear in the event
    /// stream (unless <see cref="EmitAudioDeltaEvents"/> is set). The sink gets the PCM in the session's buffer and
    /// copies what it keeps; to have the PCM decoded straight into your player's buffer instead (no copy), use
    /// <see cref="AudioOutput"/>. When both are <see langword="null"/>, deltas are parsed into the event union like
    /// every other event.
    /// </summary>
    public RealtimeAudioSink? AudioSink { get; set; }

    /// <summary>
    /// Where received audio deltas are decoded, straight from the receive buffer into the writer's own memory: the
    /// session asks <see cref="IBufferWriter{T}.GetSpan"/> for room for the delta's PCM16 (24 kHz mono, little-endian;
    /// at most 3/4 of the message's length), decodes the base64 into it and calls <see cref="IBufferWriter{T}.Advance"/>
    /// with the PCM's length, so the audio is written once, where your player reads it (a ring buffer of your own, an
    /// <see cref="ArrayBufferWriter{T}"/>, a <see cref="System.IO.Pipelines.PipeWriter"/>). Only whole samples are
    /// committed: a delta that is not valid base64, or has an odd number of bytes, is not advanced, is counted in
    /// <c>InvalidAudioDeltas</c> and published as an event. A <see cref="System.IO.Pipelines.PipeWriter"/> is flushed
    /// after each delta, on the receive loop: when the pipe is past its pause threshold (your player is behind) the
    /// session stops reading the socket until the player catches up, so TCP slows the server down. The writer is called
    /// from the receive loop only, one call at a time, and must be quick; an exception from it ends the session like
    /// one from <see cref="AudioSink"/> (<see cref="RealtimeCallbackException"/>, close 1011). With both set, the PCM is
    /// decoded into the writer and <see cref="AudioSink"/> sees it there (borrowed for its call) before it is
    /// committed. Deltas that go here do not appear in the event stream unless <see cref="EmitAudioDeltaEvents"/> is
    /// set. Allocates nothing per delta when the writer does not.
    /// </summary>
    public IBufferWriter<byte>? AudioOutput { get; set; }

    /// <summary>Also parse and publish audio deltas that went to <see cref="AudioSink"/> or <see cref="AudioOutput"/> (allocates per delta). Default: false.</summary>
    public bool EmitAudioDeltaEvents { get; set; }

    /// <summary>
    /// Gives each typed audio delta event its own copy of its audio, as before this option existed. By default
    /// (<see langword="false"/>) a typed audio delta (<c>response.output_audio.delta</c>, <c>session.output_audio.delta</c>)
    /// is LENT: its <c>Delta</c> borrows the base64 from the received message, which the session keeps in the connection's
    /// receive buffer, and the event object itself comes from a small pool and is set again for a later delta (a delta
    /// in the API's usual shape then allocates nothing; its <c>event_id</c> is borrowed too, made a string when you read
    /// <c>EventId</c>). <b>A typed audio delta is valid until your next read</b> of the event stream (or dispose): copy or
    /// decode what you keep, or set this option. The ids you read as strings are yours to keep. Unlike
    /// <see cref="ZeroCopyAudioDeltas"/> the session does not wait for your next read: it goes on receiving and queueing
    /// events meanwhile (the lent deltas' messages stay in memory, bounded by <see cref="MaxQueuedBytes"/> and at most
    /// 1 MiB, about 16 s of 24 kHz audio: past it the session stops reading the socket until you read on, so an app that
    /// lags further behind holds the server back sooner than with this option set, when only the queue's bounds apply).
    /// When your reads keep up (nothing queued behind the delta you were handed), the session pauses its own receiving
    /// after that delta for at most about a second, so that your next read receives the next delta on your thread with
    /// no hand-off through the queue, as <see cref="ZeroCopyAudioDeltas"/> does; the pause ends at once when a call
    /// waits for the server's answer (<c>UpdateSessionAsync</c>, <c>CommitAndWaitAsync</c>, ...), when an audio sink or
    /// output is set (none pauses while one is), on close and on dispose. A delta whose message came in fragments, or straddled two
    /// receive buffers (rare: they are frame-aligned), is copied instead. Set it when your app keeps delta events after reading
    /// on (collects them in a list, hands them to another thread); the session then pauses after a copied delta as it does
    /// after a lent one, so that reads that keep up copy each delta on your thread. A copied delta in the API's usual shape
    /// allocates one array (its base64, then its <c>event_id</c>'s bytes: the id is made a string only when you read
    /// <c>EventId</c>, and stays valid with the event, which owns the array), its event object and its union: 208 B more
    /// than the base64's own array for the API's 27-character ids (1,512 B for 20 ms of 24 kHz audio, 6,632 B for 100 ms,
    /// 64,232 B for 1 s). Default: false.
    /// </summary>
    public bool CopyAudioDeltas { get; set; }

    /// <summary>
    /// Lends typed audio deltas as the default does (see <see cref="CopyAudioDeltas"/>: valid until your next read,
    /// copy or decode what you keep), and in addition makes the session read nothing more from the socket until you read
    /// again: one delta is lent at a time, its message read in place without being retained (no bytes held beyond one
    /// message, a message that straddles two receive buffers copied once into a buffer the session reuses), and a read
    /// that finds the next delta already received takes it on your thread with no hand-off through the queue (the
    /// fastest typed path). In exchange, read events in a loop while it is on: a call that waits for the server, such
    /// as <c>UpdateSessionAsync</c>, waits for your next read too. Takes precedence over <see cref="CopyAudioDeltas"/>.
    /// Default: false.
    /// </summary>
    public bool ZeroCopyAudioDeltas { get; set; }

    /// <summary>
    /// How many received events may wait for the app to read them. When the queue is full the session applies
    /// <see cref="Backpressure"/>. Default: 4,096.
    /// </summary>
    public int MaxQueuedEvents { get; set; } = 4096;

    /// <summary>
    /// How many bytes of event JSON may wait for the app to read them (see <see cref="MaxQueuedEvents"/>). With lent
    /// audio deltas (the default, see <see cref="CopyAudioDeltas"/>) the received messages those deltas borrow from are
    /// bounded by this and by 1 MiB, whichever is less. Default: 16 MiB.
    /// </summary>
    public long MaxQueuedBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>What happens when the app reads events more slowly than they arrive. Default: <see cref="RealtimeBackpressure.Wait"/>.</summary>
    public RealtimeBackpressure Backpressure { get; set; } = RealtimeBackpressure.Wait;

    /// <summary>How many <c>error</c> events <c>Errors</c> keeps (the most recent). Default: 64.</summary>
    public int MaxRetainedErrors { get; set; } = 64;

    /// <summary>
    /// How long a call that waits for the server's answer (<c>UpdateSessionAsync</c>, <c>CommitAndWaitAsync</c>, the
    /// graceful part of <c>CloseAsync</c>) waits before it throws <see cref="TimeoutException"/>; its
    /// <c>CancellationToken</c> still applies. <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> waits forever. Default: 30 s.
    /// </summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The largest server message accepted; larger ones end the session with <see cref="WebSocketProtocolException"/>. Default: 17 MiB.</summary>
    public int MaxMessageSize { get; set; } = WebSocketConnectionOptions.DefaultMaxMessageSize;

    /// <summary>Interval of client pings; <see cref="TimeSpan.Zero"/> disables them. Default: 30 s.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the server has to show it is alive after a keep-alive ping (a pong, or anything else); past it the
    /// session ends with <see cref="WebSocketConnectionException"/> (<see cref="ShutdownReason.KeepAliveTimeout"/>).
    /// <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> turns the check off. While the session holds back
    /// reading because the app is behind (see <see cref="Backpressure"/>) nothing is judged. Default: 30 s.
    /// </summary>
    public TimeSpan KeepAliveTimeout { get; set; } = WebSocketConnectionOptions.DefaultKeepAliveTimeout;

    /// <summary>Timeout of the TCP/TLS connect and the upgrade. Default: 30 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long <c>DisposeAsync</c>'s graceful close waits for the server's close frame before aborting. Default: 500 ms,
    /// so that disposing stops the session within a second even when the server does not answer.
    /// </summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How many recently sent client event ids are remembered to correlate <c>error</c> events. Default: 1,024.</summary>
    public int SentEventHistory { get; set; } = 1024;
    /// <summary>
    /// Reconnect with states: when set, a lost connection is reconnected and the session resumed (see
    /// <see cref="RealtimeReconnectPolicy"/> and <see cref="Resume"/>), keeping the session object and its event stream.
    /// <see langword="null"/> (the default): a lost connection ends the session. Off by default because a resumed
    /// session is a new server session: a new <c>session.id</c>, the conversation restored as text (input tokens billed
    /// again, audio not replayed), the response in flight lost; an app opts into that knowingly.
    /// </summary>
    public RealtimeReconnectPolicy? Reconnect { get; set; }

    /// <summary>What a reconnected session restores and when it renews itself; used only with <see cref="Reconnect"/>.</summary>
    public RealtimeResumeOptions Resume { get; set; } = new();
}
