using System;
using System.Buffers;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Generated.OpenAI.Realtime;

/// <summary>
/// A realtime event's <c>event_id</c>, kept without a string until someone reads it as one: an id given as a string,
/// a session's own id (its prefix and a number, formatted only when written or read), or the UTF-8 of an id in a
/// received message, borrowed. Compared, hashed, converted and written exactly as the string it stands for.
/// </summary>
/// <remarks>
/// <para>Every generated realtime event model keeps its <c>event_id</c> in one. Its <c>EventId</c> property reads it
/// as a string, made once (a session's or a borrowed id is then replaced by that string) and sets it from one;
/// <see cref="IRealtimeEvent.EventIdValue"/> reads and sets it as it is. A session gives its typed client events
/// their ids this way, so that a typed send makes no string, and its send methods return the id as one of these,
/// which converts to the string (<c>string id = await session.SendAsync(clientEvent)</c>).</para>
/// <para><b>Who owns the bytes.</b> An id given as a string, and a session's own id, hold nothing borrowed: they are
/// valid for ever. A borrowed id (the <c>event_id</c> of a lent audio delta, by default or under the
/// session option <c>ZeroCopyAudioDeltas</c>) points into the received message, which the session owns: it is valid
/// exactly as long as the lent event that carries it, that is until the app's next read. A copied audio delta's id
/// (<c>CopyAudioDeltas</c>) is borrowed from the array that event owns (its base64, then the id), which nothing writes
/// again: valid for as long as the event, as a string. Read the event's <c>EventId</c> (or
/// <see cref="ToString"/>) before then to keep the id: that copies it into a string, and a model read so keeps the
/// string, not the bytes.</para>
/// <para><c>default</c> is no id (<see cref="HasValue"/> is false); it equals only itself and converts to the empty
/// string. Not thread-safe beyond what its holder is: <see cref="Materialize"/> writes the holder's field.</para>
/// </remarks>
public readonly struct RealtimeEventId : IEquatable<RealtimeEventId>
{
    /// <summary>The most decimal digits a session's number has (<see cref="long.MaxValue"/> has 19; 20 for any <see cref="ulong"/>).</summary>
    internal const int MaxDigits = 20;

    /// <summary>The longest id a session makes: its prefix (<see cref="RealtimeEventIdPrefix.MaxLength"/>) and the digits.</summary>
    internal const int MaxGeneratedLength = 64;

    // What _value is says what the id is, and what _data holds:
    //   null                   no id (_data is 0)
    //   string                 the id (_data unused: 0, or what the id had before it was materialized)
    //   RealtimeEventIdPrefix  a session's own id: the prefix, then the decimal digits of _data (never negative)
    //   byte[]                 a borrowed id: its UTF-8 in the array, at the offset in _data's high 32 bits, of the
    //                          length in its low 32 bits
    //   MemoryManager<byte>    a borrowed id in the manager's memory, _data as for an array
    // Two fields, as ReadOnlyMemory<T> has: a model that keeps one grows by 8 bytes over a string reference.
    private readonly object? _value;
    private readonly long _data;

    /// <summary>An id given as a string; <see langword="null"/> is no id.</summary>
    public RealtimeEventId(string? value)
    {
        _value = value;
        _data = 0;
    }

    private RealtimeEventId(object value, long data)
    {
        _value = value;
        _data = data;
    }

    /// <summary>Whether there is an id (false for <c>default</c> and for an id made from <see langword="null"/>).</summary>
    public bool HasValue => _value is not null;

    /// <summary>
    /// A session's own id: <paramref name="prefix"/> then the decimal digits of <paramref name="number"/>, formatted when
    /// it is written or read. Holds no string.
    /// </summary>
    internal static RealtimeEventId Generated(RealtimeEventIdPrefix prefix, long number)
    {
        Debug.Assert(number >= 0, "A session numbers its ids from 1.");
        return new RealtimeEventId(prefix, number);
    }

    /// <summary>
    /// An id whose value is <paramref name="utf8"/>, borrowed: valid while the caller keeps those bytes as they are
    /// (for a lent event, until the app's next read). The caller has checked that they are the id itself: valid UTF-8
    /// with no JSON escape left in them.
    /// </summary>
    internal static RealtimeEventId Borrow(ReadOnlyMemory<byte> utf8)
    {
        Debug.Assert(System.Text.Unicode.Utf8.IsValid(utf8.Span), "A borrowed id is valid UTF-8.");
        if (utf8.IsEmpty)
        {
            return new RealtimeEventId(string.Empty);
        }

        if (MemoryMarshal.TryGetArray(utf8, out ArraySegment<byte> segment))
        {
            return new RealtimeEventId(segment.Array!, Pack(segment.Offset, segment.Count));
        }

        if (MemoryMarshal.TryGetMemoryManager(utf8, out MemoryManager<byte>? manager, out int start, out int length))
        {
            return new RealtimeEventId(manager, Pack(start, length));
        }

        return new RealtimeEventId(Encoding.UTF8.GetString(utf8.Span)); // memory of no other kind exists today: copied
    }

    /// <summary>Whether this is an id a session with <paramref name="prefix"/> made: one of its own, or a string that starts with the prefix.</summary>
    internal bool StartsWith(RealtimeEventIdPrefix prefix)
    {
        if (_value is null)
        {
            return false;
        }

        if (ReferenceEquals(_value, prefix))
        {
            return true; // the session's own
        }

        Span<char> buffer = stackalloc char[MaxGeneratedLength];
        return AsChars(buffer).StartsWith(prefix.Text, StringComparison.Ordinal);
    }

    /// <summary>
    /// The id as a string, made at most once: a session's or a borrowed <paramref name="id"/> is replaced by that
    /// string, so that the next read makes none and the id no longer depends on borrowed bytes. <see langword="null"/>
    /// when there is no id. What a generated model's <c>EventId</c> getter calls on its field.
    /// </summary>
    public static string? Materialize(ref RealtimeEventId id)
    {
        object? value = id._value;
        if (value is null or string)
        {
            return (string?)value;
        }

        // Only _value changes (_data is written back as it was): a thread that reads the holder's field meanwhile sees
        // the old id or the string, never a torn pair (the old kind with another _data: a session's id numbered 0).
        string text = id.ToString();
        id = new RealtimeEventId(text, id._data);
        return text;
    }

    /// <summary>The id as a new string (the string itself for an id given as one); the empty string when there is none.</summary>
    public override string ToString() => _value switch
    {
        null => string.Empty,
        string text => text,
        RealtimeEventIdPrefix prefix => string.Create(prefix.Text.Length + CountDigits((ulong)_data), (prefix, _data), s_formatGenerated),
        _ => Encoding.UTF8.GetString(BorrowedUtf8),
    };

    /// <summary>The id as a string (<see cref="ToString"/>): the send methods returned one before they returned this.</summary>
    public static implicit operator string(RealtimeEventId id) => id.ToString();

    /// <summary>
    /// Writes the id as the string property <paramref name="propertyName"/>: the same bytes as
    /// <c>writer.WriteString(propertyName, ToString())</c> without making the string (a JSON <c>null</c> when there is no id).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteTo(Utf8JsonWriter writer, JsonEncodedText propertyName)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (_value is string text)
        {
            // An id read from JSON or set by the app: small enough to inline into a model's WriteJson, which then does
            // what it did when the property was a string.
            writer.WriteString(propertyName, text);
        }
        else
        {
            WriteOtherTo(writer, propertyName);
        }
    }

    /// <summary><see cref="WriteTo"/> for every kind but a string.</summary>
    /// <remarks>The stack buffers are not zeroed: only what is formatted into them is read.</remarks>
    [SkipLocalsInit]
    private void WriteOtherTo(Utf8JsonWriter writer, JsonEncodedText propertyName)
    {
        switch (_value)
        {
            case RealtimeEventIdPrefix { QuotedUtf8: { } quoted } when writer.Options.Encoder is null:
                // The id is the prefix's characters and digits, none of which the default encoder escapes: its JSON
                // string is those bytes between quotes, written raw after the name. The same bytes as WriteString,
                // without the UTF-8 validation and escape scan that WriteString makes of every value (in a profile of a
                // typed send, an eighth of its time was this write).
                Span<byte> json = stackalloc byte[MaxGeneratedLength + 2];
                int length = FormatGenerated(quoted, _data, json);
                json[length++] = (byte)'"';
                writer.WritePropertyName(propertyName);
                writer.WriteRawValue(json[..length], skipInputValidation: true);
                break;
            case RealtimeEventIdPrefix prefix:
                Span<byte> utf8 = stackalloc byte[MaxGeneratedLength];
                writer.WriteString(propertyName, utf8[..FormatGenerated(prefix.Utf8, _data, utf8)]);
                break;
            case null:
                writer.WriteNull(propertyName);
                break;
            default:
                writer.WriteString(propertyName, BorrowedUtf8);
                break;
        }
    }

    /// <summary>Whether both are the same id (ordinal, as strings), however each is kept; no id equals only no id.</summary>
    public bool Equals(RealtimeEventId other)
    {
        if (_value is string left && other._value is string right)
        {
            return string.Equals(left, right);
        }

        if (_value is null || other._value is null)
        {
            return _value is null && other._value is null;
        }

        if (ReferenceEquals(_value, other._value) && _value is RealtimeEventIdPrefix)
        {
            return _data == other._data; // two ids of one session
        }

        Span<char> leftBuffer = stackalloc char[MaxGeneratedLength];
        Span<char> rightBuffer = stackalloc char[MaxGeneratedLength];
        return AsChars(leftBuffer).SequenceEqual(other.AsChars(rightBuffer));
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is RealtimeEventId other && Equals(other);

    /// <summary>The hash code of the id's string (<see cref="string.GetHashCode()"/>), however it is kept; 0 for no id.</summary>
    public override int GetHashCode()
    {
        if (_value is null)
        {
            return 0;
        }

        Span<char> buffer = stackalloc char[MaxGeneratedLength];
        return string.GetHashCode(AsChars(buffer));
    }

    /// <summary>Whether <paramref name="left"/> and <paramref name="right"/> are the same id (<see cref="Equals(RealtimeEventId)"/>).</summary>
    public static bool operator ==(RealtimeEventId left, RealtimeEventId right) => left.Equals(right);

    /// <summary>Whether <paramref name="left"/> and <paramref name="right"/> are different ids.</summary>
    public static bool operator !=(RealtimeEventId left, RealtimeEventId right) => !left.Equals(right);

    /// <summary>The UTF-8 of a borrowed id (empty for the other kinds).</summary>
    private ReadOnlySpan<byte> BorrowedUtf8 => _value switch
    {
        byte[] array => new ReadOnlySpan<byte>(array, (int)(_data >> 32), (int)_data),
        MemoryManager<byte> manager => manager.GetSpan().Slice((int)(_data >> 32), (int)_data),
        _ => default,
    };

    private static long Pack(int offset, int length) => ((long)offset << 32) | (uint)length;

    /// <summary>The id's characters: the string's own, or formatted into <paramref name="buffer"/> (a borrowed id too long for it: a new string). Never called for no id.</summary>
    private ReadOnlySpan<char> AsChars(Span<char> buffer)
    {
        switch (_value)
        {
            case string text:
                return text;
            case RealtimeEventIdPrefix prefix:
                return buffer[..FormatGenerated(prefix, _data, buffer)];
            default:
                ReadOnlySpan<byte> utf8 = BorrowedUtf8;
                return utf8.Length <= buffer.Length ? buffer[..Encoding.UTF8.GetChars(utf8, buffer)] : ToString();
        }
    }

    // ---- a session's ids: the prefix, then the digits -----------------------------------------------------------

    private static readonly SpanAction<char, (RealtimeEventIdPrefix Prefix, long Number)> s_formatGenerated =
        static (chars, state) => FormatGenerated(state.Prefix, state.Number, chars);

    /// <summary>The id of <paramref name="prefix"/> and <paramref name="number"/> into <paramref name="destination"/> (long enough); returns its length.</summary>
    private static int FormatGenerated(RealtimeEventIdPrefix prefix, long number, Span<char> destination)
    {
        string text = prefix.Text;
        if (text.Length == RealtimeEventIdPrefix.SessionLength)
        {
            // A copy of constant length, which the JIT unrolls into two vector moves (no call to Memmove on each id).
            text.AsSpan(0, RealtimeEventIdPrefix.SessionLength).CopyTo(destination);
        }
        else
        {
            text.CopyTo(destination);
        }

        int length = text.Length + CountDigits((ulong)number);
        WriteDigits(destination[text.Length..length], (ulong)number);
        return length;
    }

    /// <summary>The id as UTF-8 (the prefix is ASCII, so its bytes are its characters); returns its length.</summary>
    /// <remarks><paramref name="utf8"/> is the prefix's UTF-8, or its quoted start (<see cref="RealtimeEventIdPrefix.QuotedUtf8"/>), one byte longer.</remarks>
    private static int FormatGenerated(byte[] utf8, long number, Span<byte> destination)
    {
        if (utf8.Length == RealtimeEventIdPrefix.SessionLength)
        {
            utf8.AsSpan(0, RealtimeEventIdPrefix.SessionLength).CopyTo(destination);
        }
        else if (utf8.Length == RealtimeEventIdPrefix.SessionLength + 1)
        {
            utf8.AsSpan(0, RealtimeEventIdPrefix.SessionLength + 1).CopyTo(destination);
        }
        else
        {
            utf8.CopyTo(destination);
        }

        int length = utf8.Length + CountDigits((ulong)number);
        WriteDigits(destination[utf8.Length..length], (ulong)number);
        return length;
    }

    /// <summary>
    /// The decimal digits of <paramref name="value"/>, filling <paramref name="digits"/> (exactly their count) from the
    /// last: all that <c>ulong.TryFormat</c> does for a counter, without its format and culture handling on every send.
    /// Two digits per division: the chain of dependent divisions (a multiply and a shift each) is what a counter in the
    /// millions spends its time on, so it is halved.
    /// </summary>
    private static void WriteDigits<TChar>(Span<TChar> digits, ulong value)
        where TChar : unmanaged, IBinaryInteger<TChar>
    {
        ReadOnlySpan<byte> pairs = DigitPairs;
        int i = digits.Length;
        while (value >= 100)
        {
            ulong quotient = value / 100;
            int pair = (int)(value - (quotient * 100)) * 2;
            digits[--i] = TChar.CreateTruncating(pairs[pair + 1]);
            digits[--i] = TChar.CreateTruncating(pairs[pair]);
            value = quotient;
        }

        if (value >= 10)
        {
            int pair = (int)value * 2;
            digits[--i] = TChar.CreateTruncating(pairs[pair + 1]);
            digits[--i] = TChar.CreateTruncating(pairs[pair]);
        }
        else
        {
            digits[--i] = TChar.CreateTruncating((byte)('0' + (int)value));
        }

        Debug.Assert(i == 0, "The digits counted must be the digits written.");
    }

    /// <summary>"00", "01", ... "99", one after the other: the two ASCII digits of n at 2n.</summary>
    private static ReadOnlySpan<byte> DigitPairs => "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"u8;

    /// <summary>10 to the power of the index, up to 10^19 (the largest that fits a <see cref="ulong"/>).</summary>
    /// <remarks>An array, not a <c>ReadOnlySpan&lt;ulong&gt;</c> collection expression: in a Debug build that allocated on every call.</remarks>
    private static readonly ulong[] s_powersOf10 =
    [
        1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000, 10_000_000_000,
        100_000_000_000, 1_000_000_000_000, 10_000_000_000_000, 100_000_000_000_000, 1_000_000_000_000_000,
        10_000_000_000_000_000, 100_000_000_000_000_000, 1_000_000_000_000_000_000, 10_000_000_000_000_000_000,
    ];

    /// <summary>How many decimal digits <paramref name="value"/> has (1 for 0).</summary>
    /// <remarks>
    /// Without a loop: the number of bits times log10(2) (1233 / 4096) is the digit count or one less, and one comparison
    /// with a power of ten tells which. <c>value | 1</c> has the digits of <paramref name="value"/> (a power of ten is even)
    /// and is never 0.
    /// </remarks>
    internal static int CountDigits(ulong value)
    {
        value |= 1;
        int estimate = ((BitOperations.Log2(value) + 1) * 1233) >> 12;
        return estimate + (value >= s_powersOf10[estimate] ? 1 : 0);
    }
}
