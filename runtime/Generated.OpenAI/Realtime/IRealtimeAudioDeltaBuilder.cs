using System;
using Generated.OpenAI.Serialization;

namespace Generated.OpenAI.Realtime;

/// <summary>
/// Builds a kind's typed output audio delta from the audio fast path's scan instead of the generated reader (see
/// <see cref="RealtimeAudioDeltaBuilder"/>). One instance per session, called only from its receive loop.
/// </summary>
/// <typeparam name="TServerEvent">The server event union of the kind.</typeparam>
internal interface IRealtimeAudioDeltaBuilder<TServerEvent>
    where TServerEvent : class, IJsonModel<TServerEvent>
{
    /// <summary>
    /// The delta event that <paramref name="message"/> holds, equal to what the generated reader reads from it, or
    /// <see langword="null"/> when the message is not a delta in the shape the builder knows (the reader decides then).
    /// </summary>
    /// <param name="message">The whole message, borrowed for the call (longer when <paramref name="borrow"/>).</param>
    /// <param name="borrow">Whether the event's base64 may point into <paramref name="message"/> (the caller keeps
    /// it valid until the app has moved past the event); otherwise it is copied, as the reader copies it.</param>
    TServerEvent? TryBuild(ReadOnlyMemory<byte> message, bool borrow);
}
