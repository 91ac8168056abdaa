using System;
using System.Buffers.Text;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
/// <see cref="RealtimeAudioDeltaReader.ScanApiShapeToDelta"/> (the audio fast path's literal scan, differentially
/// tested against the reader), and the <c>delta</c> body in one pass (<see cref="IsUnescapedBase64Range"/>) that
/// lets through only bytes a JSON string holds raw and as themselves. Anything else is false, and the caller reads
/// the message with the reader, which gives the typed error or the Unknown case.
/// </remarks>
internal readonly struct RealtimeAudioDeltaLayout
{
    private static ReadOnlySpan<byte> TypePrefix => "{\"type\":\""u8;

    private static ReadOnlySpan<byte> EventIdSeparator => "\",\"event_id\":\""u8;

    private static ReadOnlySpan<byte> ResponseIdSeparator => "\",\"response_id\":\""u8;

    private static ReadOnlySpan<byte> ItemIdSeparator => "\",\"item_id\":\""u8;

    private static ReadOnlySpan<byte> OutputIndexSeparator => "\",\"output_index\":"u8;

    private static ReadOnlySpan<byte> ContentIndexSeparator => ",\"content_index\":"u8;

    private static ReadOnlySpan<byte> DeltaSeparator => ",\"delta\":"u8;

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
    public static bool TryRead(ReadOnlySpan<byte> json, ReadOnlySpan<byte> expectedType, out RealtimeAudioDeltaLayout layout)
    {
        layout = default;

        // The type first, so that other events (a transcript delta has the same members) are turned away early.
        int i = TypePrefix.Length;
        if (!json.StartsWith(TypePrefix) || !json.Slice(i).StartsWith(expectedType) || !json.Slice(i + expectedType.Length).StartsWith(EventIdSeparator))
        {
            return false;
        }

        // The message must end with the delta's closing quote and the object's brace: "delta" is last, nothing follows.
        int deltaStart = RealtimeAudioDeltaReader.ScanApiShapeToDelta(json) + 1;
        int deltaEnd = json.Length - 2;
        if (deltaStart <= 0 || deltaStart > deltaEnd || json[deltaStart - 1] != (byte)'"' || json[deltaEnd] != (byte)'"' || json[deltaEnd + 1] != (byte)'}'
            || !IsUnescapedBase64Range(json.Slice(deltaStart, deltaEnd - deltaStart)))
        {
            return false;
        }

        // The scan validated every byte up to "delta": (plain printable strings, integers, the literals in this
        // order), so each string ends at its first quote and each integer at its separator.
        i += expectedType.Length + EventIdSeparator.Length;
        Range eventId = NextString(json, ref i, ResponseIdSeparator);
        Range responseId = NextString(json, ref i, ItemIdSeparator);
        Range itemId = NextString(json, ref i, OutputIndexSeparator);
        if (!TryNextInteger(json, ref i, ContentIndexSeparator, out long outputIndex)
            || !TryNextInteger(json, ref i, DeltaSeparator, out long contentIndex)
            || i != deltaStart - 1)
        {
            // An integer outside long's range (the reader's ReadInt64 decides what that is).
            return false;
        }

        layout = new RealtimeAudioDeltaLayout
        {
            EventId = eventId,
            ResponseId = responseId,
            ItemId = itemId,
            OutputIndex = outputIndex,
            ContentIndex = contentIndex,
            Delta = new Range(deltaStart, deltaEnd),
        };
        return true;
    }

    private static Range NextString(ReadOnlySpan<byte> json, ref int i, ReadOnlySpan<byte> separator)
    {
        int start = i;
        int end = start + json.Slice(start).IndexOf((byte)'"');
        i = end + separator.Length;
        return new Range(start, end);
    }

    private static bool TryNextInteger(ReadOnlySpan<byte> json, ref int i, ReadOnlySpan<byte> separator, out long value)
    {
        // The API's indexes are single digits (a separator follows the validated integer, so i + 1 is in range).
        if (json[i + 1] == separator[0] && char.IsAsciiDigit((char)json[i]))
        {
            value = json[i] - '0';
            i += 1 + separator.Length;
            return true;
        }

        if (!Utf8Parser.TryParse(json.Slice(i), out value, out int consumed))
        {
            return false;
        }

        i += consumed + separator.Length;
        return true;
    }

    /// <summary>
    /// Whether every byte of a string body lies between <c>+</c> and <c>z</c> (the range of the base64 alphabet) and
    /// none is a backslash. Such a body holds no escape, no quote and no control character (RFC 8259 section 7), so
    /// its raw bytes are the string's value, as the reader would read it; base64 has nothing outside that range, so
    /// only a delta that is not base64 anyway is turned away. One pass with no branch per block: the unsigned minimum
    /// and maximum of the bytes, and the minimum of each byte XOR a backslash (zero for a backslash), 64 bytes at a
    /// time where Vector256 is accelerated. The body is 64 KiB for a second of audio, and this is the only pass over it
    /// before the app decodes it.
    /// </summary>
    internal static bool IsUnescapedBase64Range(ReadOnlySpan<byte> body)
    {
        const byte Lowest = (byte)'+';
        const byte Highest = (byte)'z';
        int i = 0;
        if (Vector256.IsHardwareAccelerated && body.Length >= 2 * Vector256<byte>.Count)
        {
            ref byte body0 = ref MemoryMarshal.GetReference(body);
            Vector256<byte> backslash = Vector256.Create((byte)'\\');
            Vector256<byte> low = Vector256<byte>.AllBitsSet;
            Vector256<byte> high = Vector256<byte>.Zero;
            Vector256<byte> notBackslash = Vector256<byte>.AllBitsSet;
            int last = body.Length - (2 * Vector256<byte>.Count);
            while (true)
            {
                // The last pair of blocks ends at the body's end (it may overlap the pair before).
                i = Math.Min(i, last);
                Vector256<byte> a = Vector256.LoadUnsafe(ref body0, (nuint)i);
                Vector256<byte> b = Vector256.LoadUnsafe(ref body0, (nuint)(i + Vector256<byte>.Count));
                low = Vector256.Min(low, Vector256.Min(a, b));
                high = Vector256.Max(high, Vector256.Max(a, b));
                notBackslash = Vector256.Min(notBackslash, Vector256.Min(a ^ backslash, b ^ backslash));
                if (i == last)
                {
                    break;
                }

                i += 2 * Vector256<byte>.Count;
            }

            return Vector256.GreaterThanOrEqualAll(low, Vector256.Create(Lowest))
                && Vector256.LessThanOrEqualAll(high, Vector256.Create(Highest))
                && !Vector256.EqualsAny(notBackslash, Vector256<byte>.Zero);
        }

        for (; i < body.Length; i++)
        {
            if (body[i] is < Lowest or > Highest or (byte)'\\')
            {
                return false;
            }
        }

        return true;
    }
}
