using System;
using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using System.Text.Unicode;

namespace Generated.OpenAI.WebSockets;

/// <summary>UTF-8 validation of a possibly multi-segment payload without copying it.</summary>
internal static class Utf8Validation
{
    /// <summary>True when <paramref name="payload"/> is well-formed UTF-8 as a whole (a code point may span segments).</summary>
    public static bool IsValid(in ReadOnlySequence<byte> payload)
    {
        if (payload.IsSingleSegment)
        {
            return Utf8.IsValid(payload.FirstSpan);
        }

        Span<byte> carry = stackalloc byte[4];
        int carryLength = 0;
        foreach (ReadOnlyMemory<byte> memory in payload)
        {
            ReadOnlySpan<byte> span = memory.Span;
            while (carryLength > 0 && !span.IsEmpty)
            {
                // Complete the code point that straddled the previous segment boundary.
                carry[carryLength++] = span[0];
                span = span.Slice(1);
                OperationStatus status = Rune.DecodeFromUtf8(carry.Slice(0, carryLength), out _, out int consumed);
                if (status == OperationStatus.Done)
                {
                    if (consumed != carryLength)
                    {
                        return false;
                    }

                    carryLength = 0;
                }
                else if (status != OperationStatus.NeedMoreData || carryLength == 4)
                {
                    return false;
                }
            }

            if (span.IsEmpty)
            {
                continue;
            }

            int tail = IncompleteTailLength(span);
            if (!Utf8.IsValid(span.Slice(0, span.Length - tail)))
            {
                return false;
            }

            span.Slice(span.Length - tail).CopyTo(carry);
            carryLength = tail;
        }

        return carryLength == 0;
    }

