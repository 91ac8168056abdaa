using System;
using System.Buffers;
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
    /// <param name="lendInto">With <paramref name="borrow"/>: where the lent event lives. <see langword="null"/>: the
    /// builder's own one (one lent event at a time, as <see cref="RealtimeSessionOptions.ZeroCopyAudioDeltas"/> lends).
    /// Else the caller's slot (a session lends several at once, each held by a retained message): the event in it, made by
    /// an earlier build into a slot, is set again, or a new one is made and put there when it is empty. The caller
    /// promises that nobody reads the slot's previous event any more.</param>
    TServerEvent? TryBuild(ReadOnlyMemory<byte> message, bool borrow, out long pcmBytes, int checkedBodyStart = -1, RealtimeLentSlot<TServerEvent>? lendInto = null);

    /// <summary>
    /// <see cref="TryBuild"/> without <c>borrow</c> (a new event that owns a copy of its base64) for a message in several
    /// blocks (it straddles two receive buffers): the base64 is copied once, straight from the blocks, rather than the
    /// message made contiguous first and the base64 copied from there.
    /// </summary>
    /// <param name="message">The whole message, borrowed for the call.</param>
    /// <param name="pcmBytes">As for <see cref="TryBuild"/>.</param>
    TServerEvent? TryBuildCopied(in ReadOnlySequence<byte> message, out long pcmBytes);
}

/// <summary>Where a lent event lives between builds (see <see cref="IRealtimeAudioDeltaBuilder{TServerEvent}.TryBuild"/>).</summary>
/// <typeparam name="TServerEvent">The server event union of the kind.</typeparam>
internal class RealtimeLentSlot<TServerEvent>
    where TServerEvent : class
{
    /// <summary>The event a builder made for this slot, set again by its next build into it; <see langword="null"/> until then.</summary>
    public TServerEvent? Event { get; set; }
}
