using System;
using Generated.OpenAI.Models;
using Generated.OpenAI.Serialization;

namespace Generated.OpenAI.Realtime;

/// <summary>
/// What one kind of realtime session is on the wire: its endpoint, its server event union, and its audio events.
/// The session core (<see cref="RealtimeSession{TServerEvent}"/>) runs every kind from one of these; a new kind is
/// one descriptor and one subclass with its helpers. Every event type comes from the generated models.
/// </summary>
/// <typeparam name="TServerEvent">The server event union of the endpoint.</typeparam>
public sealed class RealtimeSessionDescriptor<TServerEvent>
    where TServerEvent : class, IJsonModel<TServerEvent>
{
    /// <summary>The WebSocket path under the base URL, e.g. <c>realtime</c> or <c>realtime/translations</c>.</summary>
    public required string Path { get; init; }

    /// <summary>The <c>type</c> of the client event that appends input audio, as UTF-8 (a generated <c>TypeUtf8</c>).</summary>
    public required ReadOnlyMemory<byte> AudioAppendType { get; init; }

    /// <summary>The <c>type</c> of the server event that carries output audio, as UTF-8 (a generated <c>TypeUtf8</c>).</summary>
    public required ReadOnlyMemory<byte> AudioDeltaType { get; init; }

    /// <summary>How many PCM16 bytes <c>SendAudioAsync(Stream)</c> sends per event unless told otherwise.</summary>
    public required int DefaultChunkBytes { get; init; }

    /// <summary>The <c>error</c> event inside a server event, or <see langword="null"/> for any other event.</summary>
    public required Func<TServerEvent, RealtimeServerEventError?> GetError { get; init; }

    /// <summary>Whether a server event is an output audio delta (which <see cref="RealtimeBackpressure.DropOldestAudio"/> may drop).</summary>
    public required Func<TServerEvent, bool> IsAudioDelta { get; init; }
    /// <summary>
    /// Whether a server event is the <c>session.created</c> a connection starts with (a resumed session hides the new
    /// one from the app). <see langword="null"/>: never.
    /// </summary>
    public Func<TServerEvent, bool>? IsSessionCreated { get; init; }

    /// <summary>The <c>expires_at</c> (Unix seconds) a <c>session.created</c> carries, if any; <see langword="null"/>: never known.</summary>
    public Func<TServerEvent, long?>? GetExpiresAt { get; init; }

    /// <summary>
    /// Whether a server event ends the uncommitted input audio (<c>input_audio_buffer.committed</c> or <c>.cleared</c>):
    /// audio appended since the last one is what a dropped connection loses. <see langword="null"/>: not tracked.
    /// </summary>
    public Func<TServerEvent, bool>? EndsUncommittedAudio { get; init; }

    /// <summary>
    /// Makes a session's builder of typed audio deltas from the audio fast path's scan (one per session, used by its
    /// receive loop only). <see langword="null"/>: the generated reader reads every delta.
    /// </summary>
    internal Func<IRealtimeAudioDeltaBuilder<TServerEvent>>? CreateAudioDeltaBuilder { get; init; }
}
