using System;
using System.Buffers;
using System.Threading;
using System.Threading.Tasks;

namespace Generated.OpenAI.Benchmarks.Support;

/// <summary>
/// The app's side of a session whose receive loop runs against a flooding server, as an audio sink
/// (<see cref="OnAudio"/>, which copies the PCM into the playback buffer, as an app's player would) or as the session's
/// audio output (<see cref="IBufferWriter{T}"/>: the PCM is decoded straight into <see cref="Output"/>). One benchmark
/// operation waits for the next <c>n</c> deltas (<see cref="ReceiveAsync"/>).
/// <para>Gated (the default): it lets exactly the deltas an operation asks for through, then blocks the loop until the
/// next operation, so that between operations the session reads nothing (TCP stops the server) and burns no CPU that
/// would land in another benchmark. Ungated: the loop is never held; an operation waits for the loop to count its
/// deltas, as the connection row reads a stream that never stops.</para>
/// </summary>
internal sealed class GatedAudioSink : IBufferWriter<byte>, IDisposable
{
    private readonly byte[] _playback;
    private readonly bool _gated;
    private readonly SemaphoreSlim _gate = new(0);
    private long _received;
    private long _target = 1;
    private TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _disposed;

    public GatedAudioSink(byte[] playback, bool gated = true)
    {
        _playback = playback;
        _gated = gated;
        Output = new byte[playback.Length + 4096]; // the session asks for 3/4 of the message: the PCM and a little more
    }

    /// <summary>The player's buffer when this is the session's audio output: each delta is decoded at its start.</summary>
    public byte[] Output { get; }

    /// <summary>Completes when the first delta has arrived (a gated loop is then parked).</summary>
    public Task FirstDelta => _done.Task;

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

    /// <summary>Lets <paramref name="deltas"/> more deltas through and completes when the last of them arrived.</summary>
    public Task ReceiveAsync(int deltas)
    {
        _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _target, Volatile.Read(ref _received) + deltas);
        if (_gated)
        {
            _gate.Release();
        }

        return _done.Task;
    }

    /// <summary>Releases the loop for good (before the session is disposed).</summary>
    public void Dispose()
    {
        _disposed = true;
        _gate.Release();
    }

    private void Delivered()
    {
        long received = Volatile.Read(ref _received) + 1;
        Volatile.Write(ref _received, received);
        if (received == Volatile.Read(ref _target))
        {
            _done.TrySetResult();
            if (_gated && !_disposed)
            {
                _gate.Wait();
            }
        }
    }
}
