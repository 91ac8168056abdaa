using System;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.WebSockets;

namespace Generated.OpenAI.Audio;

/// <summary>
/// Sends audio-append events with the JSON, the base64 and the mask all produced inside the connection's send
/// pipe: one frame, one flush, zero allocations in steady state.
/// </summary>
/// <remarks>
/// The event type is the caller's UTF-8 (the runtime names no realtime event): the generated constant of the append
/// event of the session's endpoint, e.g. <c>RealtimeAudioBufferAppend.TypeUtf8</c> (voice agent,
/// transcription) or <c>RealtimeTranslationAudioAppend.TypeUtf8</c> (translation), kept in a
/// <see cref="ReadOnlyMemory{T}"/> (an array made once) because the send may complete later.
/// </remarks>
public static class WebSocketConnectionAudioExtensions
{
    /// <summary>
    /// Sends <c>{"event_id":..,"type":..,"audio":"&lt;base64&gt;"}</c> for little-endian PCM16 bytes as one text
    /// message. <paramref name="eventType"/>, <paramref name="pcm"/> and <paramref name="eventId"/> are only read, and
    /// only until the returned task completes; <paramref name="pcm"/> is never modified (masking happens in the pipe).
    /// Sends are serialized by the connection.
    /// </summary>
    /// <param name="connection">The open connection.</param>
    /// <param name="eventType">The event's <c>type</c> as UTF-8, written verbatim (it must need no JSON escaping).</param>
    /// <param name="pcm">Little-endian PCM16.</param>
    /// <param name="eventId">The event's <c>event_id</c> as UTF-8, written verbatim; empty omits it.</param>
    /// <param name="cancellationToken">Aborts the connection if it fires while the frame is being written.</param>
    /// <exception cref="ArgumentException">The type or the id would need JSON escaping.</exception>
    public static ValueTask SendAudioAppendAsync(this WebSocketConnection connection, ReadOnlyMemory<byte> eventType, ReadOnlyMemory<byte> pcm, ReadOnlyMemory<byte> eventId = default, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        // The type and the id are checked once, here, before the send lock; the writer trusts them.
        int length = RealtimeAudioEvents.GetValidatedAppendEventLength(eventType.Span, pcm.Length, eventId.Span);
        return connection.SendMaskedTextAsync(
            length,
            (eventType, pcm, eventId),
            static (destination, maskKey, state) => RealtimeAudioEvents.WriteMaskedAppendEvent(destination, state.eventType.Span, state.pcm.Span, state.eventId.Span, maskKey),
            cancellationToken);
    }

    /// <summary>The PCM16-sample overload of <see cref="SendAudioAppendAsync(WebSocketConnection, ReadOnlyMemory{byte}, ReadOnlyMemory{byte}, ReadOnlyMemory{byte}, CancellationToken)"/>.</summary>
    /// <param name="connection">The open connection.</param>
    /// <param name="eventType">The event's <c>type</c> as UTF-8, written verbatim (it must need no JSON escaping).</param>
    /// <param name="pcm">PCM16 samples, serialized little-endian whatever the machine's byte order.</param>
    /// <param name="eventId">The event's <c>event_id</c> as UTF-8, written verbatim; empty omits it.</param>
    /// <param name="cancellationToken">Aborts the connection if it fires while the frame is being written.</param>
    /// <exception cref="ArgumentException">The type or the id would need JSON escaping.</exception>
    public static ValueTask SendAudioAppendAsync(this WebSocketConnection connection, ReadOnlyMemory<byte> eventType, ReadOnlyMemory<short> pcm, ReadOnlyMemory<byte> eventId = default, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        // The type and the id are checked once, here, before the send lock; the writer trusts them.
        int length = RealtimeAudioEvents.GetValidatedAppendEventLength(eventType.Span, checked(pcm.Length * 2), eventId.Span);
        return connection.SendMaskedTextAsync(
            length,
            (eventType, pcm, eventId),
            static (destination, maskKey, state) => RealtimeAudioEvents.WriteMaskedAppendEvent(destination, state.eventType.Span, state.pcm.Span, state.eventId.Span, maskKey),
            cancellationToken);
    }
}
