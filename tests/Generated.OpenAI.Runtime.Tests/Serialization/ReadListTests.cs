using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using Generated.OpenAI.Serialization;
using Xunit;

namespace Generated.OpenAI.Runtime.Tests.Serialization;

/// <summary>
/// <see cref="JsonHelpers.ReadList{T}"/> gathers elements on its stack, then in a rented array, and returns a list of
/// exactly their count: the lengths around the stack buffer's end (16) and the rented array's growth points, nesting
/// (a buffer per level), and a throwing element on either side of the move to the rented array.
/// </summary>
public sealed class ReadListTests
{
    private static JsonReadFunc<long> ReadInt64 => static (ref Utf8JsonReader r) => JsonHelpers.ReadInt64(ref r);

    private static JsonReadFunc<string?> ReadString => static (ref Utf8JsonReader r) => JsonHelpers.ReadString(ref r);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(33)]
    [InlineData(1_000)]
    public void Reads_every_element_in_order_into_a_list_of_exactly_that_capacity(int count)
    {
        long[] expected = Enumerable.Range(0, count).Select(i => (long)i * 7 - 3).ToArray();
        var reader = Start("[" + string.Join(",", expected) + "]");

        List<long> list = JsonHelpers.ReadList(ref reader, ReadInt64);

        Assert.Equal(expected, list);
        Assert.Equal(count, list.Capacity);
        Assert.Equal(JsonTokenType.EndArray, reader.TokenType);
    }

    [Fact]
    public void Nested_lists_of_the_same_element_type_each_keep_their_own_elements()
    {
        // Outer and inner lists of strings: the inner reads rent while the outer's rented array is still in use.
        string json = "[" + string.Join(",", Enumerable.Range(0, 20).Select(i => "[" + string.Join(",", Enumerable.Range(0, i).Select(j => $"\"{i}.{j}\"")) + "]")) + "]";
        var reader = Start(json);

        List<List<string?>> lists = JsonHelpers.ReadList(ref reader, static (ref Utf8JsonReader r) => JsonHelpers.ReadList(ref r, ReadString));

        Assert.Equal(20, lists.Count);
        for (int i = 0; i < lists.Count; i++)
        {
            Assert.Equal(Enumerable.Range(0, i).Select(j => $"{i}.{j}"), lists[i]);
        }
    }

    [Fact]
    public void An_element_that_fails_surfaces_as_JsonException_and_the_next_read_is_clean()
    {
        var bad = Start("[1,2,\"three\",4]");
        try
        {
            JsonHelpers.ReadList(ref bad, ReadInt64);
            Assert.Fail("A string where an integer belongs must throw.");
        }
        catch (JsonException)
        {
            // Expected: the rented array went back to the pool in the finally block.
        }

        var good = Start("[" + string.Join(",", Enumerable.Range(0, 40)) + "]");
        Assert.Equal(Enumerable.Range(0, 40).Select(i => (long)i), JsonHelpers.ReadList(ref good, ReadInt64));
    }

    [Fact]
    public void An_element_that_fails_after_the_move_to_a_rented_array_surfaces_as_JsonException()
    {
        var bad = Start("[" + string.Join(",", Enumerable.Range(0, 20).Select(i => $"\"{i}\"")) + ",7]");
        bool threw = false;
        try
        {
            JsonHelpers.ReadList(ref bad, static (ref Utf8JsonReader r) => r.TokenType == JsonTokenType.String ? JsonHelpers.ReadString(ref r) : throw new JsonException("not a string"));
        }
        catch (JsonException)
        {
            threw = true;
        }

        Assert.True(threw);
        var good = Start("[" + string.Join(",", Enumerable.Range(0, 40).Select(i => $"\"{i}\"")) + "]");
        Assert.Equal(Enumerable.Range(0, 40).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), JsonHelpers.ReadList(ref good, ReadString));
    }

    [Theory]
    [InlineData("[1,2,3")]
    [InlineData("[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18")]
    public void A_truncated_array_throws_JsonException_on_either_side_of_the_stack_buffer(string text)
    {
        byte[] json = Encoding.UTF8.GetBytes(text);
        var reader = new Utf8JsonReader(json, isFinalBlock: false, state: default);
        Assert.True(reader.Read());
        bool threw = false;
        try
        {
            JsonHelpers.ReadList(ref reader, ReadInt64);
        }
        catch (JsonException ex)
        {
            threw = true;
            Assert.Contains("Int64[]", ex.Message, StringComparison.Ordinal);
        }

        Assert.True(threw);
    }

    private static Utf8JsonReader Start(string json)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        Assert.True(reader.Read());
        return reader;
    }
}
