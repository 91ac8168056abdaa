using System;
using System.Buffers;
using System.Globalization;
using System.Numerics;

namespace Generated.OpenAI.Realtime;

/// <summary>
/// Formats the session's own <c>event_id</c>s (<c>evt_&lt;8 hex&gt;_&lt;n&gt;</c>). Outside the generic session type so
/// that its cached delegate is a plain static, not one looked up through the session's generic dictionary on each send.
/// </summary>
internal static class RealtimeEventIds
{
    /// <summary>
    /// The commit's type, interned: a generated model's Type is a literal, so comparing a sent event's type with it is
    /// mostly a reference comparison. Here rather than in the generic session, whose statics are looked up per access.
    /// </summary>
    public static readonly string CommitType = string.Intern(System.Text.Encoding.UTF8.GetString(Generated.OpenAI.Models.RealtimeClientEventInputAudioBufferCommit.TypeUtf8));

    /// <summary>The length of a session's id prefix, <c>evt_&lt;8 hex&gt;_</c>.</summary>
    public const int PrefixLength = 13;

    // The digits are written from the last, into the span Format sized with CountDigits: the number is a positive
    // counter, so this is all long.TryFormat would do, without its format and culture handling on every send.
    private static readonly SpanAction<char, (string Prefix, long Number)> s_format = static (chars, state) =>
    {
        if (state.Prefix.Length == PrefixLength)
        {
            // A copy of constant length, which the JIT unrolls into two vector moves (no call to Memmove on each send).
            state.Prefix.AsSpan(0, PrefixLength).CopyTo(chars);
        }
        else
        {
            state.Prefix.CopyTo(chars);
        }

        // Two digits per division: the chain of dependent divisions (a multiply and a shift each) is what a counter in
        // the millions spends its time on, so it is halved.
        ulong value = (ulong)state.Number;
        int i = chars.Length;
        while (value >= 100)
        {
            ulong quotient = value / 100;
            int pair = (int)(value - (quotient * 100)) * 2;
            chars[--i] = (char)DigitPairs[pair + 1];
            chars[--i] = (char)DigitPairs[pair];
            value = quotient;
        }

        if (value >= 10)
        {
            int pair = (int)value * 2;
            chars[--i] = (char)DigitPairs[pair + 1];
            chars[--i] = (char)DigitPairs[pair];
        }
        else
        {
            chars[--i] = (char)('0' + (int)value);
        }

        System.Diagnostics.Debug.Assert(i == state.Prefix.Length, "The length counted must be the length written.");
    };

    /// <summary>"00", "01", ... "99", one after the other: the two ASCII digits of n at 2n.</summary>
    private static ReadOnlySpan<byte> DigitPairs => "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"u8;

    /// <summary>10 to the power of the index, up to 10^19 (the largest that fits a <see cref="ulong"/>).</summary>
    private static readonly ulong[] PowersOf10 =
    [
        1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000, 10_000_000_000,
        100_000_000_000, 1_000_000_000_000, 10_000_000_000_000, 100_000_000_000_000, 1_000_000_000_000_000,
        10_000_000_000_000_000, 100_000_000_000_000_000, 1_000_000_000_000_000_000, 10_000_000_000_000_000_000,
    ];

    /// <summary>The id <paramref name="prefix"/> + the decimal digits of <paramref name="number"/>: one string, written once.</summary>
    public static string Format(string prefix, long number)
        => string.Create(prefix.Length + CountDigits((ulong)number), (prefix, number), s_format);

    /// <summary>How many decimal digits <paramref name="value"/> has (1 for 0).</summary>
    /// <remarks>
    /// Without a loop: the number of bits times log10(2) (1233 / 4096) is the digit count or one less, and one comparison
    /// with a power of ten tells which. <c>value | 1</c> has the digits of <paramref name="value"/> (a power of ten is even)
    /// and is never 0.
    /// </remarks>
    public static int CountDigits(ulong value)
    {
        value |= 1;
        int estimate = ((BitOperations.Log2(value) + 1) * 1233) >> 12;
        return estimate + (value >= PowersOf10[estimate] ? 1 : 0);
    }
}
