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
/// An event can be queued with a LEASE (<see cref="IRealtimeEventLease"/>: a default typed audio delta's hold on the
/// retained message it borrows from): the queue releases it when the reader asks for the next event after taking it,
/// when <see cref="RealtimeBackpressure.DropOldestAudio"/> drops it, or in <see cref="Clear"/>. The writer waits for a
/// leased event only when it parks SOFTLY after it (the reader had caught up: see the parkEpoch overload of EnqueueAsync),
/// a park that <see cref="Unpark"/> ends at any time. Releasing runs under the queue's lock (a compare-exchange in the
/// connection and a pool push, no callbacks), or on a reader's step (<see cref="TakeTakenLease"/>: a step owns the taken
/// lease while it runs, even against a dispose's <see cref="Clear"/>, so it takes it with no atomic operation; see
/// <see cref="TakenLeaseOwnedByStep"/>). Whatever ends a soft
/// park while no step is under way (<see cref="Unpark"/>, <see cref="Complete"/>) first has the reader's lease keep what it
/// borrows past the writer's next receive (<see cref="IRealtimeEventLease.KeepPastReceive"/>: a reader's step may have lent
/// it straight from the receive buffer).
/// <para>An event can be queued as BORROWED (it points into the connection's receive buffer): the writer then waits in
/// <see cref="WaitForReturnAsync"/> until the reader has taken it and asked for the next one, and only then reads the
/// socket again. Waiting allocates nothing: each side has one reusable signal. A reader that asks for more while the
/// writer waits so may run the writer's next step itself (<see cref="TryBeginStep"/>, <see cref="EndStep"/>).</para>
/// <para><b>The step's state.</b> Everything else is guarded by one lock. The step hand-over, which a zero-copy reader
/// goes through for every audio delta, is one int changed with <see cref="Interlocked.CompareExchange(ref int, int, int)"/>
/// instead (<see cref="StepState"/>): taking the step and lending the next event are one atomic operation each, with no
/// lock (two uncontended locks cost about 50 ns a delta, a third of what a lent delta cost over the connection's
/// receive). The lock still orders the rest: the writer becomes parked only under it (<see cref="MarkParkedLocked"/>),
/// and whatever takes the writer out of its park under it (the reader returning the event, <see cref="Complete"/>)
/// first takes the state out of <see cref="StepState.Parked"/> with a compare-exchange, which a reader's
/// <see cref="TryBeginStep"/> either won before (the step is under way) or loses.</para>
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
    private int _step; // a StepState: written under the lock or by a compare-exchange, never plainly
    private bool _softPark; // the borrowed event is a lent one the writer only parks for (see EnqueueAsync's parkEpoch)
    private int _unparks; // Unpark calls (under the lock): a writer that read an older value does not park softly
    private int _softActivity; // soft parks and the reader's lending steps, for the writer's idle check (SoftParkActivity)
    private long _droppedAudioDeltas;
    private IRealtimeEventLease? _takenLease; // the lease of the event the reader took last, released when it asks again

    /// <summary>Whether the writer's last <see cref="EnqueueAsync(T, int, bool, bool, IRealtimeEventLease?, int, CancellationToken)"/> parked it softly (the writer's own field).</summary>
    public bool LastEnqueueParked { get; private set; }

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

    /// <summary>Whether a reader may run the writer's step, or runs it (see <see cref="TryBeginStep"/>).</summary>
    private enum StepState
    {
        /// <summary>No step to take: the fields under the lock say where the queue is.</summary>
        None,

        /// <summary>
        /// The writer waits for a borrowed event that the reader took, nothing is queued and the queue is not completed:
        /// the reader may take the step. <c>_borrow</c> is <see cref="BorrowState.Taken"/> and <c>_returned</c> armed.
        /// </summary>
        Parked,

        /// <summary>A reader runs the writer's step; the writer stays parked until <see cref="EndStep"/>.</summary>
        Stepping,

        /// <summary>
        /// <see cref="Stepping"/>, and <see cref="Complete"/> or <see cref="Unpark"/> ran meanwhile: it left the writer's
        /// wake to the step's end (the step may not lend).
        /// </summary>
        SteppingCompleted,
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
        => EnqueueAsync(item, bytes, isAudio, borrowed, lease: null, cancellationToken);

    /// <summary>
    /// <see cref="EnqueueAsync(T, int, bool, bool, CancellationToken)"/> for an event that holds <paramref name="lease"/>:
    /// the queue releases it when the reader asks for the next event after taking this one, when it drops the event,
    /// or when it is cleared. Not queued (false: the queue was completed), the lease stays the caller's.
    /// </summary>
    public ValueTask<bool> EnqueueAsync(T item, int bytes, bool isAudio, bool borrowed, IRealtimeEventLease? lease, CancellationToken cancellationToken)
        => EnqueueAsync(item, bytes, isAudio, borrowed, lease, parkEpoch: -1, cancellationToken);

    /// <summary>
    /// <see cref="EnqueueAsync(T, int, bool, bool, IRealtimeEventLease?, CancellationToken)"/>, and with
    /// <paramref name="parkEpoch"/> (a <see cref="ParkEpoch"/> read before the writer checked that nothing needs it to run
    /// on; -1 for never) the writer PARKS SOFTLY when the reader has caught up (nothing is queued before this event) and no
    /// <see cref="Unpark"/> came since that read: the event is queued as borrowed (<see cref="LastEnqueueParked"/>), the
    /// writer waits in <see cref="WaitForReturnAsync"/>, and the reader may run its next steps (<see cref="TryBeginStep"/>).
    /// Unlike a borrowed event's park, a soft one ends whenever <see cref="Unpark"/> says so: the event's lease keeps
    /// what it points into valid either way.
    /// </summary>
    public ValueTask<bool> EnqueueAsync(T item, int bytes, bool isAudio, bool borrowed, IRealtimeEventLease? lease, int parkEpoch, CancellationToken cancellationToken)
    {
        ValueTask wait;
        LastEnqueueParked = false;
        lock (_lock)
        {
            if (parkEpoch >= 0 && !borrowed && _count == 0 && !_completed && parkEpoch == _unparks)
            {
                borrowed = true;
                _softPark = true;
                LastEnqueueParked = true;
                _softActivity++;
            }

            if (TryEnqueueLocked(item, bytes, isAudio, borrowed, lease, out bool accepted))
            {
                return new ValueTask<bool>(accepted);
            }

            wait = _writable.Arm();
        }

        return EnqueueSlowAsync(wait, item, bytes, isAudio, borrowed, lease, cancellationToken);
    }

    /// <summary>Waits until the reader has taken the borrowed event and asked for the next one (or the queue ended).</summary>
    public ValueTask WaitForReturnAsync(CancellationToken cancellationToken)
    {
        ValueTask wait;
        lock (_lock)
        {
            if (_borrow == BorrowState.None)
            {
                _softPark = false; // an Unpark came between the enqueue and this wait
                return default;
            }

            wait = _returned.Arm();
            MarkParkedLocked();
        }

        return _returned.WaitAsync(wait, cancellationToken);
    }

    /// <summary>
    /// The reader asks for the next event after taking a borrowed one, nothing is queued and the writer waits for it
    /// back (<see cref="WaitForReturnAsync"/>): the reader may take over the writer's next step itself (true). The
    /// borrowed event counts as returned, and the writer stays parked until <see cref="EndStep"/>, so that exactly one
    /// of the two receives at any time; <see cref="Complete"/> meanwhile leaves the wake to <see cref="EndStep"/>.
    /// </summary>
    /// <remarks>No lock: one compare-exchange from <see cref="StepState.Parked"/>, which only the lock's holders set.</remarks>
    public bool TryBeginStep()
        => Volatile.Read(ref _step) == (int)StepState.Parked
            && Interlocked.CompareExchange(ref _step, (int)StepState.Stepping, (int)StepState.Parked) == (int)StepState.Parked;

    /// <summary>
    /// Ends the reader's step. <paramref name="lent"/>: the reader hands a new borrowed event to the app itself, and the
    /// writer stays parked, now waiting for that one (true); refused (false) when the queue was completed meanwhile, and
    /// the step is then still the reader's: it hands its outcome to the writer and ends the step again without lending.
    /// Without lending the writer resumes, on this thread, and goes on from what the reader handed it (false): whatever
    /// the reader hands over must be written before this call.
    /// </summary>
    /// <remarks>
    /// Lending takes no lock: one compare-exchange back to <see cref="StepState.Parked"/> (<c>_borrow</c> stayed
    /// <see cref="BorrowState.Taken"/> and <c>_returned</c> armed through the step), which fails only when
    /// <see cref="Complete"/> ran meanwhile. Handing the step to the writer takes the lock, which orders what the
    /// reader handed over before the writer reads it.
    /// </remarks>
    public bool EndStep(bool lent)
    {
        if (lent)
        {
            // Refused: still stepping, Complete or Unpark left the wake to the step's end, which is not this call.
            _softActivity++; // the reader's own count while it holds the step (a racy read by the idle check is harmless)
            return Interlocked.CompareExchange(ref _step, (int)StepState.Parked, (int)StepState.Stepping) == (int)StepState.Stepping;
        }

        bool wake;
        lock (_lock)
        {
            Volatile.Write(ref _step, (int)StepState.None);
            _borrow = BorrowState.None;
            _softPark = false;
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
            ReleaseTakenLocked();
            returned = ReturnBorrowedLocked();
            if (_count > 0)
            {
                ref Entry entry = ref _ring[_head];
                item = entry.Item;
                _takenLease = entry.Lease;
                bool borrowed = entry.IsBorrowed;
                _bytes -= entry.Bytes;
                entry = default;
                _head = (_head + 1) % _ring.Length;
                _count--;
                spaceFreed = IsBelowLowWater() && _writable.Disarm();
                if (borrowed && _borrow == BorrowState.Queued)
                {
                    // (Not after an Unpark: the writer no longer waits for a soft park's event.)
                    _borrow = BorrowState.Taken;
                    MarkParkedLocked(); // when the writer already waits for it
                }
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
            ReleaseTakenLocked();
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
            returned = !LeaveParkedForCompleteLocked() && _returned.Disarm(); // a reader's step under way wakes the writer when it ends
            _borrow = BorrowState.None;
            _softPark = false;
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

    /// <summary>
    /// What a writer reads before it checks that nothing needs it to run on (no call waits for an answer, no close, no
    /// audio sink), and passes to <see cref="EnqueueAsync(T, int, bool, bool, IRealtimeEventLease?, int, CancellationToken)"/>:
    /// an <see cref="Unpark"/> after the read (its caller changed what the writer checked first) stops the soft park.
    /// </summary>
    public int ParkEpoch => Volatile.Read(ref _unparks);

    /// <summary>
    /// While the writer is parked softly: a count that moves with each soft park and each step a reader lends from, for an
    /// idle check (a park with no step for a while ends: see the session's soft-park tick); -1 otherwise.
    /// </summary>
    public int SoftParkActivity => Volatile.Read(ref _softPark) ? Volatile.Read(ref _softActivity) : -1;

    /// <summary>
    /// Ends a soft park (see <see cref="EnqueueAsync(T, int, bool, bool, IRealtimeEventLease?, int, CancellationToken)"/>),
    /// now or at the end of a reader's step under way (which then may not lend), and stops one about to begin: the writer
    /// goes on receiving while the app holds its event. Any thread. The writer is woken on the thread pool, never inline
    /// on the caller (an app's call that registers a waiter must not run the receive loop). A borrowed event's park (not
    /// soft) is left alone: its event points into the receive buffer.
    /// </summary>
    public void Unpark()
    {
        bool wake = false;
        lock (_lock)
        {
            _unparks++;
            if (!_softPark)
            {
                return;
            }

            _softPark = false;
            while (true)
            {
                int state = Volatile.Read(ref _step);
                int next = state switch
                {
                    (int)StepState.Parked => (int)StepState.None,
                    (int)StepState.Stepping => (int)StepState.SteppingCompleted,
                    _ => state,
                };
                if (next == state || Interlocked.CompareExchange(ref _step, next, state) == state)
                {
                    if (next is (int)StepState.SteppingCompleted)
                    {
                        return; // the step's end (EndStep, not lending) wakes the writer
                    }

                    if (state is (int)StepState.Parked)
                    {
                        // No step runs now, nor can begin, and the writer waits: nothing receives until it is woken
                        // below. The app may hold its event past that: what it borrows must outlive the writer's receive.
                        _takenLease?.KeepPastReceive();
                    }

                    break;
                }
            }

            _borrow = BorrowState.None;
            wake = _returned.Disarm();
        }

        if (wake)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static signal => signal.Set(), _returned, preferLocal: false);
        }
    }

    /// <summary>
    /// A reader that holds the writer's step (<see cref="TryBeginStep"/>) and asks for the next event: the lease of the
    /// event it took last, now its to release (it no longer needs what that event points into); or, after
    /// <see cref="SetTakenLease"/> in a step that may not lend, that lease back. Step holder only, with no atomic
    /// operation: while a step is under way nothing else touches the taken lease (see <see cref="Clear"/>).
    /// </summary>
    public IRealtimeEventLease? TakeTakenLease()
    {
        IRealtimeEventLease? lease = _takenLease;
        if (lease is not null)
        {
            _takenLease = null;
        }

        return lease;
    }

    /// <summary>
    /// A reader's step that lends a new event itself: its lease, released when the reader asks again. Set before
    /// <see cref="EndStep"/> lends (the compare-exchange there publishes it: to <see cref="Unpark"/>, <see cref="Complete"/>
    /// and <see cref="Clear"/>, which look at it only once no step is under way); taken back with
    /// <see cref="TakeTakenLease"/> when the step may not lend. Step holder only.
    /// </summary>
    public void SetTakenLease(IRealtimeEventLease lease) => _takenLease = lease;

    /// <summary>
    /// Drops every queued event (the session was disposed, after <see cref="Complete"/>): what it held is released, and
    /// the lease of the event the reader took last unless a reader's step is under way, which then owns it (see
    /// <see cref="TakenLeaseOwnedByStep"/>): that step can only end without lending (the queue is completed), and
    /// releases it or hands it to the writer, whose refused enqueue releases it.
    /// </summary>
    public void Clear()
    {
        lock (_lock)
        {
            if (!TakenLeaseOwnedByStep)
            {
                ReleaseTakenLocked();
            }

            for (int i = 0; i < _count; i++)
            {
                _ring[(_head + i) % _ring.Length].Lease?.Release();
            }

            Array.Clear(_ring);
            _head = 0;
            _count = 0;
            _bytes = 0;
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> EnqueueSlowAsync(ValueTask wait, T item, int bytes, bool isAudio, bool borrowed, IRealtimeEventLease? lease, CancellationToken cancellationToken)
    {
        while (true)
        {
            await _writable.WaitAsync(wait, cancellationToken).ConfigureAwait(false);
            lock (_lock)
            {
                if (TryEnqueueLocked(item, bytes, isAudio, borrowed, lease, out bool accepted))
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
    private bool TryEnqueueLocked(T item, int bytes, bool isAudio, bool borrowed, IRealtimeEventLease? lease, out bool accepted)
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

        _ring[(_head + _count) % _ring.Length] = new Entry(item, bytes, isAudio, borrowed, lease);
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

    /// <summary>
    /// Whether a reader's step is under way (<see cref="StepState.Stepping"/> or <see cref="StepState.SteppingCompleted"/>):
    /// the step then owns <c>_takenLease</c>. THE TAKEN LEASE'S OWNER: the reader, under the lock when it takes and asks
    /// (<see cref="TryDequeue"/>, <see cref="WaitToReadAsync"/>), or without the lock while it holds the step
    /// (<see cref="TakeTakenLease"/>, <see cref="SetTakenLease"/>: plain reads and writes, no atomic operation per delta);
    /// else the lock's holder: <see cref="Unpark"/> and <see cref="Complete"/> look at it only when they take the state
    /// out of <see cref="StepState.Parked"/> (so no step is under way or can begin), and <see cref="Clear"/> only when this
    /// is false. A step's state changes by compare-exchange (full fences), and one that ends without lending ends under the
    /// lock, so whoever looks at the lease next sees what the step wrote. Under the lock.
    /// </summary>
    private bool TakenLeaseOwnedByStep => Volatile.Read(ref _step) is (int)StepState.Stepping or (int)StepState.SteppingCompleted;

    /// <summary>The reader asked for more: the event it took last gives back what it borrowed (a lent delta's message).</summary>
    private void ReleaseTakenLocked()
    {
        if (_takenLease is { } lease)
        {
            _takenLease = null;
            lease.Release();
        }
    }

    /// <summary>The reader asked for more after taking a borrowed event: the writer may reuse the buffer.</summary>
    private bool ReturnBorrowedLocked()
    {
        // Out of Parked first: a step that won the state meanwhile (a second reader, against the contract) keeps it.
        if (_borrow != BorrowState.Taken
            || Interlocked.CompareExchange(ref _step, (int)StepState.None, (int)StepState.Parked) is (int)StepState.Stepping or (int)StepState.SteppingCompleted)
        {
            return false;
        }

        _borrow = BorrowState.None;
        _softPark = false;
        return _returned.Disarm();
    }

    /// <summary>
    /// Under the lock, after the writer armed its wait for a borrowed event or the reader took one: the state becomes
    /// <see cref="StepState.Parked"/> when the writer now waits for a taken event with nothing queued behind it. Nothing
    /// else changes the state from <see cref="StepState.None"/> (a step is never under way here: the one reader is
    /// the caller, or the writer is, and it is not parked), so a plain volatile write publishes it, after what the
    /// writer wrote before it parked.
    /// </summary>
    private void MarkParkedLocked()
    {
        if (_borrow == BorrowState.Taken && _returned.IsArmed && _count == 0 && !_completed)
        {
            Volatile.Write(ref _step, (int)StepState.Parked);
        }
    }

    /// <summary>
    /// Under the lock, in <see cref="Complete"/>: takes the state out of <see cref="StepState.Parked"/> (no reader may
    /// begin a step now), or marks a step under way as completed. True when a step is under way: its end wakes the writer.
    /// </summary>
    private bool LeaveParkedForCompleteLocked()
    {
        while (true)
        {
            int state = Volatile.Read(ref _step);
            int next = state switch
            {
                (int)StepState.Parked => (int)StepState.None,
                (int)StepState.Stepping => (int)StepState.SteppingCompleted,
                _ => state,
            };
            if (next == state || Interlocked.CompareExchange(ref _step, next, state) == state)
            {
                if (state is (int)StepState.Parked && _softPark)
                {
                    _takenLease?.KeepPastReceive(); // as in Unpark: the writer is woken while the app may hold its event
                }

                return next is (int)StepState.SteppingCompleted;
            }
        }
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

    /// <summary>
    /// Whether a writer that waits for room is woken by this take: only once the queue is down to half its bounds
    /// (events and bytes), so that a writer held back by a full queue refills it in one go rather than being woken for
    /// every event taken (a wake is a thread-pool hand-off, about 1-2 µs: Perf_RealtimeReceive's ReadEventAsync rows with
    /// the loop far ahead paid one per event). Once below half, every take wakes it until what it holds fits.
    /// </summary>
    private bool IsBelowLowWater() => _count <= _capacity / 2 && _bytes <= _capacityBytes / 2;

    private bool Fits(int bytes) => _count == 0 || (_count < _capacity && _bytes + bytes <= _capacityBytes);

    private void DropOldestAudioLocked(int bytes)
    {
        // Make the ring contiguous from index 0 (rotate in place), then compact it, skipping the oldest audio
        // deltas until the new event fits. A borrowed event is never dropped while the writer is waiting for it.
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
            // (A soft park's event after an Unpark is borrowed no more: the writer does not wait for it.)
            if (entry.IsAudio && !(entry.IsBorrowed && _borrow == BorrowState.Queued) && !Fits(bytes))
            {
                _bytes -= entry.Bytes;
                _count--;
                entry.Lease?.Release();
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

    private readonly record struct Entry(T? Item, int Bytes, bool IsAudio, bool IsBorrowed, IRealtimeEventLease? Lease);

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
