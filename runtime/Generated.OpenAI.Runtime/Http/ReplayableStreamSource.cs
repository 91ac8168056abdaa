using System;
using System.IO;
using System.Threading;

namespace Generated.OpenAI.Http;

/// <summary>
/// A caller-owned stream that content factories read once per attempt: seekable streams are rewound to where
/// they started; a non-seekable one may be read by one attempt only.
/// </summary>
internal sealed class ReplayableStreamSource
{
    private readonly Stream _stream;
    private readonly long _start;
    private int _reads;

    public ReplayableStreamSource(Stream stream)
    {
        _stream = stream;
        _start = stream.CanSeek ? stream.Position : -1;
    }

    /// <summary>Bytes left to send, when known.</summary>
    public long? Length => _stream.CanSeek ? _stream.Length - _start : null;

    /// <summary>Positions the stream for a new attempt and returns it (not to be disposed by the caller).</summary>
    public Stream Rewind()
    {
        if (_stream.CanSeek)
        {
            _stream.Position = _start;
            return _stream;
        }
        if (Interlocked.Increment(ref _reads) > 1)
        {
            throw new InvalidOperationException("The request content stream is not seekable and was already sent; it cannot be sent again on a retry.");
        }
        return _stream;
    }
}
