using System;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.WebSockets;

namespace Generated.OpenAI.Audio;

/// <summary>
/// Sends audio-append events with the JSON, the base64 and the mask all produced inside the connection's send
/// pipe: one frame, one flush, zero allocations in steady state.
/// </summary>
public static class WebSocketConnectionAudioExtensions
{
    /// <summary>
    /// Sends <c>{"event_id":..,"type":..,"audio":"&lt;base64&gt;"}</c> for little-endian PCM16 bytes as one text
    /// message. <paramref name="pcm"/> is only read, and only until the returned task completes; it is never
    /// modified (masking happens in the pipe). Sends are serialized by the connection.
    /// </summary>
    public static ValueTask SendAudioAppendAsync(this WebSocketConnection connection, RealtimeAudioAppendEvent eventType, ReadOnlyMemory<byte> pcm, string? eventId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        int length = RealtimeAudioEvents.GetAppendEventLength(eventType, pcm.Length, eventId);
        return connection.SendTextAsync(
            length,
            (eventType, pcm, eventId),
            static (destination, state) => RealtimeAudioEvents.WriteAppendEvent(destination, state.eventType, state.pcm.Span, state.eventId),
            cancellationToken);
    }

    /// <summary>The PCM16-sample overload of <see cref="SendAudioAppendAsync(WebSocketConnection, RealtimeAudioAppendEvent, ReadOnlyMemory{byte}, string?, CancellationToken)"/>.</summary>
    public static ValueTask SendAudioAppendAsync(this WebSocketConnection connection, RealtimeAudioAppendEvent eventType, ReadOnlyMemory<short> pcm, string? eventId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        int length = RealtimeAudioEvents.GetAppendEventLength(eventType, checked(pcm.Length * 2), eventId);
        return connection.SendTextAsync(
            length,
            (eventType, pcm, eventId),
            static (destination, state) => RealtimeAudioEvents.WriteAppendEvent(destination, state.eventType, state.pcm.Span, state.eventId),
            cancellationToken);
    }
}
