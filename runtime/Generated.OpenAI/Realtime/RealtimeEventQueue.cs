using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;

namespace Generated.OpenAI.Realtime;

/// <summary>
/// The events a session received and the app has not read yet, bounded in events and in bytes (the size of each
/// event's JSON). One writer (the receive loop), one reader at a time. When it is full the writer waits, so the
/// receive loop stops reading the socket and TCP carries the backpressure to the server; with
/// <see cref="RealtimeBackpressure.DropOldestAudio"/> the oldest queued audio deltas are dropped instead (counted),
/// and the writer waits only when no audio delta is left to drop. Every other event is kept.
/// </summary>
/// <remarks>
/// An event can be queued as BORROWED (it points into the connection's receive buffer): the writer then waits in
/// <see cref="WaitForReturnAsync"/> until the reader has taken it and asked for the next one, and only then reads the
/// socket again. Waiting allocates nothing: each side has one reusable signal. A reader that asks for more while the
/// writer waits so may run the writer's next step itself (<see cref="TryBeginStep"/>, <see cref="EndStep"/>).
/// </remarks>
internal sealed class RealtimeEventQueue<T>
    where T : class
{
    private readonly object _lock = new();
    private readonly int _capacity;
    private readonly long _capacityBytes;
    private readonly RealtimeBackpressure _policy;
    private readonly Signal _readable;
    private readonly Signal _writable;
    private readonly Signal _returned;
    private Entry[] _ring;
    private int _head;
    private int _count;
    private long _bytes;
    private bool _completed;
    private Exception? _error;
    private BorrowState _borrow;
    private bool _stepping;
    private long _droppedAudioDeltas;

    public RealtimeEventQueue(int capacity, long capacityBytes, RealtimeBackpressure policy)
    {
        _capacity = Math.Max(1, capacity);
        _capacityBytes = Math.Max(1, capacityBytes);
        _policy = policy;
        _ring = new Entry[Math.Min(_capacity, 64)];
        _readable = new Signal(_lock, runContinuationsAsynchronously: true);
        _writable = new Signal(_lock, runContinuationsAsynchronously: true);
        // The reader returning a borrowed event resumes the receive loop on the reader's own thread: it receives and
        // parses the next message right there (usually already buffered) and queues it before the reader looks again,
        // with no thread switch. Only this side runs inline, so the two can never recurse into each other.
        _returned = new Signal(_lock, runContinuationsAsynchronously: false);
    }

    private enum BorrowState
    {
        None,
        Queued,
        Taken,
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

    /// <summary>Audio deltas dropped by <see cref="RealtimeBackpressure.DropOldestAudio"/> so far.</summary>
    public long DroppedAudioDeltas => Interlocked.Read(ref _droppedAudioDeltas);

    /// <summary>
    /// Queues <paramref name="item"/>, waiting while the queue is full. An event larger than the byte capacity is
    /// queued alone once the queue is empty. Returns false when the queue was completed meanwhile.
    /// </summary>
    public ValueTask<bool> EnqueueAsync(T item, int bytes, bool isAudio, bool borrowed, CancellationToken cancellationToken)
    {
        ValueTask wait;
        lock (_lock)
        {
            if (TryEnqueueLocked(item, bytes, isAudio, borrowed, out bool accepted))
            {
                return new ValueTask<bool>(accepted);
            }

            wait = _writable.Arm();
        }

        return EnqueueSlowAsync(wait, item, bytes, isAudio, borrowed, cancellationToken);
    }

    /// <summary>Waits until the reader has taken the borrowed event and asked for the next one (or the queue ended).</summary>
    public ValueTask WaitForReturnAsync(CancellationToken cancellationToken)
    {
        ValueTask wait;
        lock (_lock)
        {
            if (_borrow == BorrowState.None)
            {
                return default;
            }

            wait = _returned.Arm();
        }

        return _returned.WaitAsync(wait, cancellationToken);
    }

    /// <summary>
    /// The reader asks for the next event after taking a borrowed one, nothing is queued and the writer waits for it
    /// back (<see cref="WaitForReturnAsync"/>): the reader may take over the writer's next step itself (true). The
    /// borrowed event counts as returned, and the writer stays parked until <see cref="EndStep"/>, so that exactly one
    /// of the two receives at any time; <see cref="Complete"/> meanwhile leaves the wake to <see cref="EndStep"/>.
    /// </summary>
    public bool TryBeginStep()
    {
        lock (_lock)
        {
            if (_borrow != BorrowState.Taken || !_returned.IsArmed || _count > 0 || _completed)
            {
                return false;
            }

            _borrow = BorrowState.None;
            _stepping = true;
            return true;
        }
    }

    /// <summary>
    /// Ends the reader's step. <paramref name="lent"/>: the reader hands a new borrowed event to the app itself, and the
    /// writer stays parked, now waiting for that one (true); refused (false) when the queue was completed meanwhile, and
    /// the step is then still the reader's: it hands its outcome to the writer and ends the step again without lending.
    /// Without lending the writer resumes, on this thread, and goes on from what the reader handed it (false): whatever
    /// the reader hands over must be written before this call.
    /// </summary>
    public bool EndStep(bool lent)
    {
        bool wake;
        lock (_lock)
        {
            if (lent)
            {
                if (_completed)
                {
                    return false; // still stepping: Complete left the wake to the step's end, which is not this call
                }

                _stepping = false;
                _borrow = BorrowState.Taken;
                return true;
            }

            _stepping = false;
            wake = _returned.Disarm();
        }

        if (wake)
        {
            _returned.Set();
        }

        return false;
    }

    /// <summary>Takes the oldest event, if any; asking returns an event borrowed before.</summary>
    public bool TryDequeue(out T? item)
    {
        if (TryTake(out item, out bool returned))
        {
            return true;
        }

        // A borrowed event was just returned and the receive loop resumed on this thread (the signal runs it inline):
        // it has usually queued the next event already, so look once more before the caller waits.
        return returned && TryTake(out item, out _);
    }

    private bool TryTake(out T? item, out bool returned)
    {
        bool spaceFreed = false;
        item = null;
        lock (_lock)
        {
            returned = ReturnBorrowedLocked();
            if (_count > 0)
            {
                ref Entry entry = ref _ring[_head];
                item = entry.Item;
                if (entry.IsBorrowed)
                {
                    _borrow = BorrowState.Taken;
                }

                _bytes -= entry.Bytes;
                entry = default;
                _head = (_head + 1) % _ring.Length;
                _count--;
                spaceFreed = _writable.Disarm();
            }
        }

        // Outside the lock: the returned signal runs the receive loop inline.
        FinishSignals(returned, spaceFreed);
        return item is not null;
    }

    /// <summary>
    /// Waits until an event can be taken (true) or the queue is completed and drained (false, or the exception it
    /// was completed with). Asking returns an event borrowed before.
    /// </summary>
    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken)
    {
        bool returned;
        lock (_lock)
        {
            returned = ReturnBorrowedLocked();
        }

        if (returned)
        {
            // The receive loop resumes on this thread (this signal runs its continuation inline) and usually receives
            // and queues the next event before Set returns, so the check below finds it without arming a wait: a
            // borrowed event costs no Arm/Set of the readable signal (Perf_RealtimeReceive's ZeroCopy loop row).
            _returned.Set();
        }

        ValueTask wait;
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

            wait = _readable.Arm();
        }

        return WaitToReadSlowAsync(wait, cancellationToken);
    }

    /// <summary>No more events: readers drain what is queued, then see the end (or <paramref name="error"/>).</summary>
    public void Complete(Exception? error)
    {
        bool readable;
        bool writable;
        bool returned;
        lock (_lock)
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            _error = error;
            readable = _readable.Disarm();
            writable = _writable.Disarm();
            returned = !_stepping && _returned.Disarm(); // a reader's step under way wakes the writer when it ends
            _borrow = BorrowState.None;
        }

        if (readable)
        {
            _readable.Set();
        }

        if (writable)
        {
            _writable.Set();
        }

        if (returned)
        {
            _returned.Set();
        }
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

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> EnqueueSlowAsync(ValueTask wait, T item, int bytes, bool isAudio, bool borrowed, CancellationToken cancellationToken)
    {
        while (true)
        {
            await _writable.WaitAsync(wait, cancellationToken).ConfigureAwait(false);
            lock (_lock)
            {
                if (TryEnqueueLocked(item, bytes, isAudio, borrowed, out bool accepted))
                {
                    return accepted;
                }

                wait = _writable.Arm();
            }
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> WaitToReadSlowAsync(ValueTask wait, CancellationToken cancellationToken)
    {
        await _readable.WaitAsync(wait, cancellationToken).ConfigureAwait(false);
        return await WaitToReadAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Returns true when done (queued, or refused because the queue is completed); false when it must wait.</summary>
    private bool TryEnqueueLocked(T item, int bytes, bool isAudio, bool borrowed, out bool accepted)
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

        _ring[(_head + _count) % _ring.Length] = new Entry(item, bytes, isAudio, borrowed);
        _count++;
        _bytes += bytes;
        if (borrowed)
        {
            _borrow = BorrowState.Queued;
        }

        if (_readable.Disarm())
        {
            // Set under the lock: the reader's continuation runs asynchronously, never inside it.
            _readable.Set();
        }

        accepted = true;
        return true;
    }

    /// <summary>The reader asked for more after taking a borrowed event: the writer may reuse the buffer.</summary>
    private bool ReturnBorrowedLocked()
    {
        if (_borrow != BorrowState.Taken)
        {
            return false;
        }

        _borrow = BorrowState.None;
        return _returned.Disarm();
    }

    private void FinishSignals(bool returned, bool writable)
    {
        if (returned)
        {
            _returned.Set();
        }

        if (writable)
        {
            _writable.Set();
        }
    }

    private bool Fits(int bytes) => _count == 0 || (_count < _capacity && _bytes + bytes <= _capacityBytes);

    private void DropOldestAudioLocked(int bytes)
    {
        // Make the ring contiguous from index 0 (rotate in place), then compact it, skipping the oldest audio
        // deltas until the new event fits. A borrowed event is never dropped (the writer is waiting for it).
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
            if (entry.IsAudio && !entry.IsBorrowed && !Fits(bytes))
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

    private readonly record struct Entry(T? Item, int Bytes, bool IsAudio, bool IsBorrowed);

    /// <summary>
    /// One side's reusable wait: armed under the queue's lock by the side that must wait, disarmed under the lock by
    /// the side that wakes it (which then sets it outside the lock). No allocation per wait.
    /// </summary>
    private sealed class Signal(object gate, bool runContinuationsAsynchronously) : IValueTaskSource
    {
        private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = runContinuationsAsynchronously };

        /// <summary>Guarded by the queue's lock.</summary>
        public bool IsArmed { get; private set; }

        /// <summary>Under the lock: the caller will wait on the returned task.</summary>
        public ValueTask Arm()
        {
            _core.Reset();
            IsArmed = true;
            return new ValueTask(this, _core.Version);
        }

        /// <summary>Under the lock: whether a waiter was armed (the caller must then <see cref="Set"/> it).</summary>
        public bool Disarm()
        {
            bool armed = IsArmed;
            IsArmed = false;
            return armed;
        }

        public void Set() => _core.SetResult(true);

        /// <summary>The armed wait, made cancelable when <paramref name="cancellationToken"/> can be canceled.</summary>
        public ValueTask WaitAsync(ValueTask wait, CancellationToken cancellationToken)
            => cancellationToken.CanBeCanceled ? WaitCancelableAsync(wait, cancellationToken) : wait;

        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
        private async ValueTask WaitCancelableAsync(ValueTask wait, CancellationToken cancellationToken)
        {
            using (cancellationToken.UnsafeRegister(static (state, token) => ((Signal)state!).Cancel(token), this))
            {
                await wait.ConfigureAwait(false);
            }
        }

        public void GetResult(short token) => _core.GetResult(token);

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
            => _core.OnCompleted(continuation, state, token, flags);

        private void Cancel(CancellationToken token)
        {
            lock (gate)
            {
                if (!Disarm())
                {
                    return;
                }
            }

            _core.SetException(new OperationCanceledException(token));
        }
    }
}
