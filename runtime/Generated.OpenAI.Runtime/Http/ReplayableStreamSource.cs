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

    /// <summary>
    /// Called when content for a new attempt is created: a non-seekable stream allows one attempt only, and the
    /// second call fails fast, before anything is sent, with <see cref="ContentNotReplayableException"/>.
    /// </summary>
    public void BeginAttempt()
    {
        if (!_stream.CanSeek && Interlocked.Increment(ref _reads) > 1)
        {
            throw new ContentNotReplayableException();
        }
    }

    /// <summary>Positions the stream where it started (when seekable) and returns it; not to be disposed by the caller.</summary>
    public Stream Rewind()
    {
        if (_stream.CanSeek)
        {
            _stream.Position = _start;
        }
        return _stream;
    }
}
