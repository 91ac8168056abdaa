using System;
using System.Buffers;
using System.Text;
using Generated.OpenAI.Audio;
using Generated.OpenAI.Models;
using Generated.OpenAI.Serialization;

namespace Generated.OpenAI.Realtime;

/// <summary>
/// The voice kind's typed <c>response.output_audio.delta</c>, built from the offsets of the audio fast path's scan
/// (<see cref="RealtimeAudioDeltaLayout"/>) rather than by <see cref="RealtimeServerEvent.ReadJson"/>: the reader
/// tokenizes the whole message, its base64 included, and reads each id through the discriminator pre-scan and its
/// own string path, which is most of what a typed delta cost over the connection's receive.
/// </summary>
/// <remarks>
/// <para><b>Same model.</b> Only a message the layout accepts is built (the API's property order, plain printable
/// strings, integers in range, <c>delta</c> last); the model is then the one the generated reader makes from it
/// (same members, no extension data, the same wire bits), which a differential test checks over mutated messages.
/// Anything else is <see langword="null"/> and goes to the reader, so a hostile message still gets its typed
/// error or the Unknown case.</para>
/// <para><b>Ids.</b> Every delta of one response carries the same <c>response_id</c> and <c>item_id</c>: the builder
/// keeps the last string of each and hands it out again while the bytes are equal (strings are immutable, so the
/// sharing is invisible to the app). <c>event_id</c> differs per event, and is made a string only if the app reads
/// <c>EventId</c> (<see cref="RealtimeEventId"/>): a copied delta keeps the id's bytes after its base64, in the one array it
/// owns (valid for as long as the event); a lent one borrows them from the message, valid exactly as long as the lent
/// event. A lent delta allocates nothing.</para>
/// <para><b>Copied.</b> A copied delta allocates its array (the base64, then the id), its model and its union, and
/// nothing else: the base64 is copied once, from the receive buffer, or from the receive blocks of a message that spans
/// two (<see cref="TryBuildCopied(in ReadOnlySequence{byte}, out long)"/>), never from a contiguous copy made first; the body checked while it is copied.</para>
/// <para><b>Lent.</b> A borrowed delta (the default, and <see cref="RealtimeSessionOptions.ZeroCopyAudioDeltas"/>) is valid
/// until the app's next read, its audio and its object too. Under ZeroCopyAudioDeltas one delta is lent at a time: the
/// builder keeps one union and one model. By default several are lent at once (queued while the loop runs ahead), each
/// in its lease's slot (<see cref="RealtimeLentSlot{TServerEvent}"/>), whose union and model the builder made on its first
/// build into it. Either way the builder sets the members of that model for each lent delta (every member the reader sets; the model has no other state but
/// <c>ExtensionData</c>, which a delta in this shape never has and the app must not add to a lent event). Nothing in the
/// session keeps a delta (transcripts, the conversation log, <c>Errors</c>, the waiters and the resume history keep
/// other events, or strings), so the app's copy is the only one that sees the reuse.</para>
/// <para><b>Concurrency.</b> One builder per session, called only from that session's receive loop, one message at
/// a time: the remembered ids and the lent event need no lock.</para>
/// </remarks>
internal sealed class RealtimeAudioDeltaBuilder : IRealtimeAudioDeltaBuilder<RealtimeServerEvent>
{
    private RememberedId _responseId;
    private RememberedId _itemId;
    private RealtimeServerEventResponseAudioDelta? _lentDelta;
    private RealtimeServerEvent? _lent;

