using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using Generated.OpenAI.Serialization;
using Xunit;

namespace Generated.OpenAI.Runtime.Tests.Serialization;

/// <summary>
/// <see cref="ShortStringTable"/>: in a large document (<see cref="ShortStringTable.MinDocumentBytes"/>) equal short ASCII
/// strings read through <see cref="JsonHelpers.ReadString"/> are one instance; every string still has its own value
/// (collisions, non-ASCII, escapes, long strings); the table lives only for one <see cref="JsonModel"/> call.
/// </summary>
public sealed class ShortStringTableTests
{
    [Fact]
    public void Equal_short_strings_in_a_large_document_are_one_instance()
    {
        string[] expected = Enumerable.Range(0, 4_000).Select(i => i % 2 == 0 ? "Hello" : " world").ToArray();

        Strings read = JsonModel.Deserialize<Strings>(Document(expected));

        Assert.Equal(expected, read.Values);
        Assert.Same(read.Values[0], read.Values[2]);
        Assert.Same(read.Values[1], read.Values[3_999]);
    }

    [Fact]
    public void Every_string_keeps_its_own_value_through_collisions_non_ASCII_escapes_and_long_values()
    {
        // 5,000 distinct short values collide in a 256-entry table; the others take the paths around it.
        var expected = new List<string?>();
        for (int i = 0; i < 5_000; i++)
        {
            expected.Add(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            expected.Add("héllo" + (i % 7));
            expected.Add("tab\there" + (i % 3));
            expected.Add("a string longer than sixteen bytes " + (i % 5));
            expected.Add(string.Empty);
            expected.Add(null);
        }

        Strings read = JsonModel.Deserialize<Strings>(Document(expected));

        Assert.Equal(expected, read.Values);
    }

    [Fact]
    public void A_small_document_reads_without_a_table_and_a_large_one_empties_it_when_the_call_ends()
    {
        Strings small = JsonModel.Deserialize<Strings>(Document(["Hello", "Hello"]));
        Assert.Equal(["Hello", "Hello"], small.Values);
        Assert.NotSame(small.Values[0], small.Values[1]);
        Assert.Null(ShortStringTable.Current);

        Strings large = JsonModel.Deserialize<Strings>(Document(Enumerable.Repeat("Hello", 4_000).ToArray()));
        Assert.Same(large.Values[0], large.Values[1]);
        Assert.Null(ShortStringTable.Current);

        // The next large document does not get the previous one's instances.
        Strings next = JsonModel.Deserialize<Strings>(Document(Enumerable.Repeat("Hello", 4_000).ToArray()));
        Assert.NotSame(large.Values[0], next.Values[0]);
    }

    [Fact]
    public void A_document_that_fails_leaves_no_table_behind()
    {
        byte[] json = Document(Enumerable.Repeat("Hello", 4_000).Append("tail").ToArray());
        json[^1] = (byte)','; // the array never closes
        Assert.ThrowsAny<JsonException>(() => JsonModel.Deserialize<Strings>(json));
        Assert.Null(ShortStringTable.Current);
    }

    private static byte[] Document(IReadOnlyList<string?> values) =>
        Encoding.UTF8.GetBytes("[" + string.Join(",", values.Select(v => v is null ? "null" : JsonSerializer.Serialize(v, s_unescapedNonAscii))) + "]");

    /// <summary>Non-ASCII written as raw UTF-8, not as \u escapes: the table must see (and skip) it.</summary>
    private static readonly JsonSerializerOptions s_unescapedNonAscii = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A model that is an array of strings, read as a generated model reads its string members.</summary>
    private sealed class Strings : IJsonModel<Strings>
    {
        public List<string?> Values { get; private init; } = [];

        public static Strings ReadJson(ref Utf8JsonReader reader) =>
            new() { Values = JsonHelpers.ReadList(ref reader, static (ref Utf8JsonReader r) => JsonHelpers.ReadString(ref r)) };

        public void WriteJson(Utf8JsonWriter writer) => throw new NotSupportedException();
    }
}
