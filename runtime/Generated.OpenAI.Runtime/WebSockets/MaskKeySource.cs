using System;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Generated.OpenAI.WebSockets;

/// <summary>
/// Hands out 4-byte masking keys from a 4 KiB buffer filled by <see cref="RandomNumberGenerator.Fill"/>,
/// refilled every 1,024 keys: one CSPRNG call per 1,024 frames instead of one per frame.
/// Not thread-safe: connections use the sending thread's (<see cref="ForCurrentThread"/>), so that at hundreds of
/// connections the key comes from a buffer in the cache rather than from each connection's own, which its next frame
/// found evicted. A key is as unpredictable from either: every one comes from the CSPRNG and is handed out once.
/// </summary>
internal sealed class MaskKeySource
{
    [ThreadStatic]
    private static MaskKeySource? t_current;

    /// <summary>This thread's source (made on its first frame).</summary>
    public static MaskKeySource ForCurrentThread => t_current ??= new MaskKeySource();

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
