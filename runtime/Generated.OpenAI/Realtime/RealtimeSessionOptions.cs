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
    /// Typed audio delta events borrow their base64 from the connection's receive buffer instead of copying it (a
    /// message that straddles two receive buffers is first copied once into a buffer the session reuses), and are
    /// LENT: the event is valid until your next read of the event stream (or dispose), its audio (<c>Delta</c>) and
    /// the event object itself, which the session sets again for a later delta (a delta in the API's usual shape then
    /// allocates nothing: its <c>event_id</c> is borrowed from the message too, made a string when you read
    /// <c>EventId</c>). Copy or decode what you keep (the ids read as strings are yours: keeping them is safe); do not
    /// keep or change the event. Other events are not lent. In exchange the session reads nothing more from the socket
    /// until you read again, so read events in a loop while it is on (a call that waits for the server, such as
    /// <c>UpdateSessionAsync</c>, waits for your next read too). Default: false (each delta owns a copy).
    /// </summary>
    public bool ZeroCopyAudioDeltas { get; set; }

    /// <summary>
    /// How many received events may wait for the app to read them. When the queue is full the session applies
    /// <see cref="Backpressure"/>. Default: 4,096.
    /// </summary>
    public int MaxQueuedEvents { get; set; } = 4096;

    /// <summary>How many bytes of event JSON may wait for the app to read them (see <see cref="MaxQueuedEvents"/>). Default: 16 MiB.</summary>
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
