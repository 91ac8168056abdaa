using System;

namespace Generated.OpenAI.Runtime.Tests.WebSockets;

internal static class WebSocketTestData
{
    public static readonly int[] Sizes = [0, 125, 126, 65_535, 65_536, 16 * 1024 * 1024];

    /// <summary>Deterministic payload; for text, printable ASCII plus two-byte UTF-8 characters (never split wrongly).</summary>
    public static byte[] Payload(int size, bool text)
    {
        var data = new byte[size];
        var random = new Random(size);
        if (!text)
        {
            random.NextBytes(data);
            return data;
        }

        int i = 0;
        while (i < size)
        {
            if (size - i >= 2 && random.Next(8) == 0)
            {
                data[i++] = 0xC3; // 'é' = C3 A9
                data[i++] = 0xA9;
            }
            else
            {
                data[i++] = (byte)random.Next(0x20, 0x7F);
            }
        }

        return data;
    }
}
