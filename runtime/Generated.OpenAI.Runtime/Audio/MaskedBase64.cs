using System;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Generated.OpenAI.WebSockets;

namespace Generated.OpenAI.Audio;

/// <summary>
/// Base64 (RFC 4648 section 4, padded) of a client frame's payload, masked (RFC 6455 section 5.3) as it is written:
/// the base64 of an audio append is nearly all of the frame, and masking it in a second pass over the written bytes
/// costs half as much again as the encode itself at 20 ms. With AVX-512 VBMI each 48 input bytes become 64 ASCII bytes
/// in a register, are XORed with the key there and stored once. Elsewhere (and for the last few bytes) the BCL's
/// encoder writes a cache-sized chunk and the chunk is masked while it is still in L1.
/// </summary>
internal static class MaskedBase64
{
    // Fallback chunk: a multiple of 3 input bytes (only the last chunk can carry padding) that encodes to 8 KiB.
    private const int ChunkLength = 3 * 2048;

    private static ReadOnlySpan<byte> Alphabet => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"u8;

    /// <summary>
    /// Encodes <paramref name="source"/> into <paramref name="destination"/> (which must hold
    /// <see cref="Base64.GetMaxEncodedToUtf8Length"/> bytes; the caller's send buffer) and masks the written bytes with
    /// <paramref name="maskKey"/>, the first one with key byte <paramref name="maskOffset"/> (0..3).
    /// Returns the key offset for the byte after the last one written.
    /// </summary>
    public static int EncodeToUtf8Masked(ReadOnlySpan<byte> source, Span<byte> destination, int maskKey, int maskOffset, out int bytesWritten)
    {
        if (destination.Length < Base64.GetMaxEncodedToUtf8Length(source.Length))
        {
            throw new ArgumentException("The destination is too small for the base64 of the source.", nameof(destination));
        }

        int consumed = 0;
        int written = 0;
        if (Avx512Vbmi.IsSupported && source.Length >= Vector512<byte>.Count)
        {
            // Every store is 64 bytes, a multiple of 4: the key phase at each store is maskOffset's.
            (consumed, written) = EncodeMaskedAvx512Vbmi(source, destination, WebSocketMask.Rotate(maskKey, maskOffset));
        }

        while (consumed < source.Length)
        {
            int count = Math.Min(source.Length - consumed, ChunkLength);
            bool final = consumed + count == source.Length;
            Base64.EncodeToUtf8(source.Slice(consumed, count), destination.Slice(written), out _, out int chunk, isFinalBlock: final);
            maskOffset = WebSocketMask.Apply(destination.Slice(written, chunk), maskKey, maskOffset);
            consumed += count;
            written += chunk;
        }

        bytesWritten = written;
        return maskOffset;
    }

    /// <summary>
    /// The AVX-512 VBMI loop: VPERMB gathers each 3-byte group into a 4-byte lane (bytes 1, 0, 2, 1),
    /// VPMULTISHIFTQB picks the four 6-bit indexes out of it, VPERMB looks them up in the alphabet, and the key is XORed
    /// into the register before the only store. Loads are 64 bytes wide but consume 48, so the last whole group of 48
    /// is loaded from 16 bytes earlier (never past the end of the source) with the gather moved up by 16.
    /// Returns the input consumed and the output written, both whole groups; the caller encodes the rest.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (int Consumed, int Written) EncodeMaskedAvx512Vbmi(ReadOnlySpan<byte> source, Span<byte> destination, uint pattern)
    {
        ref byte from = ref MemoryMarshal.GetReference(source);
        ref byte to = ref MemoryMarshal.GetReference(destination);
        Vector512<byte> gather = Vector512.Create(
            0x01020001u, 0x04050304u, 0x07080607u, 0x0a0b090au, 0x0d0e0c0du, 0x10110f10u, 0x13141213u, 0x16171516u,
            0x191a1819u, 0x1c1d1b1cu, 0x1f201e1fu, 0x22232122u, 0x25262425u, 0x28292728u, 0x2b2c2a2bu, 0x2e2f2d2eu).AsByte();

        // Per 64-bit lane, the bit offsets of the four sextets of each of its two groups, in output order.
        Vector512<byte> shifts = Vector512.Create(0x3036242a1016040aUL).AsByte();
        Vector512<byte> alphabet = Vector512.Create(Alphabet);
        Vector512<byte> mask = Vector512.Create(pattern).AsByte();

        nuint length = (nuint)source.Length;
        nuint last = length - (nuint)Vector512<byte>.Count;
        nuint consumed = 0;
        nuint written = 0;
        for (; consumed <= last; consumed += 48, written += 64)
        {
            Vector512<byte> groups = Avx512Vbmi.PermuteVar64x8(Vector512.LoadUnsafe(ref from, consumed), gather);
            Vector512<byte> indexes = Avx512Vbmi.MultiShift(shifts, groups.AsUInt64());
            (Avx512Vbmi.PermuteVar64x8(alphabet, indexes) ^ mask).StoreUnsafe(ref to, written);
        }

        if (length - consumed >= 48)
        {
            // consumed >= 48 here (the loop ran), so the load 16 bytes back stays inside the source.
            Vector512<byte> shifted = Vector512.LoadUnsafe(ref from, consumed - 16);
            Vector512<byte> groups = Avx512Vbmi.PermuteVar64x8(shifted, gather + Vector512.Create((byte)16));
            Vector512<byte> indexes = Avx512Vbmi.MultiShift(shifts, groups.AsUInt64());
            (Avx512Vbmi.PermuteVar64x8(alphabet, indexes) ^ mask).StoreUnsafe(ref to, written);
            consumed += 48;
            written += 64;
        }

        return ((int)consumed, (int)written);
    }
}
