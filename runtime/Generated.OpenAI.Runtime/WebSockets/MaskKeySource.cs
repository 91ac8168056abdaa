using System;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Generated.OpenAI.WebSockets;

/// <summary>
/// Hands out 4-byte masking keys from a 4 KiB buffer filled by <see cref="RandomNumberGenerator.Fill"/>,
/// refilled every 1,024 keys: one CSPRNG call per 1,024 frames instead of one per frame.
/// Not thread-safe: a connection uses it only while it holds its send lock.
/// </summary>
internal sealed class MaskKeySource
{
    private const int BufferLength = 4096;
    private readonly byte[] _buffer = new byte[BufferLength];
    private int _position = BufferLength;

    /// <summary>The next masking key (four random bytes in memory order).</summary>
    public int Next()
    {
        if (_position >= BufferLength)
        {
            RandomNumberGenerator.Fill(_buffer);
            _position = 0;
        }

        int key = MemoryMarshal.Read<int>(_buffer.AsSpan(_position));
        _position += FrameHeader.MaskLength;
        return key;
    }
}
