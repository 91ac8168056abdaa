using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace Generated.OpenAI.Realtime;

/// <summary>
/// The events a session received and the app has not read yet, bounded in events and in bytes (the size of each
/// event's JSON). One writer (the receive loop), one reader at a time. When it is full the writer waits, so the
/// receive loop stops reading the socket and TCP carries the backpressure to the server; with
/// <see cref="RealtimeBackpressure.DropOldestAudio"/> the oldest queued audio deltas are dropped instead (counted),
/// and the writer waits only when no audio delta is left to drop. Every other event is kept.
/// </summary>
internal sealed class RealtimeEventQueue<T>
    where T : class
{
    private readonly object _lock = new();
    private readonly int _capacity;
    private readonly long _capacityBytes;
    private readonly RealtimeBackpressure _policy;
    private Entry[] _ring;
    private int _head;
    private int _count;
    private long _bytes;
    private bool _completed;
    private Exception? _error;
    private TaskCompletionSource? _readable;
    private TaskCompletionSource? _writable;
    private long _droppedAudioDeltas;

    public RealtimeEventQueue(int capacity, long capacityBytes, RealtimeBackpressure policy)
    {
        _capacity = Math.Max(1, capacity);
        _capacityBytes = Math.Max(1, capacityBytes);
        _policy = policy;
        _ring = new Entry[Math.Min(_capacity, 64)];
    }

    /// <summary>Events queued now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    /// <summary>Bytes of JSON queued now.</summary>
    public long Bytes
    {
        get
        {
            lock (_lock)
            {
                return _bytes;
            }
        }
    }

    /// <summary>Audio deltas dropped by <see cref="RealtimeBackpressure.DropOldestAudio"/> so far.</summary>
    public long DroppedAudioDeltas => Interlocked.Read(ref _droppedAudioDeltas);

    /// <summary>
    /// Queues <paramref name="item"/>, waiting while the queue is full. An event larger than the byte capacity is
    /// queued alone once the queue is empty. Returns false when the queue was completed meanwhile.
    /// </summary>
    public ValueTask<bool> EnqueueAsync(T item, int bytes, bool isAudio, CancellationToken cancellationToken)
    {
        Task wait;
        lock (_lock)
        {
            if (TryEnqueueLocked(item, bytes, isAudio, out bool accepted))
            {
                return new ValueTask<bool>(accepted);
            }

            _writable ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            wait = _writable.Task;
        }

        return EnqueueSlowAsync(wait, item, bytes, isAudio, cancellationToken);
    }

    /// <summary>Takes the oldest event, if any.</summary>
    public bool TryDequeue(out T? item)
    {
        TaskCompletionSource? writable;
        lock (_lock)
        {
            if (_count == 0)
            {
                item = null;
                return false;
            }

            ref Entry entry = ref _ring[_head];
            item = entry.Item;
            _bytes -= entry.Bytes;
            entry = default;
            _head = (_head + 1) % _ring.Length;
            _count--;
            writable = _writable;
            _writable = null;
        }

        writable?.TrySetResult();
        return true;
    }

    /// <summary>
    /// Waits until an event can be taken (true) or the queue is completed and drained (false, or the exception it
    /// was completed with).
    /// </summary>
    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken)
    {
        Task wait;
        lock (_lock)
        {
            if (_count > 0)
            {
                return new ValueTask<bool>(true);
            }

            if (_completed)
            {
                return _error is null ? new ValueTask<bool>(false) : ValueTask.FromException<bool>(_error);
            }

            _readable ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            wait = _readable.Task;
        }

        return WaitToReadSlowAsync(wait, cancellationToken);
    }

    public async IAsyncEnumerable<T> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (await WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (TryDequeue(out T? item))
            {
                yield return item!;
            }
        }
    }

    /// <summary>No more events: readers drain what is queued, then see the end (or <paramref name="error"/>).</summary>
    public void Complete(Exception? error)
    {
        TaskCompletionSource? readable;
        TaskCompletionSource? writable;
        lock (_lock)
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            _error = error;
            readable = _readable;
            writable = _writable;
            _readable = null;
            _writable = null;
        }

        readable?.TrySetResult();
        writable?.TrySetResult();
    }

    /// <summary>Drops every queued event (the session was disposed): what it held is released.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            Array.Clear(_ring);
            _head = 0;
            _count = 0;
            _bytes = 0;
        }
    }

    private async ValueTask<bool> EnqueueSlowAsync(Task wait, T item, int bytes, bool isAudio, CancellationToken cancellationToken)
    {
        while (true)
        {
            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
            lock (_lock)
            {
                if (TryEnqueueLocked(item, bytes, isAudio, out bool accepted))
                {
                    return accepted;
                }

                _writable ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _writable.Task;
            }
        }
    }

    private async ValueTask<bool> WaitToReadSlowAsync(Task wait, CancellationToken cancellationToken)
    {
        await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await WaitToReadAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Returns true when done (queued, or refused because the queue is completed); false when it must wait.</summary>
    private bool TryEnqueueLocked(T item, int bytes, bool isAudio, out bool accepted)
    {
        if (_completed)
        {
            accepted = false;
            return true;
        }

        if (!Fits(bytes) && _policy == RealtimeBackpressure.DropOldestAudio)
        {
            DropOldestAudioLocked(bytes);
        }

        if (!Fits(bytes))
        {
            accepted = false;
            return false;
        }

        if (_count == _ring.Length)
        {
            Grow();
        }

        _ring[(_head + _count) % _ring.Length] = new Entry(item, bytes, isAudio);
        _count++;
        _bytes += bytes;
        TaskCompletionSource? readable = _readable;
        _readable = null;
        readable?.TrySetResult();
        accepted = true;
        return true;
    }

    private bool Fits(int bytes) => _count == 0 || (_count < _capacity && _bytes + bytes <= _capacityBytes);

    private void DropOldestAudioLocked(int bytes)
    {
        // Make the ring contiguous from index 0 (rotate in place), then compact it, skipping the oldest audio
        // deltas until the new event fits.
        if (_head != 0)
        {
            Array.Reverse(_ring, 0, _head);
            Array.Reverse(_ring, _head, _ring.Length - _head);
            Array.Reverse(_ring);
            _head = 0;
        }

        int count = _count;
        int kept = 0;
        for (int i = 0; i < count; i++)
        {
            Entry entry = _ring[i];
            if (entry.IsAudio && !Fits(bytes))
            {
                _bytes -= entry.Bytes;
                _count--;
                Interlocked.Increment(ref _droppedAudioDeltas);
                continue;
            }

            _ring[kept++] = entry;
        }

        Array.Clear(_ring, kept, count - kept);
    }

    private void Grow()
    {
        var larger = new Entry[Math.Min(_capacity, _ring.Length * 2)];
        for (int i = 0; i < _count; i++)
        {
            larger[i] = _ring[(_head + i) % _ring.Length];
        }

        _ring = larger;
        _head = 0;
    }

    private readonly record struct Entry(T? Item, int Bytes, bool IsAudio);
}
