using System;
using System.Buffers;
using System.Buffers.Text;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text.Json;

namespace Generated.OpenAI.Audio;

/// <summary>
/// Reads output audio events (<c>response.output_audio.delta</c>, <c>session.output_audio.delta</c>) from a received
/// UTF-8 JSON payload with <see cref="Utf8JsonReader"/> and decodes the base64 <c>delta</c> straight into a caller's
/// buffer with <see cref="Base64.DecodeFromUtf8(ReadOnlySpan{byte}, Span{byte}, out int, out int, bool)"/>.
/// </summary>
/// <remarks>
/// No member allocates. The JSON is only borrowed for the call (it may be the connection's borrowed payload).
/// A multi-segment payload is read in place; the base64 text is copied (into a pooled buffer, or the stack when
/// small) only when it is JSON-escaped (e.g. <c>\/</c>) or spans segments. Only top-level properties are
/// considered; nested objects and arrays are skipped. Stateless and thread-safe. The event types to compare with
/// are the caller's (the generated constants, e.g. <c>RealtimeServerEventResponseAudioDelta.TypeUtf8</c>): the runtime
/// names no realtime event.
/// </remarks>
public static class RealtimeAudioDeltaReader
{
    private const int StackCopyLimit = 512;

    /// <summary>Up to this length a multi-segment payload is copied to be decoded contiguously (100 ms of audio is about 6.5 KiB of JSON).</summary>
    private const int SegmentedCopyLimit = 16 * 1024;

    /// <summary>
    /// Returns the top-level <c>type</c> value as a slice of <paramref name="json"/> (no copy). False when the
    /// property is missing, not a string, JSON-escaped (use <see cref="IsEventType(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>
    /// or <see cref="TryCopyString(in ReadOnlySequence{byte}, ReadOnlySpan{byte}, Span{byte}, out int)"/> then), or the JSON is malformed.
    /// </summary>
    public static bool TryGetEventType(ReadOnlySpan<byte> json, out ReadOnlySpan<byte> eventType)
    {
        if (TryScanPlainString(json, "type"u8, out eventType))
        {
            return true;
        }

        var reader = new Utf8JsonReader(json);
        if (TryFindTopLevelString(ref reader, "type"u8) == FindResult.Found && !reader.ValueIsEscaped)
        {
            eventType = reader.ValueSpan;
            return true;
        }

        eventType = default;
        return false;
    }

    /// <summary>True when the top-level <c>type</c> equals <paramref name="expectedType"/> (escapes are honoured).</summary>
    public static bool IsEventType(ReadOnlySpan<byte> json, ReadOnlySpan<byte> expectedType)
    {
        if (TryScanPlainString(json, "type"u8, out ReadOnlySpan<byte> plain) && plain.SequenceEqual(expectedType))
        {
            return true;
        }

        var reader = new Utf8JsonReader(json);
        return TryFindTopLevelString(ref reader, "type"u8) == FindResult.Found && reader.ValueTextEquals(expectedType);
    }

    /// <summary>True when the top-level <c>type</c> equals <paramref name="expectedType"/> (escapes are honoured).</summary>
    public static bool IsEventType(in ReadOnlySequence<byte> json, ReadOnlySpan<byte> expectedType)
    {
        if (json.IsSingleSegment)
        {
            return IsEventType(json.FirstSpan, expectedType);
        }

        var reader = new Utf8JsonReader(json);
        return TryFindTopLevelString(ref reader, "type"u8) == FindResult.Found && reader.ValueTextEquals(expectedType);
    }

    /// <summary>
    /// Copies the unescaped UTF-8 value of the top-level string property <paramref name="propertyName"/> (e.g.
    /// <c>type</c>, <c>item_id</c>, <c>response_id</c>) into <paramref name="destination"/>.
    /// Returns <see cref="OperationStatus.Done"/>; <see cref="OperationStatus.DestinationTooSmall"/> with
    /// <paramref name="bytesWritten"/> set to a sufficient size; or <see cref="OperationStatus.InvalidData"/> when the
    /// property is missing, not a string, or the JSON is malformed.
    /// </summary>
    public static OperationStatus TryCopyString(in ReadOnlySequence<byte> json, ReadOnlySpan<byte> propertyName, Span<byte> destination, out int bytesWritten)
    {
        var reader = new Utf8JsonReader(json);
        return CopyString(ref reader, propertyName, destination, out bytesWritten);
    }

    /// <summary>The contiguous overload of <see cref="TryCopyString(in ReadOnlySequence{byte}, ReadOnlySpan{byte}, Span{byte}, out int)"/>.</summary>
    public static OperationStatus TryCopyString(ReadOnlySpan<byte> json, ReadOnlySpan<byte> propertyName, Span<byte> destination, out int bytesWritten)
    {
        var reader = new Utf8JsonReader(json);
        return CopyString(ref reader, propertyName, destination, out bytesWritten);
    }

