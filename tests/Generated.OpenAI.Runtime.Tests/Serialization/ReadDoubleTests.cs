using System;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Generated.OpenAI.Serialization;
using Xunit;

namespace Generated.OpenAI.Runtime.Tests.Serialization;

/// <summary>
/// <see cref="JsonHelpers.ReadDouble"/> reads short plain decimals itself (digits divided by an exact power of ten) and
/// everything else through <see cref="Utf8JsonReader.GetDouble"/>: both paths must give the very same double, bit for bit.
/// </summary>
public sealed class ReadDoubleTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("-0.0")]
    [InlineData("1")]
    [InlineData("0.1")]
    [InlineData("0.3")]
    [InlineData("-0.31725305")]
    [InlineData("-1.3190403")]
    [InlineData("-9999.0")]
    [InlineData("0.000000000000001")]
    [InlineData("9007199254740992")] // 2^53: the largest digit integer read on the fast path
    [InlineData("9007199254740993")] // 2^53 + 1: not an exact double, GetDouble rounds it
    [InlineData("0.9007199254740993")]
    [InlineData("12345678901234567")] // 17 characters, more than 2^53
    [InlineData("123456789012345678")] // too long for the fast path
    [InlineData("-0.12345678901234567890")]
    [InlineData("1e5")]
    [InlineData("-2.5E-3")]
    [InlineData("1.7976931348623157e308")]
    [InlineData("5e-324")]
    public void Gives_the_same_double_as_GetDouble(string json)
    {
        AssertSameAsGetDouble(json);
    }

    [Fact]
    public void Random_short_decimals_give_the_same_double_as_GetDouble()
    {
        var random = new Random(17);
        for (int i = 0; i < 20_000; i++)
        {
            int integerDigits = random.Next(0, 9);
            int fractionDigits = random.Next(0, 12);
            var text = new StringBuilder();
            if (random.Next(2) == 0)
            {
                text.Append('-');
            }

            text.Append(integerDigits == 0 ? "0" : random.NextInt64(1, (long)Math.Pow(10, integerDigits)).ToString(CultureInfo.InvariantCulture));
            if (fractionDigits > 0)
            {
                text.Append('.');
                for (int d = 0; d < fractionDigits; d++)
                {
                    text.Append((char)('0' + random.Next(10)));
                }
            }

            AssertSameAsGetDouble(text.ToString());
        }
    }

    [Fact]
    public void A_value_that_is_not_a_number_throws_JsonException()
    {
        var reader = new Utf8JsonReader("\"0.5\""u8);
        Assert.True(reader.Read());
        bool threw = false;
        try
        {
            JsonHelpers.ReadDouble(ref reader);
        }
        catch (JsonException)
        {
            threw = true;
        }

        Assert.True(threw);
    }

    private static void AssertSameAsGetDouble(string json)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(json);
        var reader = new Utf8JsonReader(utf8);
        Assert.True(reader.Read());
        double expected = reader.GetDouble();

        double actual = JsonHelpers.ReadDouble(ref reader);

        Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(actual), $"{json}: {actual:R}, GetDouble {expected:R}");
    }
}
