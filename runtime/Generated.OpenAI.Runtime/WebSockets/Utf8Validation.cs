using System;
using System.Buffers;
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
