using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Generated.OpenAI.WebSockets;

/// <summary>
/// RFC 6455 section 5.3 masking: <c>data[i] ^= key[(i + offset) % 4]</c>, in place. The vectorized path and the
/// scalar reference must agree byte for byte (tests compare them for every length and offset).
/// </summary>
internal static class WebSocketMask
{
    /// <summary>
    /// Masks (or unmasks) <paramref name="data"/> in place with the four key bytes held in memory order in
    /// <paramref name="maskKey"/>, starting at key byte <paramref name="maskOffset"/> (0..3).
    /// Returns the key offset for the byte after the last one, so a payload can be masked in chunks.
    /// </summary>
    public static int Apply(Span<byte> data, int maskKey, int maskOffset)
    {
        if (data.IsEmpty)
        {
            return maskOffset;
        }

        // Rotate the key so that its byte 0 lines up with data[0]; every whole 4-byte step keeps the alignment.
        uint pattern = Rotate(maskKey, maskOffset);
        ref byte start = ref MemoryMarshal.GetReference(data);
        nuint length = (nuint)data.Length;
        nuint i = 0;

        if (Vector512.IsHardwareAccelerated && length >= (nuint)Vector512<byte>.Count)
        {
            Vector512<byte> maskVector = Vector512.Create(pattern).AsByte();
            nuint last = length - (nuint)Vector512<byte>.Count;
            for (; i <= last; i += (nuint)Vector512<byte>.Count)
            {
                (Vector512.LoadUnsafe(ref start, i) ^ maskVector).StoreUnsafe(ref start, i);
            }
        }

        if (Vector256.IsHardwareAccelerated && length - i >= (nuint)Vector256<byte>.Count)
        {
            Vector256<byte> maskVector = Vector256.Create(pattern).AsByte();
            nuint last = length - (nuint)Vector256<byte>.Count;
            for (; i <= last; i += (nuint)Vector256<byte>.Count)
            {
                (Vector256.LoadUnsafe(ref start, i) ^ maskVector).StoreUnsafe(ref start, i);
            }
        }

        if (Vector128.IsHardwareAccelerated && length - i >= (nuint)Vector128<byte>.Count)
        {
            Vector128<byte> maskVector = Vector128.Create(pattern).AsByte();
            nuint last = length - (nuint)Vector128<byte>.Count;
            for (; i <= last; i += (nuint)Vector128<byte>.Count)
            {
                (Vector128.LoadUnsafe(ref start, i) ^ maskVector).StoreUnsafe(ref start, i);
            }
        }

        if (length - i >= 8)
        {
            ulong wide = pattern | ((ulong)pattern << 32);
            ref byte at = ref Unsafe.Add(ref start, i);
            Unsafe.WriteUnaligned(ref at, Unsafe.ReadUnaligned<ulong>(ref at) ^ wide);
            i += 8;
        }

        if (length - i >= 4)
        {
            ref byte at = ref Unsafe.Add(ref start, i);
            Unsafe.WriteUnaligned(ref at, Unsafe.ReadUnaligned<uint>(ref at) ^ pattern);
            i += 4;
        }

        // Tail of 0..3 bytes: the pattern's bytes in memory order.
        for (int k = 0; i < length; i++, k++)
        {
            Unsafe.Add(ref start, i) ^= GetPatternByte(pattern, k);
        }

        return (int)((uint)(maskOffset + data.Length) & 3);
    }

    /// <summary>The byte-at-a-time reference implementation of <see cref="Apply"/>, used by tests.</summary>
    public static int ApplyScalar(Span<byte> data, int maskKey, int maskOffset)
    {
        Span<byte> key = stackalloc byte[4];
        MemoryMarshal.Write(key, in maskKey);
        for (int i = 0; i < data.Length; i++)
        {
            data[i] ^= key[(i + maskOffset) & 3];
        }

        return (maskOffset + data.Length) & 3;
    }

    /// <summary>
    /// The four key bytes as they apply to four data bytes that start at key byte <paramref name="maskOffset"/>:
    /// the value to XOR into every aligned 4-byte step (or, broadcast, every vector) from there on.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static uint Rotate(int maskKey, int maskOffset)
    {
        // Shift the key bytes in memory order by maskOffset, independent of machine endianness.
        uint key = (uint)maskKey;
        int bits = (maskOffset & 3) * 8;
        return BitConverter.IsLittleEndian ? BitOperations.RotateRight(key, bits) : BitOperations.RotateLeft(key, bits);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte GetPatternByte(uint pattern, int index)
        => BitConverter.IsLittleEndian ? (byte)(pattern >> (index * 8)) : (byte)(pattern >> (24 - (index * 8)));
}
