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
}
