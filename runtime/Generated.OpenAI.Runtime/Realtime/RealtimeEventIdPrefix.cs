using System;
using System.Text;

namespace Generated.OpenAI.Realtime;

/// <summary>
/// The prefix of a session's own <c>event_id</c>s (<c>evt_&lt;8 hex&gt;_</c>), as text and as UTF-8: what a
/// generated <see cref="RealtimeEventId"/> keeps instead of a string, beside its number.
/// </summary>
/// <remarks>
/// Made once per session. The prefix is ASCII, so its UTF-8 is its characters byte for byte: a generated id is the
/// prefix's bytes and the number's digits, formatted straight into a JSON writer's value.
/// </remarks>
internal sealed class RealtimeEventIdPrefix
{
    /// <summary>The longest prefix: with the 20 digits of the largest number, a generated id fits <see cref="RealtimeEventId.MaxGeneratedLength"/>.</summary>
    public const int MaxLength = RealtimeEventId.MaxGeneratedLength - RealtimeEventId.MaxDigits;

    /// <summary>The length of a session's prefix, <c>evt_&lt;8 hex&gt;_</c>: formatting copies a prefix of this length with a constant-length copy.</summary>
    public const int SessionLength = 13;

    public RealtimeEventIdPrefix(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxLength)
        {
            throw new ArgumentException($"An event id prefix has at most {MaxLength} characters.", nameof(text));
        }

        if (!Ascii.IsValid(text))
        {
            throw new ArgumentException("An event id prefix is ASCII.", nameof(text));
        }

        Text = text;
        Utf8 = Encoding.ASCII.GetBytes(text);
        if (!text.AsSpan().ContainsAnyExcept(s_neverEscaped))
        {
            QuotedUtf8 = new byte[Utf8.Length + 1];
            QuotedUtf8[0] = (byte)'"';
            Utf8.CopyTo(QuotedUtf8, 1);
        }
    }

    // Characters that no JSON writer with the default encoder escapes: with the digits of a number after them, an id of
    // only these is written as a JSON string by copying its bytes between quotes.
    private static readonly System.Buffers.SearchValues<char> s_neverEscaped =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.");

    /// <summary>The prefix as text.</summary>
    public string Text { get; }

    /// <summary>The prefix as UTF-8 (the same bytes as <see cref="Text"/>'s characters).</summary>
    public byte[] Utf8 { get; }

    /// <summary>
    /// A quote, then <see cref="Utf8"/>: the start of the id's JSON string, when no character of the prefix is ever
    /// escaped (a session's <c>evt_&lt;hex&gt;_</c> never is); <see langword="null"/> for a prefix that may be.
    /// </summary>
    public byte[]? QuotedUtf8 { get; }
}
