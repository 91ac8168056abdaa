using System;
using System.Buffers;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;

namespace Generated.OpenAI.Benchmarks.Support;

/// <summary>
/// The app's side of a session whose receive loop decodes audio deltas, as an audio sink (<see cref="OnAudio"/>, which
/// copies the PCM into the playback buffer, as an app's player would) or as the session's audio output
/// (<see cref="IBufferWriter{T}"/>: the PCM is decoded straight into <see cref="Output"/>). It counts the deltas; one
/// benchmark operation waits, once, until the count has reached the operation's share (<see cref="ReceiveAsync"/>).
/// The loop is never held: it decodes what the server sends as it arrives, as the connection-level row reads it.
/// </summary>
/// <remarks>
/// Allocates nothing per operation (one reusable <see cref="IValueTaskSource"/>). The loop's side is a plain increment,
/// a read of <c>_waiting</c> and, once per operation, the signal: the harness adds no interlocked operation per delta to
/// the row it measures.
/// </remarks>
internal sealed class CountingAudioSink : IBufferWriter<byte>, IValueTaskSource
{
    private readonly byte[] _playback;
    private ManualResetValueTaskSourceCore<bool> _completion = new() { RunContinuationsAsynchronously = true };
    private long _received; // written by the session's loop only
    private long _target;   // written by the benchmark's thread only
    private int _waiting;   // 1 while an operation waits for _target

    public CountingAudioSink(byte[] playback)
    {
        _playback = playback;
        Output = new byte[playback.Length + 4096]; // the session asks for 3/4 of the message: the PCM and a little more
    }

    /// <summary>The player's buffer when this is the session's audio output: each delta is decoded at its start.</summary>
    public byte[] Output { get; }

    /// <summary>The sink; give it to <c>RealtimeSessionOptions.AudioSink</c>.</summary>
    public void OnAudio(ReadOnlySpan<byte> pcm)
    {
        pcm.CopyTo(_playback);
        Delivered();
    }

    /// <summary>The output's side: the PCM is already in <see cref="Output"/>.</summary>
    public void Advance(int count) => Delivered();

    public Memory<byte> GetMemory(int sizeHint = 0) => Output;

    public Span<byte> GetSpan(int sizeHint = 0) => Output;

    /// <summary>
    /// Completes when <paramref name="deltas"/> more deltas than the previous operation's target have arrived (at once
    /// if they already have): over the operations, each is charged its own deltas, however far ahead the loop runs.
    /// </summary>
    public ValueTask ReceiveAsync(int deltas)
    {
        long target = _target + deltas;
        if (Volatile.Read(ref _received) >= target)
        {
            Volatile.Write(ref _target, target);
            return default;
        }

        _completion.Reset();
        Volatile.Write(ref _target, target);

        // The target is written before _waiting, so a loop that sees _waiting = 1 compares with this target. The
        // exchange is a full fence before the re-read of _received: a delta counted just before it is seen here.
        Interlocked.Exchange(ref _waiting, 1);
        if (Volatile.Read(ref _received) >= target)
        {
            Signal();
        }

        return new ValueTask(this, _completion.Version);
    }

    private void Delivered()
    {
        long received = _received + 1;
        Volatile.Write(ref _received, received);

        // A count written but not yet visible when the benchmark's thread re-read it (the store and this load are not
        // fenced against each other) is seen at the next delta, which is on its way: each operation asks the server
        // for the next one's frames before it waits.
        if (Volatile.Read(ref _waiting) != 0 && received >= Volatile.Read(ref _target))
        {
            Signal();
        }
    }

    private void Signal()
    {
        if (Interlocked.Exchange(ref _waiting, 0) == 1)
        {
            _completion.SetResult(true);
        }
    }

    void IValueTaskSource.GetResult(short token) => _completion.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _completion.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _completion.OnCompleted(continuation, state, token, flags);
}
