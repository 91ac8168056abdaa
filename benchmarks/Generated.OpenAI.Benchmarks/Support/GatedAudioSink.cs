using System;
using System.Threading;
using System.Threading.Tasks;

namespace Generated.OpenAI.Benchmarks.Support;

/// <summary>
/// An audio sink for a session whose receive loop runs against a flooding server: it lets exactly the number of
/// deltas one benchmark operation asks for through (<see cref="ReceiveAsync"/>), then blocks the loop until the next
/// operation, so that between operations the session reads nothing (TCP stops the server) and burns no CPU that would
/// land in another benchmark. The PCM is copied into the playback buffer, as an app's player would.
/// </summary>
internal sealed class GatedAudioSink : IDisposable
{
    private readonly byte[] _playback;
    private readonly SemaphoreSlim _gate = new(0);
    private int _remaining = 1;
    private TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _disposed;

    public GatedAudioSink(byte[] playback)
    {
        _playback = playback;
    }

    /// <summary>Completes when the first delta has arrived (the loop is then parked in the sink).</summary>
    public Task FirstDelta => _done.Task;

    /// <summary>The sink; give it to <c>RealtimeSessionOptions.AudioSink</c>.</summary>
    public void OnAudio(ReadOnlySpan<byte> pcm)
    {
        pcm.CopyTo(_playback);
        if (--_remaining == 0 && !_disposed)
        {
            _done.TrySetResult();
            _gate.Wait();
        }
    }

    /// <summary>Lets <paramref name="deltas"/> deltas through and completes when the last of them was copied.</summary>
    public Task ReceiveAsync(int deltas)
    {
        _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _remaining = deltas;
        _gate.Release();
        return _done.Task;
    }

    /// <summary>Releases the loop for good (before the session is disposed).</summary>
    public void Dispose()
    {
        _disposed = true;
        _gate.Release();
    }
}
