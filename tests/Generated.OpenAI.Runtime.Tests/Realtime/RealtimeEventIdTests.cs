using System;
using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Generated.OpenAI.Realtime;
using Xunit;

namespace Generated.OpenAI.Runtime.Tests.Realtime;

public sealed class RealtimeEventIdTests
{
    private static readonly RealtimeEventIdPrefix s_prefix = new("evt_0a1b2c3d_");
    private static readonly JsonEncodedText s_name = JsonEncodedText.Encode("event_id");

    /// <summary>The id's digits are written by hand, from the last: each digit count, and its edges, reads back as the number.</summary>
    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(9L)]
    [InlineData(10L)]
    [InlineData(99L)]
    [InlineData(100L)]
    [InlineData(1234567890L)]
    [InlineData(999999999999L)]
    [InlineData(long.MaxValue)]
    public void A_session_id_is_the_prefix_and_the_decimal_number(long number)
    {
        string expected = "evt_0a1b2c3d_" + number.ToString(CultureInfo.InvariantCulture);
        RealtimeEventId id = RealtimeEventId.Generated(s_prefix, number);

        Assert.Equal(expected, id.ToString());
        Assert.Equal(Written(expected), Written(id));
    }

    /// <summary>Every digit count and both sides of each power of ten, for the count (no loop) and the pairs of digits.</summary>
    public static TheoryData<long> PowerOfTenEdges()
    {
        var data = new TheoryData<long>();
        for (long power = 10; power > 0 && power <= long.MaxValue / 10; power *= 10)
        {
            data.Add(power - 1);
            data.Add(power);
            data.Add(power + 1);
        }

        data.Add(1_000_000_000_000_000_000 - 1);
        data.Add(1_000_000_000_000_000_000);
        data.Add(long.MaxValue - 1);
        return data;
    }

    [Theory]
    [MemberData(nameof(PowerOfTenEdges))]
    public void Each_side_of_a_power_of_ten_is_formatted_with_its_digit_count(long number)
    {
        string expected = number.ToString(CultureInfo.InvariantCulture);

        Assert.Equal(expected.Length, RealtimeEventId.CountDigits((ulong)number));
        Assert.Equal("evt_0a1b2c3d_" + expected, RealtimeEventId.Generated(s_prefix, number).ToString());
        Assert.Equal(Written("evt_0a1b2c3d_" + expected), Written(RealtimeEventId.Generated(s_prefix, number)));
    }

    [Fact]
    public void A_prefix_of_another_length_is_copied_whole()
    {
        Assert.Equal("e_42", RealtimeEventId.Generated(new RealtimeEventIdPrefix("e_"), 42).ToString());
        Assert.Equal(Written("evt_0a1b2c3d_x_7"), Written(RealtimeEventId.Generated(new RealtimeEventIdPrefix("evt_0a1b2c3d_x_"), 7)));
        Assert.Equal(Written(new string('p', RealtimeEventIdPrefix.MaxLength) + long.MaxValue),
            Written(RealtimeEventId.Generated(new RealtimeEventIdPrefix(new string('p', RealtimeEventIdPrefix.MaxLength)), long.MaxValue)));
        Assert.Throws<ArgumentException>(() => new RealtimeEventIdPrefix(new string('p', RealtimeEventIdPrefix.MaxLength + 1)));
        Assert.Throws<ArgumentException>(() => new RealtimeEventIdPrefix("évt_"));
    }

    /// <summary>
    /// A session's id is copied raw between quotes only when nothing in it can be escaped: a prefix with characters the
    /// default encoder escapes, a writer with another encoder, and an indented writer all give what WriteString gives.
    /// </summary>
    [Theory]
    [InlineData("evt_0a1b2c3d_")]
    [InlineData("evt+<tag>&'_")]
    [InlineData("a\"b\\c_")]
    [InlineData("e-1.x_")]
    public void A_sessions_id_is_written_as_its_string_by_every_writer(string prefixText)
    {
        RealtimeEventId id = RealtimeEventId.Generated(new RealtimeEventIdPrefix(prefixText), 1234567);
        string text = prefixText + "1234567";
        JsonWriterOptions[] writers =
        [
            default,
            new() { SkipValidation = true },
            new() { Indented = true },
            new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping },
            new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.None) },
        ];
        JsonEncodedText longName = JsonEncodedText.Encode(new string('n', 33));
        foreach (JsonWriterOptions options in writers)
        {
            Assert.Equal(Write(writer => writer.WriteString(s_name, text), options), Write(writer => id.WriteTo(writer, s_name), options));
            Assert.Equal(Write(writer => writer.WriteString(longName, text), options), Write(writer => id.WriteTo(writer, longName), options));
            Assert.Equal(WriteFirst(writer => writer.WriteString(s_name, text), options), WriteFirst(writer => id.WriteTo(writer, s_name), options));
        }
    }

    /// <summary>Each kind, written into JSON, gives the bytes the string gives (escaped the same way where it must be).</summary>
    [Theory]
    [InlineData("evt_0a1b2c3d_17")]
    [InlineData("event_1234")]
    [InlineData("")]
    [InlineData("quote\" back\\slash <tag> & é 😀")]
    public void Every_kind_writes_the_bytes_the_string_writes(string text)
    {
        string expected = Written(text);

        Assert.Equal(expected, Written(new RealtimeEventId(text)));
        Assert.Equal(expected, Written(Borrowed(text, out _)));
        Assert.Equal(expected, Written(BorrowedFromManager(text)));
    }

    [Fact]
    public void No_id_writes_null_as_a_null_string_does()
    {
        Assert.Equal(Written((string?)null), Written(default(RealtimeEventId)));
        Assert.Equal(Written((string?)null), Written(new RealtimeEventId(null)));
        Assert.False(default(RealtimeEventId).HasValue);
        Assert.Equal(string.Empty, default(RealtimeEventId).ToString());
        RealtimeEventId none = default;
        Assert.Null(RealtimeEventId.Materialize(ref none));
    }

    /// <summary>A session's id, a string and a borrowed id of the same text are one id: equal, with the string's hash code.</summary>
    [Fact]
    public void The_kinds_are_equal_when_their_strings_are()
    {
        RealtimeEventId generated = RealtimeEventId.Generated(s_prefix, 42);
        RealtimeEventId text = new("evt_0a1b2c3d_42");
        RealtimeEventId borrowed = Borrowed("evt_0a1b2c3d_42", out _);
        RealtimeEventId[] same = [generated, text, borrowed, BorrowedFromManager("evt_0a1b2c3d_42")];
        foreach (RealtimeEventId left in same)
        {
            foreach (RealtimeEventId right in same)
            {
                Assert.True(left.Equals(right));
                Assert.True(left == right);
                Assert.True(left.Equals((object)right));
                Assert.Equal("evt_0a1b2c3d_42".GetHashCode(), left.GetHashCode());
            }
        }

        RealtimeEventId[] others = [RealtimeEventId.Generated(s_prefix, 43), new("evt_0a1b2c3d_4"), Borrowed("evt_0a1b2c3d_420", out _), default, new("EVT_0a1b2c3d_42")];
        foreach (RealtimeEventId other in others)
        {
            foreach (RealtimeEventId left in same)
            {
                Assert.False(left.Equals(other));
                Assert.True(left != other);
                Assert.False(other.Equals(left));
            }
        }

        Assert.True(default(RealtimeEventId) == new RealtimeEventId(null));
        Assert.False(generated.Equals("evt_0a1b2c3d_42")); // a string is not a RealtimeEventId: Equals(object) stays symmetric
        string converted = generated;
        Assert.Equal("evt_0a1b2c3d_42", converted);
    }

    /// <summary>A long borrowed id (longer than the stack buffers) compares and hashes as its string too.</summary>
    [Fact]
    public void A_long_borrowed_id_compares_as_its_string()
    {
        string text = "id_" + new string('x', 300);
        Assert.True(Borrowed(text, out _) == new RealtimeEventId(text));
        Assert.Equal(text.GetHashCode(), Borrowed(text, out _).GetHashCode());
        Assert.False(Borrowed(text, out _) == new RealtimeEventId(text + "y"));
    }

    /// <summary>
    /// A borrowed id reads the owner's bytes until it is materialized; after that the holder keeps the string, and the
    /// owner may reuse its buffer.
    /// </summary>
    [Fact]
    public void A_borrowed_id_read_as_a_string_no_longer_depends_on_the_bytes()
    {
        RealtimeEventId id = Borrowed("event_AAA", out byte[] buffer);
        Assert.Equal("event_AAA", id.ToString());

        string? text = RealtimeEventId.Materialize(ref id);
        Assert.Equal("event_AAA", text);
        Assert.Same(text, RealtimeEventId.Materialize(ref id)); // made once
        Encoding.ASCII.GetBytes("event_BBB").CopyTo(buffer, 5); // the message's buffer, reused for the next message
        Assert.Equal("event_AAA", id.ToString());
        Assert.Equal(Written("event_AAA"), Written(id));
    }

    [Fact]
    public void A_borrowed_id_not_yet_materialized_reads_the_bytes_as_they_are()
    {
        RealtimeEventId id = Borrowed("event_AAA", out byte[] buffer);
        Encoding.ASCII.GetBytes("event_BBB").CopyTo(buffer, 5);

        Assert.Equal("event_BBB", id.ToString()); // why a lent event's id is valid only while the event is
    }

    [Fact]
    public void A_session_id_materialized_is_kept_as_its_string()
    {
        RealtimeEventId id = RealtimeEventId.Generated(s_prefix, 7);
        string? text = RealtimeEventId.Materialize(ref id);

        Assert.Equal("evt_0a1b2c3d_7", text);
        Assert.Same(text, RealtimeEventId.Materialize(ref id));
        Assert.Same(text, id.ToString());
    }

    [Fact]
    public void An_id_knows_whether_a_session_with_a_prefix_made_it()
    {
        var other = new RealtimeEventIdPrefix("evt_ffffffff_");
        Assert.True(RealtimeEventId.Generated(s_prefix, 1).StartsWith(s_prefix));
        Assert.True(new RealtimeEventId("evt_0a1b2c3d_9").StartsWith(s_prefix));
        Assert.True(Borrowed("evt_0a1b2c3d_9", out _).StartsWith(s_prefix));
        Assert.False(RealtimeEventId.Generated(other, 1).StartsWith(s_prefix));
        Assert.False(new RealtimeEventId("my-id").StartsWith(s_prefix));
        Assert.False(default(RealtimeEventId).StartsWith(s_prefix));
        Assert.True(RealtimeEventId.Generated(new RealtimeEventIdPrefix("evt_"), 1).StartsWith(new RealtimeEventIdPrefix("evt_1"))); // the whole id, not the prefix alone
        Assert.False(RealtimeEventId.Generated(new RealtimeEventIdPrefix("evt_0a1b2c3d_"), 1).StartsWith(new RealtimeEventIdPrefix("evt_0a1b2c3d_2")));
    }

    /// <summary>Writing a session's id or a borrowed one makes no string.</summary>
    [Fact]
    public void Writing_a_session_or_borrowed_id_allocates_nothing()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using var writer = new Utf8JsonWriter(buffer);
        RealtimeEventId generated = RealtimeEventId.Generated(s_prefix, 123_456);
        RealtimeEventId borrowed = Borrowed("event_ABC123", out _);
        for (int i = 0; i < 10; i++)
        {
            Write(writer, buffer, generated, borrowed); // warm up
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            Write(writer, buffer, generated, borrowed);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        static void Write(Utf8JsonWriter writer, ArrayBufferWriter<byte> buffer, RealtimeEventId generated, RealtimeEventId borrowed)
        {
            buffer.ResetWrittenCount();
            writer.Reset(buffer);
            writer.WriteStartObject();
            generated.WriteTo(writer, s_name);
            borrowed.WriteTo(writer, s_name);
            writer.WriteEndObject();
            writer.Flush();
            if (!generated.Equals(borrowed) && generated.GetHashCode() == 0)
            {
                throw new InvalidOperationException(); // keeps the comparisons in the measured loop
            }
        }
    }

    /// <summary>The id's UTF-8 in the middle of a larger buffer (as in a received message), borrowed.</summary>
    private static RealtimeEventId Borrowed(string text, out byte[] buffer)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        buffer = new byte[utf8.Length + 10];
        utf8.CopyTo(buffer, 5);
        return RealtimeEventId.Borrow(buffer.AsMemory(5, utf8.Length));
    }

    private static RealtimeEventId BorrowedFromManager(string text)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes("..." + text);
        return RealtimeEventId.Borrow(new ArrayManager(utf8).Memory[3..]);
    }

    private static string Written(RealtimeEventId id) => Write(writer => id.WriteTo(writer, s_name));

    private static string Written(string? text) => Write(writer => writer.WriteString(s_name, text));

    /// <summary>The property first in its object (no comma before it), then another.</summary>
    private static string WriteFirst(Action<Utf8JsonWriter> write, JsonWriterOptions options)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, options))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteNumber("after"u8, 1);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string Write(Action<Utf8JsonWriter> write, JsonWriterOptions options = default)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, options))
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, "before");
            write(writer);
            writer.WriteNumber("after"u8, 1);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Memory that is not an array's: a borrowed id keeps the manager.</summary>
    private sealed class ArrayManager(byte[] array) : MemoryManager<byte>
    {
        public override Span<byte> GetSpan() => array;

        public override MemoryHandle Pin(int elementIndex = 0) => throw new NotSupportedException();

        public override void Unpin()
        {
        }

        protected override void Dispose(bool disposing)
        {
        }
    }
}
