using System;
using Generated.OpenAI.WebSockets;
using Xunit;

namespace Generated.OpenAI.Runtime.Tests.WebSockets;

public sealed class WebSocketMaskTests
{
    [Fact]
    public void Vectorized_mask_equals_the_scalar_reference_for_every_length_and_offset()
    {
        var random = new Random(42);
        for (int length = 0; length <= 200; length++)
        {
            for (int offset = 0; offset <= 3; offset++)
            {
                int key = random.Next(int.MinValue, int.MaxValue);
                byte[] data = new byte[length + 7];
                random.NextBytes(data);
                // Also vary alignment by masking a slice that starts 0..3 bytes in.
                int start = (length + offset) % 4;
                byte[] expected = (byte[])data.Clone();
                byte[] actual = (byte[])data.Clone();
                int expectedOffset = WebSocketMask.ApplyScalar(expected.AsSpan(start, length), key, offset);
                int actualOffset = WebSocketMask.Apply(actual.AsSpan(start, length), key, offset);
                Assert.Equal(expectedOffset, actualOffset);
                Assert.True(expected.AsSpan().SequenceEqual(actual), $"length {length}, offset {offset}");
            }
        }
    }

    [Fact]
    public void Masking_in_chunks_equals_masking_at_once()
    {
        var random = new Random(7);
        byte[] data = new byte[1000];
        random.NextBytes(data);
        byte[] whole = (byte[])data.Clone();
        WebSocketMask.ApplyScalar(whole, 0x5A3C1F2E, 0);
        int offset = 0;
        for (int position = 0; position < data.Length;)
        {
            int chunk = Math.Min(random.Next(1, 70), data.Length - position);
            offset = WebSocketMask.Apply(data.AsSpan(position, chunk), 0x5A3C1F2E, offset);
            position += chunk;
        }

        Assert.Equal(whole, data);
    }

    [Fact]
    public void Masking_twice_restores_the_data_and_the_key_bytes_are_applied_in_wire_order()
    {
        byte[] data = [0, 0, 0, 0, 0, 0];
        WebSocketMask.Apply(data, BitConverter.ToInt32([1, 2, 3, 4]), 0);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 1, 2 }, data);
        WebSocketMask.Apply(data, BitConverter.ToInt32([1, 2, 3, 4]), 0);
        Assert.All(data, b => Assert.Equal(0, b));
    }

    [Fact]
    public void Mask_keys_are_not_repeated_across_a_refill()
    {
        var source = new MaskKeySource();
        var seen = new System.Collections.Generic.HashSet<int>();
        int duplicates = 0;
        for (int i = 0; i < 3000; i++)
        {
            duplicates += seen.Add(source.Next()) ? 0 : 1;
        }

        Assert.True(duplicates < 3, $"{duplicates} duplicate keys in 3000");
    }
}