    /// <inheritdoc />
    public RealtimeServerEvent? TryBuild(ReadOnlyMemory<byte> message, bool borrow, out long pcmBytes, int checkedBodyStart = -1, RealtimeLentSlot<RealtimeServerEvent>? lendInto = null)
    {
        if (!borrow)
        {
            return TryBuildCopied(message.Span, checkedBodyStart, out pcmBytes);
        }

        ReadOnlySpan<byte> json = message.Span;
        if (!RealtimeAudioDeltaLayout.TryRead(json, RealtimeServerEventResponseAudioDelta.TypeUtf8, checkedBodyStart, out RealtimeAudioDeltaLayout layout))
        {
            pcmBytes = 0;
            return null;
        }

        ReadOnlyMemory<byte> base64 = message[layout.Delta];
        pcmBytes = RealtimeVoiceSession.DecodedLength(base64.Span);
        string responseId = _responseId.Reuse(json[layout.ResponseId]);
        string itemId = _itemId.Reuse(json[layout.ItemId]);
        // Lent: the session keeps the message valid until the app has moved past the event, and the app has handed the
        // previous lent event back, so its object is set again rather than a new one made, and its id is the message's
        // bytes (the layout vouched that they are printable ASCII with no escape: the id itself).
        RealtimeEventId eventId = RealtimeEventId.Borrow(message[layout.EventId]);
        // The slot's event is one this builder made (a cast: AsResponseOutputAudioDelta, with its throw, is never inlined).
        RealtimeServerEventResponseAudioDelta? delta = lendInto is null ? _lentDelta : (RealtimeServerEventResponseAudioDelta?)lendInto.Event?.Value;
        if (delta is null)
        {
            delta = new RealtimeServerEventResponseAudioDelta
            {
                EventId = string.Empty, // set below, as a value; required by the initializer
                ResponseId = responseId,
                ItemId = itemId,
                OutputIndex = layout.OutputIndex,
                ContentIndex = layout.ContentIndex,
                Delta = Base64Data.FromBase64Utf8(base64),
            };
            ((IRealtimeEvent)delta).EventIdValue = eventId;
            RealtimeServerEvent made = RealtimeServerEvent.FromResponseOutputAudioDelta(delta);
            if (lendInto is null)
            {
                (_lentDelta, _lent) = (delta, made);
            }
            else
            {
                lendInto.Event = made;
            }

            return made;
        }

        // The ids are stored only when they changed (a new response or item): every delta of one item hands out the
        // same strings (Reuse), and a store of a reference into the heap is a GC write barrier, about 2 ns each.
        ((IRealtimeEvent)delta).EventIdValue = eventId;
        if (!ReferenceEquals(delta.ResponseId, responseId))
        {
            delta.ResponseId = responseId;
        }

        if (!ReferenceEquals(delta.ItemId, itemId))
        {
            delta.ItemId = itemId;
        }

        delta.OutputIndex = layout.OutputIndex;
        delta.ContentIndex = layout.ContentIndex;
        delta.Delta = Base64Data.FromBase64Utf8(base64);
        return lendInto is null ? _lent : lendInto.Event;
    }

    /// <summary>
    /// <see cref="TryBuild"/> without <c>borrow</c>: a new event that owns a new array, as Base64Data.ReadJson copies
    /// outside DeserializeBorrowingBase64. The body is checked while it is copied (one pass over it, not a check then a
    /// copy), unless the connection's UTF-8 pass checked it (<paramref name="checkedBodyStart"/>).
    /// </summary>
    private RealtimeServerEvent? TryBuildCopied(ReadOnlySpan<byte> json, int checkedBodyStart, out long pcmBytes)
    {
        pcmBytes = 0;
        if (!RealtimeAudioDeltaLayout.TryReadToCopy(json, RealtimeServerEventResponseAudioDelta.TypeUtf8, out RealtimeAudioDeltaLayout layout))
        {
            return null;
        }

        RealtimeServerEvent copied = NewCopied(_responseId.Reuse(json[layout.ResponseId]), _itemId.Reuse(json[layout.ItemId]), layout, out RealtimeServerEventResponseAudioDelta model);
        ReadOnlySpan<byte> base64 = json[layout.Delta];
        ReadOnlySpan<byte> id = json[layout.EventId];
        byte[] owned = GC.AllocateUninitializedArray<byte>(base64.Length + id.Length); // every byte written below
        if (layout.Delta.Start.Value == checkedBodyStart)
        {
            base64.CopyTo(owned);
        }
        else if (!RealtimeAudioDeltaLayout.CopyUnescapedBase64Range(base64, owned))
        {
            return null; // not the builder's: the reader decides
        }

        id.CopyTo(owned.AsSpan(base64.Length));
        pcmBytes = RealtimeVoiceSession.DecodedLength(base64);
        Own(model, owned, base64.Length);
        return copied;
    }

