using System;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Generated.OpenAI.Intrinsics;

namespace Generated.OpenAI.Audio;

/// <summary>
/// Where each member of an output audio delta lies in a message the API sent in its usual shape:
/// <c>{"type":"…","event_id":"…","response_id":"…","item_id":"…","output_index":N,"content_index":N,"delta":"…"}</c>,
/// no whitespace, no escapes, every string printable ASCII. Offsets are into the message that was scanned; the
/// message stays the caller's (nothing here keeps it).
/// </summary>
/// <remarks>
/// The typed read of a delta (the generated <c>ReadJson</c> under <c>Utf8JsonReader</c>) tokenizes the whole message,
/// the base64 included; for a message of this shape the same model can be built from these offsets (the session's
/// typed audio deltas do, see <c>RealtimeAudioDeltaBuilder</c>). <see cref="TryRead"/> accepts only what the reader
/// reads to the same values: the properties before <c>delta</c> are validated by
/// <see cref="RealtimeAudioDeltaReader.TryScanApiShape"/> (the audio fast path's literal scan, the same one
/// <c>DecodeDelta</c> runs, differentially tested against the reader), and the <c>delta</c> body in one pass (<see cref="IsUnescapedBase64Range"/>) that
/// lets through only bytes a JSON string holds raw and as themselves. Anything else is false, and the caller reads
/// the message with the reader, which gives the typed error or the Unknown case.
/// </remarks>
internal readonly struct RealtimeAudioDeltaLayout
{
    /// <summary>The lowest byte of the base64 alphabet, <c>+</c>: as signed bytes, every byte below it or from 0x80 is less.</summary>
    private const sbyte LowestBase64Byte = (sbyte)'+';

    /// <summary>The length of a cache line on the x64 and Arm64 parts that accelerate Vector512.</summary>
    private const int CacheLineLength = 64;

    /// <summary>The bytes of <c>event_id</c> (between its quotes).</summary>
    public Range EventId { get; private init; }

    /// <summary>The bytes of <c>response_id</c>.</summary>
    public Range ResponseId { get; private init; }

    /// <summary>The bytes of <c>item_id</c>.</summary>
    public Range ItemId { get; private init; }

    /// <summary>The value of <c>output_index</c>.</summary>
    public long OutputIndex { get; private init; }

    /// <summary>The value of <c>content_index</c>.</summary>
    public long ContentIndex { get; private init; }

    /// <summary>The base64 text of <c>delta</c> (between its quotes; not checked against the base64 alphabet).</summary>
    public Range Delta { get; private init; }

    /// <summary>
    /// True when <paramref name="json"/> is an event of type <paramref name="expectedType"/> in the API's shape, with
    /// <paramref name="layout"/> its members; false for anything else (nothing is promised then: read it with the reader).
    /// </summary>
    /// <param name="json">The message.</param>
    /// <param name="expectedType">The delta's type.</param>
    /// <param name="checkedBodyStart">Where the caller found the <c>delta</c> body to start and checked it (to the
    /// message's last two bytes) as <see cref="IsUnescapedBase64Range"/> does, copying it
    /// (<see cref="CopyUnescapedBase64Range"/>); -1 for none. A body found anywhere else is checked here.</param>
    /// <param name="layout">The members.</param>
    /// <remarks>NoInlining, as <see cref="RealtimeAudioDeltaReader.DecodeDelta(ReadOnlySpan{byte}, Span{byte}, out int)"/>: the
    /// root the exact-shape scan is inlined into, whose literal compares are unrolled only when inlined (the builder
    /// that calls this is itself inlined into the session's step, where the JIT's budget would run out first).</remarks>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool TryRead(ReadOnlySpan<byte> json, ReadOnlySpan<byte> expectedType, int checkedBodyStart, out RealtimeAudioDeltaLayout layout)
        => ReadCore(json, expectedType, checkedBodyStart, checkBody: true, out layout);

    /// <summary>
    /// <see cref="TryRead"/> but the body's
    /// check, for a caller that copies the body anyway: it must then copy it with <see cref="CopyUnescapedBase64Range"/>
    /// (unless a check of its own, such as the connection's UTF-8 pass, already covered the body) and trust the layout only when that answers true.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool TryReadToCopy(ReadOnlySpan<byte> json, ReadOnlySpan<byte> expectedType, out RealtimeAudioDeltaLayout layout)
        => ReadCore(json, expectedType, checkedBodyStart: -1, checkBody: false, out layout);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool ReadCore(ReadOnlySpan<byte> json, ReadOnlySpan<byte> expectedType, int checkedBodyStart, bool checkBody, out RealtimeAudioDeltaLayout layout)
    {
        layout = default;

        // The type first, so that other events (a transcript delta has the same members) are turned away before the scan.
        if (!RealtimeAudioDeltaReader.TryScanApiShapeOfType(json, expectedType, out RealtimeAudioDeltaReader.ApiShapeDelta shape))
        {
            return false;
        }

        // The scan validated every byte up to the delta's opening quote (plain printable strings, unsigned integers, the
        // literals in this order) and that the message ends with the delta's closing quote and the object's brace.
        if ((checkBody && shape.DeltaStart != checkedBodyStart && !IsUnescapedBase64Range(json[shape.Delta])) || !TryParseIndex(json[shape.OutputIndex], out long outputIndex)
            || !TryParseIndex(json[shape.ContentIndex], out long contentIndex))
        {
            return false;
        }

        layout = new RealtimeAudioDeltaLayout
        {
            EventId = shape.EventId,
            ResponseId = shape.ResponseId,
            ItemId = shape.ItemId,
            OutputIndex = outputIndex,
            ContentIndex = contentIndex,
            Delta = shape.Delta,
        };
        return true;
    }

    /// <summary>
    /// <see cref="TryRead"/> for the first block of a message in several, which holds every member before the
    /// <c>delta</c> body: true when that block starts as an event of type <paramref name="expectedType"/> in the API's
    /// shape up to the body. <see cref="Delta"/> then starts at the body and ends with the block; the caller checks the
    /// rest, in the other blocks (the message ends with <c>"}</c> after the body, and the body passes
    /// <see cref="IsUnescapedBase64Range"/>, or <see cref="CopyUnescapedBase64Range"/> while it is copied) before it
    /// may trust the layout as <see cref="TryRead"/>'s.
    /// </summary>
    public static bool TryReadHead(ReadOnlySpan<byte> firstBlock, ReadOnlySpan<byte> expectedType, out RealtimeAudioDeltaLayout layout)
    {
        layout = default;
        if (!RealtimeAudioDeltaReader.TryScanApiShapeHeadOfType(firstBlock, expectedType, out RealtimeAudioDeltaReader.ApiShapeDelta shape)
            || !TryParseIndex(firstBlock[shape.OutputIndex], out long outputIndex) || !TryParseIndex(firstBlock[shape.ContentIndex], out long contentIndex))
        {
            return false;
        }

        layout = new RealtimeAudioDeltaLayout
        {
            EventId = shape.EventId,
            ResponseId = shape.ResponseId,
            ItemId = shape.ItemId,
            OutputIndex = outputIndex,
            ContentIndex = contentIndex,
            Delta = shape.Delta,
        };
        return true;
    }

    /// <summary>The value of an index's digits (<c>0|[1-9][0-9]*</c>); false outside long's range (the reader's ReadInt64 decides what that is).</summary>
    private static bool TryParseIndex(ReadOnlySpan<byte> digits, out long value)
    {
        // The API's indexes are single digits.
        if (digits.Length == 1)
        {
            value = digits[0] - '0';
            return true;
        }

        return Utf8Parser.TryParse(digits, out value, out int consumed) && consumed == digits.Length;
    }

    /// <summary>
    /// Whether every byte of a string body lies between <c>+</c> (the lowest byte of the base64 alphabet) and 0x7F and
    /// none is a backslash. Such a body holds no escape, no quote, no control character and no non-ASCII byte (RFC 8259
    /// section 7), so its raw bytes are the string's value, as the reader would read it; base64 has nothing outside
    /// that range, so only a delta that is not base64 anyway is turned away (and one that holds <c>{|}~</c> or DEL is
    /// built as the reader reads it, with the same bytes, for the app's decode to refuse). One pass with no branch per
    /// block, three operations per 64 bytes where Vector512 is accelerated (per 32 where Vector256 is): the signed minimum of the bytes (the bytes
    /// below <c>+</c> and those from 0x80 are exactly those less than <c>+</c> as signed bytes) and the minimum of each
    /// byte XOR a backslash (zero for a backslash). The body is 64 KiB for a second of audio, and this is the only pass
    /// over it before the app decodes it.
    /// </summary>
    internal static bool IsUnescapedBase64Range(ReadOnlySpan<byte> body)
    {
        if (Vector512.IsHardwareAccelerated && body.Length >= 2 * Vector512<byte>.Count)
        {
            return IsUnescapedBase64Range<SByteVector512, Vector512<sbyte>>(body);
        }

        if (Vector256.IsHardwareAccelerated && body.Length >= 2 * Vector256<byte>.Count)
        {
            return IsUnescapedBase64Range<SByteVector256, Vector256<sbyte>>(body);
        }

        foreach (byte b in body)
        {
            if ((sbyte)b < LowestBase64Byte || b == (byte)'\\')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary><see cref="IsUnescapedBase64Range(ReadOnlySpan{byte})"/> two vectors of <typeparamref name="TVector"/> a step, for a body at least that long.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe bool IsUnescapedBase64Range<TWidth, TVector>(ReadOnlySpan<byte> body)
        where TWidth : struct, ISByteVector<TVector>
        where TVector : struct
    {
        ref sbyte body0 = ref Unsafe.As<byte, sbyte>(ref MemoryMarshal.GetReference(body));
        TVector backslash = TWidth.Create((sbyte)'\\');
        int last = body.Length - (2 * TWidth.Count);

        // The first block where it is, then, for a vector of a cache line's length, the loop from the first aligned
        // address after it (the blocks overlap, which a minimum does not mind): a 64-byte load that straddles two cache
        // lines costs about twice one that does not, and the body starts anywhere in the receive buffer (32-byte loads
        // are left where they fall: aligning them measured no faster). The address is only a hint: were the buffer
        // moved by the GC meanwhile, the loads would merely be unaligned again (every offset is relative to body0).
        TVector first = TWidth.LoadUnsafe(ref body0, 0);
        TVector low = first;
        TVector notBackslash = TWidth.Xor(first, backslash);
        int i = TWidth.Count == CacheLineLength ? TWidth.Count - (int)((nuint)Unsafe.AsPointer(ref body0) % (nuint)TWidth.Count) : TWidth.Count;
        while (true)
        {
            // The last pair of blocks ends at the body's end (it may overlap the pair before).
            i = Math.Min(i, last);
            TVector a = TWidth.LoadUnsafe(ref body0, (nuint)i);
            TVector b = TWidth.LoadUnsafe(ref body0, (nuint)(i + TWidth.Count));
            low = TWidth.Min(low, TWidth.Min(a, b));
            notBackslash = TWidth.MinUnsigned(notBackslash, TWidth.MinUnsigned(TWidth.Xor(a, backslash), TWidth.Xor(b, backslash)));
            if (i == last)
            {
                break;
            }

            i += 2 * TWidth.Count;
        }

        return TWidth.GreaterThanOrEqualAll(low, TWidth.Create(LowestBase64Byte)) && !TWidth.AnyZero(notBackslash);
    }

    /// <summary>
    /// Copies <paramref name="source"/> to <paramref name="destination"/> (at least as long) and answers
    /// <see cref="IsUnescapedBase64Range"/> for it in the same pass: where a delta's body must be copied anyway (a
    /// message in several receive blocks, made contiguous to be lent), its check costs no read of its own. A second
    /// of audio is 64 KiB of body: a pass over it is bound by the cache's bandwidth, not by the three operations per block.
    /// </summary>
    internal static bool CopyUnescapedBase64Range(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException("The destination is shorter than the source.", nameof(destination));
        }

        if (Vector512.IsHardwareAccelerated && source.Length >= Vector512<byte>.Count)
        {
            return CopyUnescapedBase64Range<SByteVector512, Vector512<sbyte>>(source, destination);
        }

        if (Vector256.IsHardwareAccelerated && source.Length >= Vector256<byte>.Count)
        {
            return CopyUnescapedBase64Range<SByteVector256, Vector256<sbyte>>(source, destination);
        }

        source.CopyTo(destination);
        return IsUnescapedBase64Range(source);
    }

    /// <summary><see cref="CopyUnescapedBase64Range(ReadOnlySpan{byte}, Span{byte})"/> a vector of <typeparamref name="TVector"/> at a time, for a source at least that long (the destination checked by the caller).</summary>
    private static bool CopyUnescapedBase64Range<TWidth, TVector>(ReadOnlySpan<byte> source, Span<byte> destination)
        where TWidth : struct, ISByteVector<TVector>
        where TVector : struct
    {
        ref sbyte source0 = ref Unsafe.As<byte, sbyte>(ref MemoryMarshal.GetReference(source));
        ref sbyte destination0 = ref Unsafe.As<byte, sbyte>(ref MemoryMarshal.GetReference(destination));
        TVector backslash = TWidth.Create((sbyte)'\\');
        TVector low = TWidth.Create(sbyte.MaxValue);
        TVector notBackslash = TWidth.Create(-1);
        int last = source.Length - TWidth.Count;
        int i = 0;
        while (true)
        {
            // The last block ends at the source's end (it may overlap the one before: the same bytes copied again).
            i = Math.Min(i, last);
            TVector block = TWidth.LoadUnsafe(ref source0, (nuint)i);
            TWidth.StoreUnsafe(block, ref destination0, (nuint)i);
            low = TWidth.Min(low, block);
            notBackslash = TWidth.MinUnsigned(notBackslash, TWidth.Xor(block, backslash));
            if (i == last)
            {
                break;
            }

            i += TWidth.Count;
        }

        return TWidth.GreaterThanOrEqualAll(low, TWidth.Create(LowestBase64Byte)) && !TWidth.AnyZero(notBackslash);
    }
}