    /// <summary>
    /// Decodes the top-level <c>delta</c> (base64 PCM16) into <paramref name="pcm"/>. On <see cref="AudioDeltaStatus.Done"/>
    /// <paramref name="bytesWritten"/> is the PCM length; on <see cref="AudioDeltaStatus.DestinationTooSmall"/> it is the
    /// exact length needed and nothing was written; otherwise it is 0.
    /// </summary>
    /// <remarks>
    /// Fast path: when <c>delta</c> is the last property (as the API sends it) and its value is plain base64 (base64
    /// never needs JSON escapes), the base64 is decoded straight from the bytes between its quotes, so the string is
    /// not scanned before it is decoded. The properties before it are validated by a plain scan when they have the
    /// API's shape (plain strings, integers; see <see cref="ScanToPlainTopLevelValue"/>), else read with
    /// <see cref="Utf8JsonReader"/>; the <c>:</c>, the quotes and the closing <c>}</c> are checked, and every byte
    /// between the quotes must be in the base64 alphabet. Anything else (an escape, whitespace, <c>delta</c> not last, invalid base64, a destination
    /// too small) takes the general path, which reads the whole object, so both paths give the same result. Before
    /// both, the event exactly as the API sends it (its property order, no whitespace) is checked with literal compares
    /// and decoded (<see cref="TryDecodeApiShapeDelta"/>), a subset of what the fast path accepts.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static AudioDeltaStatus DecodeDelta(ReadOnlySpan<byte> json, Span<byte> pcm, out int bytesWritten)
    {
        // NoInlining: this method is the root the JIT inlines the exact-shape path into. Inlined into a caller, the
        // JIT's inlining budget ran out before the helpers, whose literal compares are unrolled only when inlined (then
        // each is a call to StartsWith with a span argument): 100 to 150 ns at 20 ms in BenchmarkDotNet instead of 65.
        // The API's shape inline, in this frame; the rest in a call of its own, so that the hot code stays straight.
        return TryDecodeApiShapeDelta(json, pcm, out bytesWritten) ? AudioDeltaStatus.Done : DecodeDeltaSlow(json, pcm, out bytesWritten);
    }

    /// <summary>What <see cref="DecodeDelta(ReadOnlySpan{byte}, Span{byte}, out int)"/> does when the event is not in the API's exact shape.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static AudioDeltaStatus DecodeDeltaSlow(ReadOnlySpan<byte> json, Span<byte> pcm, out int bytesWritten)
    {
        if (TryDecodeLastDelta(json, pcm, out bytesWritten))
        {
            return AudioDeltaStatus.Done;
        }

        var reader = new Utf8JsonReader(json);
        return Decode(ref reader, pcm, out bytesWritten);
    }

    /// <summary>The multi-segment overload of <see cref="DecodeDelta(ReadOnlySpan{byte}, Span{byte}, out int)"/>.</summary>
    public static AudioDeltaStatus DecodeDelta(in ReadOnlySequence<byte> json, Span<byte> pcm, out int bytesWritten)
    {
        if (json.IsSingleSegment)
        {
            return DecodeDelta(json.FirstSpan, pcm, out bytesWritten);
        }

        if (json.Length <= SegmentedCopyLimit)
        {
            // A receive buffer boundary falls inside the message (one in every few dozen 20 ms events): one copy of
            // the small payload into a pooled buffer, owned by this call, is cheaper than reading it across segments.
            int length = (int)json.Length;
            byte[] contiguous = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                json.CopyTo(contiguous);
                return DecodeDelta(contiguous.AsSpan(0, length), pcm, out bytesWritten);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(contiguous);
            }
        }

