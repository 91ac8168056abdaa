using System;
using System.Buffers;
using System.Globalization;

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

    // The digits are written from the last, into the span Format sized with CountDigits: the number is a positive
    // counter, so this is all long.TryFormat would do, without its format and culture handling on every send.
    private static readonly SpanAction<char, (string Prefix, long Number)> s_format = static (chars, state) =>
    {
        state.Prefix.CopyTo(chars);
        ulong value = (ulong)state.Number;
        for (int i = chars.Length - 1; i >= state.Prefix.Length; i--)
        {
            ulong quotient = value / 10;
            chars[i] = (char)('0' + (int)(value - (quotient * 10)));
            value = quotient;
        }

        System.Diagnostics.Debug.Assert(value == 0, "The length counted must be the length written.");
    };

    /// <summary>The id <paramref name="prefix"/> + the decimal digits of <paramref name="number"/>: one string, written once.</summary>
    public static string Format(string prefix, long number)
        => string.Create(prefix.Length + CountDigits((ulong)number), (prefix, number), s_format);

    /// <summary>How many decimal digits <paramref name="value"/> has (1 for 0).</summary>
    public static int CountDigits(ulong value)
    {
        int digits = 1;
        while (value >= 10)
        {
            value /= 10;
            digits++;
        }

        return digits;
    }
}