    /// <inheritdoc />
    public RealtimeServerEvent? TryBuildCopied(in ReadOnlySequence<byte> message, out long pcmBytes)
    {
        pcmBytes = 0;
        ReadOnlySpan<byte> head = message.FirstSpan;
        if (!RealtimeAudioDeltaLayout.TryReadHead(head, RealtimeServerEventResponseAudioDelta.TypeUtf8, out RealtimeAudioDeltaLayout layout))
        {
            return null;
        }

        // The body runs from its start, in the first block, to the message's closing "} (which may straddle two blocks).
        long length = message.Length;
        int bodyStart = layout.Delta.Start.Value;
        Span<byte> end = stackalloc byte[2];
        if (length - 2 < bodyStart || length - 2 > Array.MaxLength)
        {
            return null;
        }

        message.Slice(length - 2).CopyTo(end);
        if (!end.SequenceEqual("\"}"u8))
        {
            return null;
        }

        // One copy, straight from the receive blocks into the event's array, the body checked in the same pass (as the
        // lent path checks it while making such a message contiguous); the event_id's bytes after it.
        int bodyLength = (int)(length - 2 - bodyStart);
        RealtimeServerEvent copied = NewCopied(_responseId.Reuse(head[layout.ResponseId]), _itemId.Reuse(head[layout.ItemId]), layout, out RealtimeServerEventResponseAudioDelta model);
        ReadOnlySpan<byte> id = head[layout.EventId];
        byte[] owned = GC.AllocateUninitializedArray<byte>(bodyLength + id.Length); // every byte written below
        bool unescaped = true;
        int written = 0;
        foreach (ReadOnlyMemory<byte> block in message.Slice(bodyStart, bodyLength))
        {
            unescaped &= RealtimeAudioDeltaLayout.CopyUnescapedBase64Range(block.Span, owned.AsSpan(written));
            written += block.Length;
        }

        if (!unescaped)
        {
            return null; // not the builder's: the reader decides
        }

        id.CopyTo(owned.AsSpan(bodyLength));
        pcmBytes = RealtimeVoiceSession.DecodedLength(owned.AsSpan(0, bodyLength));
        Own(model, owned, bodyLength);
        return copied;
    }

    /// <summary>
    /// A copied delta's event, but its array (<see cref="Own"/>): made before the array, so that a collection that an
    /// allocation of the event's objects sets off never finds a new array alive to promote (a second of audio is 64 KiB;
    /// the array allocated last, the collection runs before it, and the objects it then keeps alive are the two small ones).
    /// </summary>
    private static RealtimeServerEvent NewCopied(string responseId, string itemId, in RealtimeAudioDeltaLayout layout, out RealtimeServerEventResponseAudioDelta delta)
    {
        delta = new RealtimeServerEventResponseAudioDelta
        {
            EventId = null!, // set by Own, as a value; required by the initializer
            ResponseId = responseId,
            ItemId = itemId,
            OutputIndex = layout.OutputIndex,
            ContentIndex = layout.ContentIndex,
            Delta = default, // set by Own
        };
        return RealtimeServerEvent.FromResponseOutputAudioDelta(delta);
    }

    /// <summary>
    /// Gives a copied delta its array, <paramref name="owned"/>: its base64 (the first <paramref name="base64Length"/>
    /// bytes), then its <c>event_id</c>'s UTF-8. The id is borrowed from that array (<see cref="RealtimeEventId"/>), made a
    /// string only if the app reads <c>EventId</c>: the array is the event's alone and never written again, so the id is
    /// valid for as long as the event, as a string would be. One array per delta, not an array and a string.
    /// </summary>
    private static void Own(RealtimeServerEventResponseAudioDelta delta, byte[] owned, int base64Length)
    {
        delta.Delta = Base64Data.FromBase64Utf8(owned.AsMemory(0, base64Length));
        ((IRealtimeEvent)delta).EventIdValue = RealtimeEventId.Borrow(owned.AsMemory(base64Length));
    }

    /// <summary>
    /// The last string handed out for one id, and its bytes: the next delta's id is compared byte for byte with those
    /// (a vector compare or two) rather than with the string's chars (each byte widened first, about twice the work per
    /// delta, and this runs twice per delta). Both are replaced when the id changes (a new response or item).
    /// </summary>
    private struct RememberedId
    {
        private string? _text;
        private byte[]? _utf8;

        /// <summary>The remembered string when it has these bytes (printable ASCII, as the layout vouched), else a new one, remembered.</summary>
        public string Reuse(ReadOnlySpan<byte> ascii)
        {
            if (_text is null || !ascii.SequenceEqual(_utf8))
            {
                _text = Encoding.UTF8.GetString(ascii);
                _utf8 = ascii.ToArray();
            }

            return _text;
        }
    }
}