        return DecodeDeltaWithReader(json, pcm, out bytesWritten);
    }

    /// <summary>The general path alone: <see cref="Utf8JsonReader"/> over the whole object (the reference the fast paths are tested against).</summary>
    internal static AudioDeltaStatus DecodeDeltaWithReader(in ReadOnlySequence<byte> json, Span<byte> pcm, out int bytesWritten)
    {
        var reader = new Utf8JsonReader(json);
        return Decode(ref reader, pcm, out bytesWritten);
    }

    /// <summary>
    /// The PCM byte length the <c>delta</c> decodes to (from its length and padding; the content is not validated),
    /// so a caller can size the buffer for <see cref="DecodeDelta(in ReadOnlySequence{byte}, Span{byte}, out int)"/>.
    /// </summary>
    public static AudioDeltaStatus GetDecodedDeltaLength(in ReadOnlySequence<byte> json, out int length)
        => DecodeDelta(json, Span<byte>.Empty, out length) switch
        {
            AudioDeltaStatus.DestinationTooSmall => AudioDeltaStatus.Done,
            var other => other,
        };

    private static AudioDeltaStatus Decode(ref Utf8JsonReader reader, Span<byte> pcm, out int bytesWritten)
    {
        bytesWritten = 0;
        switch (TryFindTopLevelString(ref reader, "delta"u8))
        {
            case FindResult.NotFound:
                return AudioDeltaStatus.DeltaNotFound;
            case FindResult.InvalidJson:
                return AudioDeltaStatus.InvalidJson;
        }

        if (!reader.HasValueSequence && !reader.ValueIsEscaped)
        {
            ReadOnlySpan<byte> value = reader.ValueSpan;
            return IsRestOfObjectValid(ref reader) ? DecodeBase64(value, pcm, out bytesWritten) : AudioDeltaStatus.InvalidJson;
        }

        // Escaped (e.g. "\/") or split across segments: unescape into one contiguous buffer first.
        long rawLength = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (rawLength > int.MaxValue)
        {
            return AudioDeltaStatus.InvalidBase64;
        }

        byte[]? rented = null;
        Span<byte> scratch = rawLength <= StackCopyLimit
            ? stackalloc byte[StackCopyLimit]
            : (rented = ArrayPool<byte>.Shared.Rent((int)rawLength));
        try
        {
            int length = reader.CopyString(scratch);
            return IsRestOfObjectValid(ref reader) ? DecodeBase64(scratch.Slice(0, length), pcm, out bytesWritten) : AudioDeltaStatus.InvalidJson;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// The fast path of <see cref="DecodeDelta(ReadOnlySpan{byte}, Span{byte}, out int)"/>: true only when the document is
    /// <c>{ ... "delta" : "base64" }</c> with <c>delta</c> last and valid, unescaped base64 that fits in <paramref name="pcm"/>.
    /// False leaves nothing promised about <paramref name="pcm"/>; the caller then takes the general path.
    /// </summary>
    internal static bool TryDecodeLastDelta(ReadOnlySpan<byte> json, Span<byte> pcm, out int bytesWritten)
    {
        bytesWritten = 0;

        // The document must end with '"' ws '}' ws: the closing quote of the last property's string value.
        int end = json.Length - 1;
        while (end >= 0 && IsJsonWhiteSpace(json[end]))
        {
            end--;
        }

        if (end < 0 || json[end] != (byte)'}')
        {
            return false;
        }

        end--;
        while (end >= 0 && IsJsonWhiteSpace(json[end]))
        {
            end--;
        }

        if (end < 0 || json[end] != (byte)'"')
        {
            return false;
        }

        // Everything before the value is validated up to the property name's ':': by the plain scan when the
        // properties before it have the API's shape, otherwise by the reader.
        int start = ScanToPlainTopLevelValue(json, "delta"u8);
        if (start < 0 && (start = ReadToTopLevelValue(json, "delta"u8)) < 0)
        {
            return false;
        }

        while (start < end && IsJsonWhiteSpace(json[start]))
        {
            start++;
        }

        if (start >= end || json[start] != (byte)'"')
        {
            return false;
        }

        // Between the quotes: if this is not one plain base64 string (a '"' or '\' inside means an escape or that
        // delta is not last), the decoder stops at the first byte outside the alphabet and we fall back. The decoder
        // skips whitespace, which a JSON string may not hold raw (control characters) or which changes the length:
        // the written count must be exactly what the length and padding say.
        ReadOnlySpan<byte> base64 = json.Slice(start + 1, end - start - 1);
        if (!TryGetDecodedLength(base64, out int needed) || pcm.Length < needed)
        {
            return false;
        }

        if (Base64.DecodeFromUtf8(base64, pcm, out _, out int written) != OperationStatus.Done || written != needed)
        {
            return false;
        }

        bytesWritten = written;
        return true;
    }

    /// <summary>
    /// The first path of <see cref="DecodeDelta(ReadOnlySpan{byte}, Span{byte}, out int)"/>: the event exactly as the API
    /// sends an output audio delta, <c>{"type":"…","event_id":"…","response_id":"…","item_id":"…","output_index":N,"content_index":N,"delta":"…"}</c>
    /// with no whitespace, its base64 decoded straight from between the last quotes. True only when that is what
    /// <see cref="TryDecodeLastDelta"/> (and so the reader) would answer, with the same bytes; false says only that the
    /// other paths must decide (another shape, a negative integer, a value too close to the end for a 32-byte load, a
    /// destination too small, no Vector256).
    /// </summary>
    /// <remarks>
    /// The scan is <see cref="TryScanApiShape"/> (a subset of what the general scan accepts). The base64 runs to the
    /// document's final <c>"}</c>: a quote, backslash or anything else outside the alphabet inside it makes the decoder
    /// fail, and whitespace, which the decoder skips, makes the written count fall short of what the length says.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool TryDecodeApiShapeDelta(ReadOnlySpan<byte> json, Span<byte> pcm, out int bytesWritten)
    {
        bytesWritten = 0;
        return TryScanApiShape(json, out ApiShapeDelta shape) && TryDecodeBody(json[shape.Delta], pcm, out bytesWritten);
    }

    /// <summary>
    /// <see cref="TryDecodeApiShapeDelta"/> for an event whose <c>type</c> is
    /// <paramref name="expectedType"/>, checked in the same scan: the audio fast path of a session, which would
    /// otherwise ask <see cref="IsEventType(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/> (a scan of its own) first. False
    /// says only that <see cref="IsEventType(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/> and <see cref="DecodeDelta(ReadOnlySpan{byte}, Span{byte}, out int)"/>
    /// must decide; nothing is promised about <paramref name="pcm"/> then.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static bool TryDecodeApiShapeDeltaOfType(ReadOnlySpan<byte> json, ReadOnlySpan<byte> expectedType, Span<byte> pcm, out int bytesWritten)
    {
        // NoInlining, as DecodeDelta: the root the exact-shape scan is inlined into.
        bytesWritten = 0;
        return TryScanApiShape(json, out ApiShapeDelta shape) && json[shape.Type].SequenceEqual(expectedType)
            && TryDecodeBody(json[shape.Delta], pcm, out bytesWritten);
    }

    /// <summary>
    /// Decodes a <c>delta</c> body the exact-shape scan found. As in <see cref="TryDecodeLastDelta"/>: a destination too
    /// small is left untouched (the general path reports it), and the written count must be what the length and
    /// padding say, which rules out whitespace the decoder skipped.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryDecodeBody(ReadOnlySpan<byte> base64, Span<byte> pcm, out int bytesWritten)
    {
        bytesWritten = 0;
        if (!TryGetDecodedLength(base64, out int needed) || pcm.Length < needed
            || Base64.DecodeFromUtf8(base64, pcm, out _, out int written) != OperationStatus.Done || written != needed)
        {
            return false;
        }

        bytesWritten = written;
        return true;
    }

    /// <summary>
    /// The one scan of an event exactly as the API sends an output audio delta,
    /// <c>{"type":"…","event_id":"…","response_id":"…","item_id":"…","output_index":N,"content_index":N,"delta":"…"}</c>
    /// with no whitespace: true with where each value lies (<paramref name="shape"/>), false for anything else (another
    /// shape, a negative integer, a value too close to the end for a 32-byte load, no Vector256), when the general scan
    /// or the reader decides. <see cref="TryDecodeApiShapeDelta"/> decodes from it and <see cref="RealtimeAudioDeltaLayout"/>
    /// builds a typed delta from it.
    /// </summary>
    /// <remarks>
    /// Every byte before <c>delta</c>'s opening quote is checked as the general scan checks it: each literal is a
    /// compare of constants the JIT unrolls once this is inlined (two or three loads, not a call), the closing quote of
    /// a string value is the first byte of the literal after it (so one compare checks both), and a string's end and
    /// its bytes (printable ASCII, no escape) are found with one 32-byte compare. The <c>delta</c> body is not looked
    /// at: it runs from its opening quote to the document's final <c>"}</c>, and its caller decides what it may hold
    /// (the decoder fails on a quote or backslash; the layout checks it in one pass).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool TryScanApiShape(ReadOnlySpan<byte> json, out ApiShapeDelta shape) => TryScanApiShapeCore(json, whole: true, typeEnd: -1, out shape);

    /// <summary>
    /// <see cref="TryScanApiShape"/> for an event whose <c>type</c> is <paramref name="expectedType"/> (printable ASCII
    /// with no quote or backslash, a constant of the caller's): the type is compared first, so that other events (a
    /// transcript delta has the same members) are turned away before the scan, and the scan then starts after it
    /// rather than looking for its end again.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool TryScanApiShapeOfType(ReadOnlySpan<byte> json, ReadOnlySpan<byte> expectedType, out ApiShapeDelta shape)
    {
        int typeEnd = ApiShapeDelta.TypeStart + expectedType.Length;
        if (json.Length <= typeEnd || json[typeEnd] != (byte)'"' || !json.Slice(ApiShapeDelta.TypeStart).StartsWith(expectedType))
        {
            shape = default;
            return false;
        }

        return TryScanApiShapeCore(json, whole: true, typeEnd, out shape);
    }

    /// <summary>
    /// Where the <c>delta</c> body starts (just past <c>,"delta":"</c>) when <paramref name="firstBlock"/>, the first
    /// block of a message in several, starts in the API's exact shape up to there (the scan of <see cref="TryScanApiShape"/>
    /// without its checks of the end, which is in another block); -1 otherwise. The scan of the whole message decides
    /// whether it is that shape; this only says where its body will start if it is.
    /// </summary>
    internal static int ScanApiShapeToDeltaBody(ReadOnlySpan<byte> firstBlock)
        => TryScanApiShapeCore(firstBlock, whole: false, typeEnd: -1, out ApiShapeDelta shape) ? shape.DeltaStart : -1;

    /// <summary>
    /// <see cref="ScanApiShapeToDeltaBody"/> for an event whose <c>type</c> is <paramref name="expectedType"/>, with every
    /// offset found (as <see cref="TryScanApiShapeOfType"/> compares the type first): the members before the body of a
    /// message in several blocks, all in its first one. <see cref="ApiShapeDelta.DeltaEnd"/> is the first block's end;
    /// the caller checks the message's end (<c>"}</c>) and its body, in the other blocks.
    /// </summary>
    internal static bool TryScanApiShapeHeadOfType(ReadOnlySpan<byte> firstBlock, ReadOnlySpan<byte> expectedType, out ApiShapeDelta shape)
    {
        int typeEnd = ApiShapeDelta.TypeStart + expectedType.Length;
        if (firstBlock.Length <= typeEnd || firstBlock[typeEnd] != (byte)'"' || !firstBlock.Slice(ApiShapeDelta.TypeStart).StartsWith(expectedType))
        {
            shape = default;
            return false;
        }

        return TryScanApiShapeCore(firstBlock, whole: false, typeEnd, out shape);
    }

    /// <param name="json">The message, or with <paramref name="whole"/> false its first block.</param>
    /// <param name="whole">A constant once inlined: whether <paramref name="json"/> is the whole message (its end checked).</param>
    /// <param name="typeEnd">Where the type's value ends when the caller has compared it (its closing quote), else -1
    /// (a constant once inlined): the type is then scanned as any other string.</param>
    /// <param name="shape">The offsets found.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryScanApiShapeCore(ReadOnlySpan<byte> json, bool whole, int typeEnd, out ApiShapeDelta shape)
    {
        shape = default;
        if (!Vector256.IsHardwareAccelerated || !json.StartsWith("{\"type\":\""u8) || (whole && !json.EndsWith("\"}"u8)))
        {
            return false;
        }

        int i = typeEnd;
        int eventIdEnd, responseIdEnd, itemIdEnd, outputIndexEnd, contentIndexEnd;
        if ((typeEnd < 0 && (i = typeEnd = SkipPrintableString(json, ApiShapeDelta.TypeStart)) < 0) || !TrySkip(json, ref i, "\",\"event_id\":\""u8)
            || (i = eventIdEnd = SkipPrintableString(json, i)) < 0 || !TrySkip(json, ref i, "\",\"response_id\":\""u8)
            || (i = responseIdEnd = SkipPrintableString(json, i)) < 0 || !TrySkip(json, ref i, "\",\"item_id\":\""u8)
            || (i = itemIdEnd = SkipPrintableString(json, i)) < 0 || !TrySkip(json, ref i, "\",\"output_index\":"u8)
            || (i = outputIndexEnd = SkipUnsignedInteger(json, i)) < 0 || !TrySkip(json, ref i, ",\"content_index\":"u8)
            || (i = contentIndexEnd = SkipUnsignedInteger(json, i)) < 0 || !TrySkip(json, ref i, ",\"delta\":\""u8)
            || (whole && i > json.Length - 2))
        {
            return false;
        }

        shape = new ApiShapeDelta(typeEnd, eventIdEnd, responseIdEnd, itemIdEnd, outputIndexEnd, contentIndexEnd, i, whole ? json.Length - 2 : json.Length);
        return true;
    }

    /// <summary>
    /// Where each value of an output audio delta in the API's exact shape lies (<see cref="TryScanApiShape"/>): each
    /// value's end, its start being the end of the one before plus the literal between them.
    /// </summary>
    internal readonly record struct ApiShapeDelta(int TypeEnd, int EventIdEnd, int ResponseIdEnd, int ItemIdEnd, int OutputIndexEnd, int ContentIndexEnd, int DeltaStart, int DeltaEnd)
    {
        /// <summary>Where the type's value starts: after <c>{"type":"</c>.</summary>
        public const int TypeStart = 9;

        /// <summary>The bytes of <c>type</c> (between its quotes).</summary>
        public Range Type => new(TypeStart, TypeEnd);

        /// <summary>The bytes of <c>event_id</c>.</summary>
        public Range EventId => new(TypeEnd + "\",\"event_id\":\"".Length, EventIdEnd);

        /// <summary>The bytes of <c>response_id</c>.</summary>
        public Range ResponseId => new(EventIdEnd + "\",\"response_id\":\"".Length, ResponseIdEnd);

        /// <summary>The bytes of <c>item_id</c>.</summary>
        public Range ItemId => new(ResponseIdEnd + "\",\"item_id\":\"".Length, ItemIdEnd);

        /// <summary>The digits of <c>output_index</c> (<c>0|[1-9][0-9]*</c>).</summary>
        public Range OutputIndex => new(ItemIdEnd + "\",\"output_index\":".Length, OutputIndexEnd);

        /// <summary>The digits of <c>content_index</c>.</summary>
        public Range ContentIndex => new(OutputIndexEnd + ",\"content_index\":".Length, ContentIndexEnd);

        /// <summary>The body of <c>delta</c> (between its quotes; not looked at by the scan).</summary>
        public Range Delta => new(DeltaStart, DeltaEnd);
    }

    /// <summary>
    /// The index of the first byte at or after <paramref name="i"/> that is a quote, a backslash or outside
    /// PlainFirst..PlainLast, found 32 bytes at a time; -1 when a 32-byte load would pass the end. The caller's next
    /// literal starts with the closing quote, so anything else stopping here fails that compare.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SkipPrintableString(ReadOnlySpan<byte> json, int i)
    {
        ref byte json0 = ref MemoryMarshal.GetReference(json);
        while (i <= json.Length - Vector256<byte>.Count)
        {
            Vector256<byte> block = Vector256.LoadUnsafe(ref json0, (nuint)i);

            // Signed, the bytes below PlainFirst and those above PlainLast (0x80 and up) are exactly those less than 0x20.
            uint stop = (Vector256.Equals(block, Vector256.Create((byte)'"')) | Vector256.Equals(block, Vector256.Create((byte)'\\'))
                | Vector256.LessThan(block.AsSByte(), Vector256.Create((sbyte)PlainFirst)).AsByte()).ExtractMostSignificantBits();
            if (stop != 0)
            {
                return i + BitOperations.TrailingZeroCount(stop);
            }

            i += Vector256<byte>.Count;
        }

        return -1;
    }

    /// <summary>Past <c>0|[1-9][0-9]*</c> at <paramref name="i"/>; -1 for anything else (a '-' included: the general scan reads it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SkipUnsignedInteger(ReadOnlySpan<byte> json, int i)
    {
        if ((uint)i >= (uint)json.Length || !char.IsAsciiDigit((char)json[i]))
        {
            return -1;
        }

        if (json[i++] != (byte)'0')
        {
            while ((uint)i < (uint)json.Length && char.IsAsciiDigit((char)json[i]))
            {
                i++;
            }
        }

        // What follows must be a delimiter: the caller's literal starts with ','.
        return i;
    }

    /// <summary>Moves <paramref name="i"/> past <paramref name="literal"/> when it stands there (a constant the JIT unrolls once this is inlined).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TrySkip(ReadOnlySpan<byte> json, ref int i, ReadOnlySpan<byte> literal)
    {
        if ((uint)i > (uint)json.Length || !json.Slice(i).StartsWith(literal))
        {
            return false;
        }

        i += literal.Length;
        return true;
    }

    /// <summary>
    /// The bytes the plain scan passes over: printable ASCII (0x20 to 0x7F). Outside strings that is every byte the
    /// grammar allows but tab, line feed and carriage return; inside strings every byte allowed unescaped (RFC 8259
    /// section 7 forbids raw control characters) except non-ASCII UTF-8, which the reader validates.
    /// </summary>
    private const byte PlainFirst = 0x20;

    private const byte PlainLast = 0x7F;

    /// <summary>The length of the string body at <paramref name="start"/> up to its closing quote; -1 at an escape or the end.</summary>
    private static int PlainStringLength(ReadOnlySpan<byte> json, int start)
    {
        // Inline, 16 bytes at a time: the API's ids and names are 4 to 40 bytes, too short for IndexOfAny's fixed
        // cost (measured at about half of the scan) to pay off. The bytes in between are checked with the rest of
        // the scanned range in one pass at the end (PlainFirst..PlainLast).
        ref byte json0 = ref MemoryMarshal.GetReference(json);
        int i = start;
        if (Vector128.IsHardwareAccelerated)
        {
            Vector128<byte> quote = Vector128.Create((byte)'"');
            Vector128<byte> backslash = Vector128.Create((byte)'\\');
            while (i <= json.Length - Vector128<byte>.Count)
            {
                Vector128<byte> block = Vector128.LoadUnsafe(ref json0, (nuint)i);
                uint found = (Vector128.Equals(block, quote) | Vector128.Equals(block, backslash)).ExtractMostSignificantBits();
                if (found != 0)
                {
                    i += BitOperations.TrailingZeroCount(found);
                    return json[i] == (byte)'"' ? i - start : -1;
                }

                i += Vector128<byte>.Count;
            }
        }

        for (; (uint)i < (uint)json.Length; i++)
        {
            if (json[i] is (byte)'"' or (byte)'\\')
            {
                return json[i] == (byte)'"' ? i - start : -1;
            }
        }

        return -1;
    }

    /// <summary>
    /// A validating scan of a top-level object up to the <c>:</c> after <paramref name="propertyName"/>, for the
    /// shape the API sends: before that property only names and values that are plain strings (printable ASCII, no
    /// escapes), integers, <c>true</c>, <c>false</c> or <c>null</c>. Returns the index just past the <c>:</c> (where
    /// <see cref="Utf8JsonReader.BytesConsumed"/> stands after reading the name), or -1 when the scan cannot vouch
    /// for the bytes so far (anything else: malformed, truncated, escaped, nested, a fraction, non-ASCII, whitespace
    /// other than spaces, the property missing), in which case the caller asks the reader, so both give the same
    /// answer. It never accepts what the reader rejects: every byte it passes over is checked against the JSON
    /// grammar (RFC 8259) as the reader would. The differential tests compare the two over mutated events.
    /// </summary>
    internal static int ScanToPlainTopLevelValue(ReadOnlySpan<byte> json, ReadOnlySpan<byte> propertyName)
    {
        if (propertyName.SequenceEqual("delta"u8))
        {
            int api = ScanApiShapeToDelta(json);
            if (api >= 0)
            {
                return api;
            }
        }

        int i = SkipWhiteSpace(json, 0);
        if ((uint)i >= (uint)json.Length || json[i] != (byte)'{')
        {
            return -1;
        }

        i++;
        while (true)
        {
            // A property name: '"' plain bytes '"', then ws ':'.
            i = SkipWhiteSpace(json, i);
            if ((uint)i >= (uint)json.Length || json[i] != (byte)'"')
            {
                return -1;
            }

            int nameStart = i + 1;
            int nameLength = PlainStringLength(json, nameStart);
            if (nameLength < 0)
            {
                return -1;
            }

            i = SkipWhiteSpace(json, nameStart + nameLength + 1);
            if ((uint)i >= (uint)json.Length || json[i] != (byte)':')
            {
                return -1;
            }

            i++;
            if (json.Slice(nameStart, nameLength).SequenceEqual(propertyName))
            {
                // Every byte passed over must be plain: this rejects control characters and non-ASCII in the strings
                // (and defers tab, line feed and carriage return between tokens, which are valid, to the reader).
                return json.Slice(0, i).ContainsAnyExceptInRange(PlainFirst, PlainLast) ? -1 : i;
            }

            // The value of another property.
            i = SkipWhiteSpace(json, i);
            if ((uint)i >= (uint)json.Length)
            {
                return -1;
            }

            switch (json[i])
            {
                case (byte)'"':
                    int valueLength = PlainStringLength(json, i + 1);
                    if (valueLength < 0)
                    {
                        return -1;
                    }

                    i += valueLength + 2;
                    break;
                case (byte)'t':
                    i = SkipLiteral(json, i, "true"u8);
                    break;
                case (byte)'f':
                    i = SkipLiteral(json, i, "false"u8);
                    break;
                case (byte)'n':
                    i = SkipLiteral(json, i, "null"u8);
                    break;
                default:
                    i = SkipInteger(json, i);
                    break;
            }

            if (i < 0)
            {
                return -1;
            }

            // After a value: ws ','. A '}' here means the property is missing; the reader says so.
            i = SkipWhiteSpace(json, i);
            if ((uint)i >= (uint)json.Length || json[i] != (byte)',')
            {
                return -1;
            }

            i++;
        }
    }

    /// <summary>
    /// <see cref="ScanToPlainTopLevelValue"/> for <c>delta</c> in the API's exact shape (<see cref="TryScanApiShape"/>):
    /// the index just past <c>"delta":</c>, or -1 (any other order, name, spacing, escape or byte: the general scan then
    /// decides), never a different answer than the general scan.
    /// </summary>
    internal static int ScanApiShapeToDelta(ReadOnlySpan<byte> json)
        => TryScanApiShape(json, out ApiShapeDelta shape) ? shape.DeltaStart - 1 : -1;

    /// <summary>
    /// The value of the top-level string <paramref name="propertyName"/> when the plain scan can vouch for it: the
    /// first such property, its value a plain string (then it is what the reader would return, unescaped as it is).
    /// False means only that the reader must be asked (the value may be escaped, not a string, or the JSON odd).
    /// </summary>
    private static bool TryScanPlainString(ReadOnlySpan<byte> json, ReadOnlySpan<byte> propertyName, out ReadOnlySpan<byte> value)
    {
        int start = ScanToPlainTopLevelValue(json, propertyName);
        if (start >= 0)
        {
            start = SkipWhiteSpace(json, start);
            if ((uint)start < (uint)json.Length && json[start] == (byte)'"')
            {
                int length = PlainStringLength(json, start + 1);
                if (length >= 0 && !json.Slice(start + 1, length).ContainsAnyExceptInRange(PlainFirst, PlainLast))
                {
                    value = json.Slice(start + 1, length);
                    return true;
                }
            }
        }

        value = default;
        return false;
    }

    private static int SkipWhiteSpace(ReadOnlySpan<byte> json, int i)
    {
        while ((uint)i < (uint)json.Length && IsJsonWhiteSpace(json[i]))
        {
            i++;
        }

        return i;
    }

    /// <summary>Past <paramref name="literal"/> when it stands at <paramref name="i"/> followed by a delimiter; else -1.</summary>
    private static int SkipLiteral(ReadOnlySpan<byte> json, int i, ReadOnlySpan<byte> literal)
    {
        if (!json.Slice(i).StartsWith(literal))
        {
            return -1;
        }

        i += literal.Length;
        return IsDelimiter(json, i) ? i : -1;
    }

    /// <summary>
    /// Past an integer (<c>-?(0|[1-9][0-9]*)</c>, RFC 8259 section 6) followed by a delimiter; else -1 (a fraction or
    /// exponent is left to the reader, as is a leading zero, which is invalid).
    /// </summary>
    private static int SkipInteger(ReadOnlySpan<byte> json, int i)
    {
        if ((uint)i < (uint)json.Length && json[i] == (byte)'-')
        {
            i++;
        }

        if ((uint)i >= (uint)json.Length || !char.IsAsciiDigit((char)json[i]))
        {
            return -1;
        }

        if (json[i] == (byte)'0')
        {
            i++;
        }
        else
        {
            while ((uint)i < (uint)json.Length && char.IsAsciiDigit((char)json[i]))
            {
                i++;
            }
        }

        return IsDelimiter(json, i) ? i : -1;
    }

    /// <summary>What may end a top-level value inside an object: whitespace, ',' or '}'.</summary>
    private static bool IsDelimiter(ReadOnlySpan<byte> json, int i)
        => (uint)i < (uint)json.Length && (json[i] is (byte)',' or (byte)'}' || IsJsonWhiteSpace(json[i]));

    private static bool IsJsonWhiteSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r';

    private static bool TryGetDecodedLength(ReadOnlySpan<byte> base64, out int length)
    {
        if (base64.Length % 4 != 0)
        {
            length = 0;
            return false;
        }

        int padding = base64.Length == 0 ? 0 : base64[^1] != '=' ? 0 : base64[^2] == '=' ? 2 : 1;
        length = (base64.Length / 4 * 3) - padding;
        return true;
    }

    /// <summary>
    /// After the <c>delta</c> value: reads the rest of the top-level object and checks that nothing follows it, so that a
    /// truncated or malformed message is <see cref="AudioDeltaStatus.InvalidJson"/> whatever the position of <c>delta</c>.
    /// </summary>
    private static bool IsRestOfObjectValid(ref Utf8JsonReader reader)
    {
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 0)
                {
                    return !reader.Read();
                }

                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    reader.Skip();
                }
            }

            return false;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static AudioDeltaStatus DecodeBase64(ReadOnlySpan<byte> base64, Span<byte> pcm, out int bytesWritten)
    {
        bytesWritten = 0;
        if (!TryGetDecodedLength(base64, out int needed))
        {
            return AudioDeltaStatus.InvalidBase64;
        }

        if (pcm.Length < needed)
        {
            bytesWritten = needed;
            return AudioDeltaStatus.DestinationTooSmall;
        }

        OperationStatus status = Base64.DecodeFromUtf8(base64, pcm, out _, out int written);
        if (status != OperationStatus.Done)
        {
            return AudioDeltaStatus.InvalidBase64;
        }

        bytesWritten = written;
        return AudioDeltaStatus.Done;
    }

    private static OperationStatus CopyString(ref Utf8JsonReader reader, ReadOnlySpan<byte> propertyName, Span<byte> destination, out int bytesWritten)
    {
        bytesWritten = 0;
        if (TryFindTopLevelString(ref reader, propertyName) != FindResult.Found)
        {
            return OperationStatus.InvalidData;
        }

        long rawLength = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (destination.Length < rawLength)
        {
            if (!reader.ValueIsEscaped)
            {
                bytesWritten = (int)rawLength;
                return OperationStatus.DestinationTooSmall;
            }

            // Escaped values shrink when unescaped; try, and report the raw length as sufficient on failure.
            try
            {
                bytesWritten = reader.CopyString(destination);
                return OperationStatus.Done;
            }
            catch (ArgumentException)
            {
                bytesWritten = (int)rawLength;
                return OperationStatus.DestinationTooSmall;
            }
        }

        bytesWritten = reader.CopyString(destination);
        return OperationStatus.Done;
    }

    private enum FindResult
    {
        Found,
        NotFound,
        InvalidJson,
    }

    /// <summary>
    /// The reader's answer to <see cref="ScanToPlainTopLevelValue"/>: the index just past the <c>:</c> after the top-level
    /// <paramref name="propertyName"/>, or -1 when the JSON up to there is malformed or the property is missing.
    /// </summary>
    internal static int ReadToTopLevelValue(ReadOnlySpan<byte> json, ReadOnlySpan<byte> propertyName)
    {
        var reader = new Utf8JsonReader(json);

        // Utf8JsonReader consumes the name's ':' (and validates it) with the name: BytesConsumed is past it.
        return TryFindTopLevelPropertyName(ref reader, propertyName) ? (int)reader.BytesConsumed : -1;
    }

    /// <summary>Positions <paramref name="reader"/> on the name of a top-level property (its value not yet read).</summary>
    private static bool TryFindTopLevelPropertyName(ref Utf8JsonReader reader, ReadOnlySpan<byte> propertyName)
    {
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals(propertyName))
                {
                    return true;
                }

                if (!reader.Read())
                {
                    return false;
                }

                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    reader.Skip();
                }
            }

            return false;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Positions <paramref name="reader"/> on the string value of a top-level property.</summary>
    private static FindResult TryFindTopLevelString(ref Utf8JsonReader reader, ReadOnlySpan<byte> propertyName)
    {
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return FindResult.InvalidJson;
            }

            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    return FindResult.NotFound;
                }

                bool match = reader.ValueTextEquals(propertyName);
                if (!reader.Read())
                {
                    return FindResult.InvalidJson;
                }

                if (match && reader.TokenType == JsonTokenType.String)
                {
                    return FindResult.Found;
                }

                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    reader.Skip();
                }
            }

            return FindResult.InvalidJson;
        }
        catch (JsonException)
        {
            return FindResult.InvalidJson;
        }
    }
}
