using System;
using Generated.OpenAI.WebSockets;

namespace Generated.OpenAI.Benchmarks.Support;

/// <summary>
/// The last step every client send pays whatever produced the JSON: a masked text frame in a send buffer. This is
/// what <c>ClientWebSocket</c> does with the bytes it is given (copy into its own buffer, then mask there), so the
/// official-SDK and naive benchmarks end with it; it uses our header writer and vectorized mask, i.e. the cheapest
/// version of that step, so the comparison is about producing the JSON.
/// </summary>
internal static class MaskedFrame
{
    /// <summary>Writes header + copy of <paramref name="payload"/> + mask into <paramref name="frame"/>; returns the frame length.</summary>
    public static int WriteCopy(Span<byte> frame, ReadOnlySpan<byte> payload, int maskKey)
    {
        int headerLength = WebSocketFrameParser.WriteClientHeader(frame, Opcode.Text, fin: true, payload.Length, maskKey);
        Span<byte> destination = frame.Slice(headerLength, payload.Length);
        payload.CopyTo(destination);
        WebSocketMask.Apply(destination, maskKey, 0);
        return headerLength + payload.Length;
    }

    /// <summary>Unmasks a client text frame built by one of the benchmarks (setup-time verification only).</summary>
    public static byte[] ReadPayload(ReadOnlySpan<byte> frame)
    {
        if (!WebSocketFrameParser.TryParse(frame, out FrameHeader header) || header.Opcode != Opcode.Text || !header.Fin || !header.Mask)
        {
            throw new InvalidOperationException("Not a masked final text frame.");
        }

        byte[] payload = frame.Slice(header.HeaderLength, checked((int)header.PayloadLength)).ToArray();
        WebSocketMask.ApplyScalar(payload, header.MaskKey, 0);
        return payload;
    }
}
