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
    /// <param name="borrow">Whether the event may be LENT: its base64 points into <paramref name="message"/> (the caller
    /// keeps it valid until the app has moved past the event) and the event object is the builder's, reused by the
    /// next lent build. The caller promises that the app has handed back the event of the previous lent build (under
    /// <see cref="RealtimeSessionOptions.ZeroCopyAudioDeltas"/> the receive loop reads nothing until it has). Otherwise
    /// the event and its base64 are new, owned by the app, as the reader makes them.</param>
    /// <param name="pcmBytes">The PCM16 bytes the delta decodes to (from its length and padding), for telemetry and
    /// the session's count of the item's audio; 0 when nothing was built.</param>
    /// <param name="checkedBodyStart">Where the caller found the delta's body to start in <paramref name="message"/>
    /// and checked it while copying the message together (<c>RealtimeAudioDeltaLayout.CopyUnescapedBase64Range</c>);
    /// -1 for none.</param>
    TServerEvent? TryBuild(ReadOnlyMemory<byte> message, bool borrow, out long pcmBytes, int checkedBodyStart = -1);
}
