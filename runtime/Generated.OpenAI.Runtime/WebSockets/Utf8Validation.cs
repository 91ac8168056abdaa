using System;
using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using System.Text.Unicode;
using Generated.OpenAI.Intrinsics;

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
    /// The tail is walked from its end, four blocks of 64 bytes a step where Vector512 is accelerated (of 32 where
    /// Vector256 is), from a block-aligned address and with no branch per block, until a step holds such a byte, which
    /// is then found a block at a time: a JSON message's quotes come before its last value's body, so that is one step
    /// past the body. The tail is then ASCII (every byte from 0x80 is a stop), so only the blocks from the stop down are
    /// ASCII-checked (or'ed together as they are loaded, then their sign bits), and the last two bytes; only a message
    /// with a byte from 0x80 there is validated as UTF-8 as a whole, as <see cref="Utf8.IsValid(ReadOnlySpan{byte})"/>
    /// does. For the API's audio deltas that costs about as much as <see cref="Utf8.IsValid(ReadOnlySpan{byte})"/> alone.
    /// </remarks>
    public static bool IsValid(ReadOnlySpan<byte> text, out int unescapedTailStart)
    {
        if (Vector512.IsHardwareAccelerated && text.Length - 2 >= Vector512<byte>.Count)
        {
            return IsValid<SByteVector512, Vector512<sbyte>>(text, out unescapedTailStart);
        }

        if (Vector256.IsHardwareAccelerated && text.Length - 2 >= Vector256<byte>.Count)
        {
            return IsValid<SByteVector256, Vector256<sbyte>>(text, out unescapedTailStart);
        }

        unescapedTailStart = -1;
        return Utf8.IsValid(text);
    }

    /// <summary><see cref="IsValid(ReadOnlySpan{byte}, out int)"/> a vector of <typeparamref name="TVector"/> at a time, for a text of at least a vector's length and two bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe bool IsValid<TWidth, TVector>(ReadOnlySpan<byte> text, out int unescapedTailStart)
        where TWidth : struct, ISByteVector<TVector>
        where TVector : struct
    {
        int end = text.Length - 2;
        ref sbyte text0 = ref Unsafe.As<byte, sbyte>(ref MemoryMarshal.GetReference(text));
        TVector lowest = TWidth.Create((sbyte)'+');
        TVector backslash = TWidth.Create((sbyte)'\\');
        TVector zero = TWidth.Create(0);

        // The last block where it is; when it holds no stop, four blocks a step with no branch per block (the minimum of
        // the bytes, and of each byte XOR a backslash, as RealtimeAudioDeltaLayout.IsUnescapedBase64Range does) down from
        // the vector-aligned address below the end, until a step holds a stop: i is where the unseen bytes end. A load
        // that straddles two cache lines costs about twice one that does not (two unaligned blocks a step made the walk
        // of a second of audio 1.5x Utf8.IsValid), and the message starts anywhere in the receive buffer. The address is
        // only a hint: were the buffer moved by the GC meanwhile, the loads would merely be unaligned again (every offset
        // is relative to text0).
        int i = end;
        TVector last = TWidth.LoadUnsafe(ref text0, (nuint)(end - TWidth.Count));
        if (!TWidth.AnyBitSet(TWidth.LessThan(last, lowest), TWidth.EqualsPerByte(last, backslash)))
        {
            i = end - (int)(((nuint)Unsafe.AsPointer(ref text0) + (nuint)end) % (nuint)TWidth.Count);
            while (i >= 4 * TWidth.Count)
            {
                TVector a = TWidth.LoadUnsafe(ref text0, (nuint)(i - (4 * TWidth.Count)));
                TVector b = TWidth.LoadUnsafe(ref text0, (nuint)(i - (3 * TWidth.Count)));
                TVector c = TWidth.LoadUnsafe(ref text0, (nuint)(i - (2 * TWidth.Count)));
                TVector d = TWidth.LoadUnsafe(ref text0, (nuint)(i - TWidth.Count));
                TVector low = TWidth.Min(TWidth.Min(a, b), TWidth.Min(c, d));
                TVector notBackslash = TWidth.MinUnsigned(TWidth.MinUnsigned(TWidth.Xor(a, backslash), TWidth.Xor(b, backslash)), TWidth.MinUnsigned(TWidth.Xor(c, backslash), TWidth.Xor(d, backslash)));
                if (TWidth.AnyBitSet(TWidth.LessThan(low, lowest), TWidth.EqualsPerByte(notBackslash, zero)))
                {
                    break;
                }

                i -= 4 * TWidth.Count;
            }
        }

        // Then a block at a time, where the stop is found (a block at 0 may overlap the plain bytes after it), and the
        // bytes from there down or'ed together: their sign bits say whether they are ASCII (the bytes above are, as every
        // byte from 0x80 is a stop), so the text before the tail is not read again by Ascii.IsValid.
        unescapedTailStart = 0;
        TVector belowTail = zero;
        int j = i;
        while (j > 0)
        {
            j = Math.Max(j - TWidth.Count, 0);
            TVector block = TWidth.LoadUnsafe(ref text0, (nuint)j);
            ulong stops = TWidth.ExtractMostSignificantBits(TWidth.Or(TWidth.LessThan(block, lowest), TWidth.EqualsPerByte(block, backslash)));
            if (stops != 0)
            {
                // One past the highest stop (the bits above a 32-byte vector's are zero).
                unescapedTailStart = j + BitOperations.Log2(stops) + 1;
                belowTail = block;
                while (j > 0)
                {
                    j = Math.Max(j - TWidth.Count, 0);
                    belowTail = TWidth.Or(belowTail, TWidth.LoadUnsafe(ref text0, (nuint)j));
                }

                break;
            }
        }

        // The tail holds only bytes from '+' to 0x7F: ASCII throughout is UTF-8; anything else is validated as a whole.
        return (TWidth.GreaterThanOrEqualAll(belowTail, zero) && (sbyte)text[end] >= 0 && (sbyte)text[end + 1] >= 0) || Utf8.IsValid(text);
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
