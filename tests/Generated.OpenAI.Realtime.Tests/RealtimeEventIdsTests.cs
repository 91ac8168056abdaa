using System.Globalization;
using Xunit;

namespace Generated.OpenAI.Realtime.Tests;

public sealed class RealtimeEventIdsTests
{
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
    public void An_event_id_is_the_prefix_and_the_decimal_number(long number)
    {
        string id = RealtimeEventIds.Format("evt_0a1b2c3d_", number);

        Assert.Equal("evt_0a1b2c3d_" + number.ToString(CultureInfo.InvariantCulture), id);
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

        Assert.Equal(expected.Length, RealtimeEventIds.CountDigits((ulong)number));
        Assert.Equal("evt_0a1b2c3d_" + expected, RealtimeEventIds.Format("evt_0a1b2c3d_", number));
    }

    [Fact]
    public void A_prefix_of_another_length_is_copied_whole()
    {
        Assert.Equal("e_42", RealtimeEventIds.Format("e_", 42));
        Assert.Equal("evt_0a1b2c3d_x_7", RealtimeEventIds.Format("evt_0a1b2c3d_x_", 7));
    }
}