    /// <summary>
    /// <see cref="Utf8.IsValid(ReadOnlySpan{byte})"/> for a text message in one block, and in the same pass
    /// <paramref name="unescapedTailStart"/>: where the run of bytes before the message's last two ends that holds
    /// only bytes from <c>+</c> to 0x7F other than a backslash (the bytes a JSON string holds raw and as themselves,
    /// and all base64 is made of) starts, that is one past the last byte before the last two that is below <c>+</c>,
    /// from 0x80, or a backslash; -1 when not found (too short, or no Vector256). A reader of a message that ends with
    /// a string and <c>}</c> whose body starts there need not look at the body again (an audio delta's body is most of
    /// the message: see <c>RealtimeAudioDeltaLayout.TryRead</c>'s <c>checkedBodyStart</c>).
    /// </summary>
    /// <remarks>
    /// The tail is walked from its end, two blocks of 64 bytes a step where Vector512 is accelerated (of 32 where Vector256
    /// is), with no branch per block, until a pair holds such a byte, which is then found a block at a time: a JSON
    /// message's quotes come before its last value's body, so that is one step past the body. The tail is then ASCII
    /// (every byte from 0x80 is a stop), so only the bytes before it and the last two are ASCII-checked by the
    /// runtime's vector code, and only a message with a byte from 0x80 there is validated as UTF-8 as a whole, as
    /// <see cref="Utf8.IsValid(ReadOnlySpan{byte})"/> does.
    /// </remarks>
    public static bool IsValid(ReadOnlySpan<byte> text, out int unescapedTailStart)
    {
        unescapedTailStart = -1;
        int end = text.Length - 2;
        if (Vector512.IsHardwareAccelerated && end >= Vector512<byte>.Count)
        {
            ref sbyte text0 = ref Unsafe.As<byte, sbyte>(ref MemoryMarshal.GetReference(text));
            Vector512<sbyte> lowest = Vector512.Create((sbyte)'+');
            Vector512<sbyte> backslash = Vector512.Create((sbyte)'\\');

            // Two blocks a step with no branch per block (the minimum of the bytes, and of each byte XOR a backslash, as
            // RealtimeAudioDeltaLayout.IsUnescapedBase64Range does) until a pair holds a stop: i is where the unseen bytes end.
            int i = end;
            while (i >= 2 * Vector512<byte>.Count)
            {
                Vector512<sbyte> a = Vector512.LoadUnsafe(ref text0, (nuint)(i - (2 * Vector512<byte>.Count)));
                Vector512<sbyte> b = Vector512.LoadUnsafe(ref text0, (nuint)(i - Vector512<byte>.Count));
                Vector512<byte> stop = Vector512.LessThan(Vector512.Min(a, b), lowest).AsByte() | Vector512.Equals(Vector512.Min((a ^ backslash).AsByte(), (b ^ backslash).AsByte()), Vector512<byte>.Zero);
                if (stop != Vector512<byte>.Zero)
                {
                    break;
                }

                i -= 2 * Vector512<byte>.Count;
            }

            // Then a block at a time, where the stop is found (a block at 0 may overlap the plain bytes after it).
            int j = i;
            while (j > 0)
            {
                j = Math.Max(j - Vector512<byte>.Count, 0);
                Vector512<sbyte> block = Vector512.LoadUnsafe(ref text0, (nuint)j);
                ulong stops = (Vector512.LessThan(block, lowest) | Vector512.Equals(block, backslash)).ExtractMostSignificantBits();
                if (stops != 0)
                {
                    unescapedTailStart = j + Vector512<byte>.Count - BitOperations.LeadingZeroCount(stops);
                    break;
                }
            }

            if (j == 0 && unescapedTailStart < 0)
            {
                unescapedTailStart = 0;
            }

            // The tail holds only bytes from '+' to 0x7F: ASCII throughout is UTF-8; anything else is validated as a whole.
            return (Ascii.IsValid(text.Slice(0, unescapedTailStart)) && (sbyte)text[end] >= 0 && (sbyte)text[end + 1] >= 0) || Utf8.IsValid(text);
        }

        if (Vector256.IsHardwareAccelerated && end >= Vector256<byte>.Count)
        {
            ref sbyte text0 = ref Unsafe.As<byte, sbyte>(ref MemoryMarshal.GetReference(text));
            Vector256<sbyte> lowest = Vector256.Create((sbyte)'+');
            Vector256<sbyte> backslash = Vector256.Create((sbyte)'\\');

            // Two blocks a step with no branch per block (the minimum of the bytes, and of each byte XOR a backslash, as
            // RealtimeAudioDeltaLayout.IsUnescapedBase64Range does) until a pair holds a stop: i is where the unseen bytes end.
            int i = end;
            while (i >= 2 * Vector256<byte>.Count)
            {
                Vector256<sbyte> a = Vector256.LoadUnsafe(ref text0, (nuint)(i - (2 * Vector256<byte>.Count)));
                Vector256<sbyte> b = Vector256.LoadUnsafe(ref text0, (nuint)(i - Vector256<byte>.Count));
                Vector256<byte> stop = Vector256.LessThan(Vector256.Min(a, b), lowest).AsByte() | Vector256.Equals(Vector256.Min((a ^ backslash).AsByte(), (b ^ backslash).AsByte()), Vector256<byte>.Zero);
                if (stop != Vector256<byte>.Zero)
                {
                    break;
                }

                i -= 2 * Vector256<byte>.Count;
            }

            // Then a block at a time, where the stop is found (a block at 0 may overlap the plain bytes after it).
            int j = i;
            while (j > 0)
            {
                j = Math.Max(j - Vector256<byte>.Count, 0);
                Vector256<sbyte> block = Vector256.LoadUnsafe(ref text0, (nuint)j);
                uint stops = (Vector256.LessThan(block, lowest) | Vector256.Equals(block, backslash)).ExtractMostSignificantBits();
                if (stops != 0)
                {
                    unescapedTailStart = j + Vector256<byte>.Count - BitOperations.LeadingZeroCount(stops);
                    break;
                }
            }

            if (j == 0 && unescapedTailStart < 0)
            {
                unescapedTailStart = 0;
            }

            // The tail holds only bytes from '+' to 0x7F: ASCII throughout is UTF-8; anything else is validated as a whole.
            return (Ascii.IsValid(text.Slice(0, unescapedTailStart)) && (sbyte)text[end] >= 0 && (sbyte)text[end + 1] >= 0) || Utf8.IsValid(text);
        }

        return Utf8.IsValid(text);
    }

    /// <summary>How many trailing bytes form the start of a multi-byte sequence that the span does not finish.</summary>
    private static int IncompleteTailLength(ReadOnlySpan<byte> span)
    {
        for (int back = 1; back <= 3 && back <= span.Length; back++)
        {
            byte b = span[span.Length - back];
            if ((b & 0xC0) == 0x80)
            {
                continue; // continuation byte: keep looking for the lead byte
            }

            int needed = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return needed > back ? back : 0;
        }

        return 0;
    }
}
