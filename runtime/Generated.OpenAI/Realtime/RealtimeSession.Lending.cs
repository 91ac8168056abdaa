using System;
using System.Buffers;
using System.Threading;
using Generated.OpenAI.WebSockets;

namespace Generated.OpenAI.Realtime;

// Lent audio deltas under the default options (neither CopyAudioDeltas nor ZeroCopyAudioDeltas): a typed delta borrows
// its base64 from the received message, which the connection RETAINS (its bytes stay in the receive pipe past later
// receives) until the app reads past the event, the queue drops it, or the session is disposed. The receive loop never
// waits for the app for long (a call answered by a later server event, awaited inside the app's read loop, still gets
// its answer; a soft park, below, lasts until the app's next read or at most about a second); only the memory the retained messages hold is bounded (MaxQueuedBytes, at most MaxRetainedBytes = 1 MiB: past
// it the connection's receive stops reading the socket until the app reads on, as a full queue does; see
// WebSocketConnection.RetainedBytesLimit).
//
// SOFT PARK. When the reader has caught up (nothing queued before the lent delta the loop queues; under CopyAudioDeltas,
// the copied delta: IsCopiedAudioDelta, with no lease), the loop parks after it, as the zero-copy loop parks after each
// delta, so that the reader's next read runs the loop's next step on the reader's own thread (StepForParkedLoop: the
// receive, complete at once when the next message is buffered, and ProcessMessage) and returns the next delta itself,
// the loop staying parked. That saves the hand-off between the
// two threads per delta (the loop's enqueue waking the reader on the thread pool, the release of each lease crossing
// back), which was most of what ReadEventAsync cost over ProcessMessage. Anything else the step finds (another event, a
// receive that would wait, the close, a failure) is handed to the loop, which goes on from there. Unlike the zero-copy
// park, a soft one never waits for the app: the lease keeps the delta's bytes whether the loop runs or not, so the park
// ends whenever the loop must run (UnparkForApp: a call that waits for an answer is registered, an audio sink or output
// is set, close, dispose, a send that lost the connection; the queue's epoch stops a park decided before such a change),
// and by itself when a whole SoftParkTick (500 ms) passes with no step of the reader's (the app holds its delta without
// reading: the loop goes on receiving, answers pings, queues what comes). It never begins while a call waits for an
// answer or an audio sink or output is set (CanSoftPark). One timer per session for that bound, made by
// its first soft park (EnsureSoftParkTick), none per park.
//
// Each lent delta holds a Lease: the connection and the ticket of its message, and the delta's event object (the
// builder sets that object again for a later delta once the lease came back), from a per-session pool. The pool grows to
// the most deltas lent at once (the queue's capacity bounds it) and a steady stream of deltas allocates nothing.
//
// LENT FROM THE RECEIVE BUFFER. A delta that a reader's step lends to that reader (the loop stays parked) is not
// retained at first: its message is the connection's last one, and its bytes stay valid until the connection's next
// receive, which is either the reader's own next step (that releases the delta first: the app has read past it) or
// the loop's, once the park ended. So whatever ends the park while the app may still hold the delta retains its message
// then (IRealtimeEventLease.KeepPastReceive: the queue's Unpark and Complete, under its lock, while neither the loop nor
// a step receives; or the step itself, when it hands its delta to the loop instead), and a reader that keeps up pays
// neither the retain nor the release nor the connection's advance past retained bytes (about 20 ns a delta at 20 ms).
public abstract partial class RealtimeSession<TServerEvent>
{
    private Lease? _leasePool; // a stack: taken from by the receive loop only, given back to from any thread
    private Lease? _spareLease; // taken from the pool for the next message that may be lent (receive loop only)
    private Lease? _stepLease; // the lease of the event ProcessMessage just lent, until the loop queues it
    private long _copiedAudioDeltas;
    private long _unretainedAudioDeltas; // written by the receiver of the moment (the loop or a reader's step)
    private bool _lendFromReceiveBuffer; // a reader's step that may lend its delta to the reader runs ProcessMessage
    private Timer? _softParkTick;
    private int _softParkTickSeen = -1; // SoftParkActivity at the last tick (the timer's own field)

    /// <summary>
    /// How often a soft park is looked at: one that saw no step of the reader's for a whole period ends (so it lasts at
    /// most two), and the loop goes on receiving: a server's pings are answered, a dead connection is noticed, while an
    /// app holds a delta without reading for that long.
    /// </summary>
    internal static readonly TimeSpan SoftParkTick = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Whether <paramref name="serverEvent"/> is a typed audio delta under <see cref="RealtimeSessionOptions.CopyAudioDeltas"/>:
    /// the loop parks softly after it as after a lent one (the app's reads that keep up then copy each delta on their own
    /// thread, and each copy is garbage by the next read rather than queued long enough to outlive a collection).
    /// </summary>
    private bool IsCopiedAudioDelta(TServerEvent serverEvent) => _options.CopyAudioDeltas && !_options.ZeroCopyAudioDeltas && _kind.IsAudioDelta(serverEvent);

    /// <summary>Whether typed audio deltas are lent on retained messages (the default: neither copied nor zero-copy).</summary>
    private bool LendsRetained => !_options.CopyAudioDeltas && !_options.ZeroCopyAudioDeltas;

    /// <summary>
    /// Typed audio deltas lent on a copy of their message rather than on the received one: the message came in fragments,
    /// or straddled two receive buffers (the connection's receive segments are frame-aligned, so only a message longer
    /// than any of the last few hundred frames can, while earlier retained ones fill its segment; or one over 512 KiB).
    /// The copy is in a pooled buffer that the lease returns, so it allocates nothing either.
    /// </summary>
    internal long CopiedAudioDeltas => Interlocked.Read(ref _copiedAudioDeltas);

    /// <summary>
    /// Typed audio deltas a reader's step lent to that reader straight from the receive buffer, not retained (see
    /// "LENT FROM THE RECEIVE BUFFER" above): every delta of a reader that keeps up, but the first after each park (tests).
    /// </summary>
    internal long UnretainedAudioDeltas => Volatile.Read(ref _unretainedAudioDeltas);

    /// <summary>Whether the receive loop is parked softly now (tests).</summary>
    internal bool LoopParkedSoftly => _queue.SoftParkActivity >= 0;

    /// <summary>The bytes the connection's receive pipe holds for lent deltas (receive loop only; tests).</summary>
    internal long RetainedBytes => Volatile.Read(ref _connection).RetainedBytes;

    /// <summary>
    /// The loop's step for a message the session's connection just received, as the loop runs it, for tests and
    /// benchmarks that drive the receive side themselves: the event, and the lease of a lent delta, which the caller
    /// releases when it has read past the event (the app's next read does that for the loop).
    /// </summary>
    internal TServerEvent? ProcessReceivedMessage(in WebSocketReceivedMessage message, out IRealtimeEventLease? lease)
    {
        TServerEvent? serverEvent = ProcessMessage(message.Payload, out _, message.UnescapedTailStart, lend: true);
        lease = TakeStepLease();
        return serverEvent;
    }

    /// <summary>
    /// Whether the loop may park softly after a lent delta, or a reader's step lend one itself: nothing needs the loop to
    /// go on while the app holds its event. No call waits for an answer (the app may await it inside its read loop), no
    /// close or dispose is under way, and no audio sink or output is set (they must not wait for the app's next read).
    /// Whatever changes one of these afterwards calls <see cref="UnparkForApp"/>.
    /// </summary>
    private bool CanSoftPark()
        => Volatile.Read(ref _waiterCount) == 0 && !_closing && !_disposing
            && Volatile.Read(ref _audioSink) is null && Volatile.Read(ref _audioOutput) is null;

    /// <summary>
    /// Something the loop must run for happened (a call now waits for an answer, a close, dispose, an audio sink set, a
    /// send that lost the connection): a soft park ends now, and none begins from a check made before.
    /// </summary>
    private void UnparkForApp()
    {
        if (!_options.ZeroCopyAudioDeltas)
        {
            _queue.Unpark();
        }
    }

    /// <summary>
    /// The timer that bounds a soft park (<see cref="SoftParkTick"/>): one per session, made by the loop's first soft park
    /// (a session whose app never catches up with it, or that plays its audio through a sink, never has one), none per
    /// park. Receive loop only; a dispose that ran meanwhile (it sets <c>_disposing</c>, then stops the tick) is seen
    /// either there or here, so no timer outlives the session.
    /// </summary>
    private void EnsureSoftParkTick()
    {
        if (_softParkTick is not null)
        {
            return;
        }

        Interlocked.Exchange(ref _softParkTick, new Timer(static state => ((RealtimeSession<TServerEvent>)state!).OnSoftParkTick(), this, SoftParkTick, SoftParkTick));
        if (_disposing)
        {
            StopSoftParkTick();
        }
    }

    private void StopSoftParkTick() => Interlocked.Exchange(ref _softParkTick, null)?.Dispose();

    private void OnSoftParkTick()
    {
        int activity = _queue.SoftParkActivity;
        if (activity >= 0 && activity == _softParkTickSeen)
        {
            _queue.Unpark(); // parked a whole tick with no step: the app holds its delta; the loop goes on
            activity = -1;
        }

        _softParkTickSeen = activity;
    }

    /// <summary>The slot the next lent delta is built into (receive loop only).</summary>
    private Lease SpareLease() => _spareLease ??= TakeLease();

    /// <summary>
    /// After ProcessMessage built a lent event with the spare lease: the connection retains the message the event points
    /// into and the lease holds it; or, for a reader's step that may lend the event to its reader, the lease holds the
    /// message unretained, still the connection's last one (see "LENT FROM THE RECEIVE BUFFER"), and retains it only if
    /// the receive side goes on while the app holds the event (<see cref="Lease.KeepPastReceive"/>). The caller checked
    /// <see cref="WebSocketConnection.CanRetainLastMessage"/>.
    /// </summary>
    private void LendSpare(WebSocketConnection connection)
    {
        Lease lease = _spareLease!;
        _spareLease = null;
        long ticket = Lease.Unretained;
        if (_lendFromReceiveBuffer)
        {
            _unretainedAudioDeltas++;
        }
        else
        {
            connection.TryRetainLastMessage(out ticket);
        }

        lease.Hold(connection, ticket);
        _stepLease = lease;
    }

    /// <summary>
    /// The spare lease's copy of a delta message that cannot be retained (see <see cref="CopiedAudioDeltas"/>), in one
    /// block for the builder or the reader to lend from; <see cref="LendSpareCopy"/> follows when the event is lent (else the spare lease keeps its buffer for the next copy).
    /// </summary>
    private ReadOnlyMemory<byte> CopyToSpare(in ReadOnlySequence<byte> payload) => SpareLease().Copy(payload);

    /// <summary>After a lent event was built on <see cref="CopyToSpare"/>'s copy: the lease holds the copy.</summary>
    private void LendSpareCopy()
    {
        Lease lease = _spareLease!;
        _spareLease = null;
        lease.HoldCopy();
        _stepLease = lease;
        Interlocked.Increment(ref _copiedAudioDeltas);
    }

    /// <summary>
    /// Dispose, after the queue was cleared and the loop ended: the pooled leases' copy buffers go back to the pool
    /// (a lease still held by nobody; the leases themselves are garbage with the session).
    /// </summary>
    private void ReturnLeaseBuffers()
    {
        _spareLease?.DropCopy();
        for (Lease? lease = Interlocked.Exchange(ref _leasePool, null); lease is not null; lease = lease.Next)
        {
            lease.DropCopy();
        }
    }

    /// <summary>The lease of the event the last ProcessMessage lent, now the caller's (queued with the event).</summary>
    private Lease? TakeStepLease()
    {
        Lease? lease = _stepLease;
        _stepLease = null;
        return lease;
    }

    /// <summary>
    /// The most bytes the connection retains for lent deltas, whatever <see cref="RealtimeSessionOptions.MaxQueuedBytes"/>
    /// allows: 1 MiB (about 16 s of 24 kHz PCM16 audio in base64). A receive loop that runs ahead of the app (a fast
    /// network, a burst of audio) stops there rather than at 16 MiB: the retained receive buffers then stay few enough to
    /// be cache-resident and to be recycled by the reader and the array pool (ArrayPool.Shared keeps a few dozen 64 KiB
    /// arrays; at 16 MiB the loop rented and returned hundreds, allocating fresh ones and collecting them later), and each
    /// release walks a short ring. The app loses nothing: the server's audio waits in the socket instead.
    /// </summary>
    internal const long MaxRetainedBytes = 1024 * 1024;

    /// <summary>
    /// What the connection may hold for lent deltas before its receive waits for the app to read on: the queue's byte
    /// bound, at most <see cref="MaxRetainedBytes"/> (an app that holds a lent delta while the server sends what is not
    /// queued, pings or hidden events, stops the socket's reading there, as a full queue does). No bound when nothing is
    /// lent on retained messages.
    /// </summary>
    private static long RetainedBytesLimit(RealtimeSessionOptions options)
        => options.CopyAudioDeltas || options.ZeroCopyAudioDeltas ? 0 : Math.Clamp(options.MaxQueuedBytes, 1, MaxRetainedBytes);

    /// <summary>A lease from the pool, or a new one (receive loop only: the pool has one taker, so no ABA).</summary>
    private Lease TakeLease()
    {
        while (true)
        {
            Lease? top = Volatile.Read(ref _leasePool);
            if (top is null)
            {
                return new Lease(this);
            }

            // Only this thread takes: top stays in the stack, and its Next unchanged, until this compare-exchange.
            if (Interlocked.CompareExchange(ref _leasePool, top.Next, top) == top)
            {
                top.Next = null;
                return top;
            }
        }
    }

    private void ReturnLease(Lease lease)
    {
        while (true)
        {
            Lease? top = Volatile.Read(ref _leasePool);
            lease.Next = top;
            if (Interlocked.CompareExchange(ref _leasePool, lease, top) == top)
            {
                return;
            }
        }
    }

    /// <summary>
    /// A lent delta's hold on its retained message, and the slot of its event object. Released exactly once per hold, by
    /// the queue under its lock (read past, dropped, cleared) or by the loop (an event it did not queue).
    /// </summary>
    private sealed class Lease(RealtimeSession<TServerEvent> owner) : RealtimeLentSlot<TServerEvent>, IRealtimeEventLease
    {
        /// <summary>The ticket of a message lent from the receive buffer, not retained (yet): valid until the connection's next receive.</summary>
        public const long Unretained = -1;

        private WebSocketConnection? _connection;
        private long _ticket; // the connection's retention ticket, or Unretained
        // Rented from ArrayPool<byte>.Shared for a message that could not be retained, and kept with the lease for the
        // next such message (returned only for a larger one, and at dispose): the loop rents and the app's thread returns,
        // and a deep queue of 64 KiB+ deltas (each straddled two receive buffers before they were frame-aligned) outgrew the pool's per-core stacks,
        // which then allocated (on the large-object heap from 128 KiB) for every delta.
        private byte[]? _copy;
        private bool _held;

        public Lease? Next { get; set; }

        public void Hold(WebSocketConnection connection, long ticket)
        {
            _connection = connection;
            _ticket = ticket;
            _held = true;
        }

        public ReadOnlyMemory<byte> Copy(in ReadOnlySequence<byte> payload)
        {
            int length = checked((int)payload.Length);
            byte[]? copy = _copy;
            if (copy is null || copy.Length < length)
            {
                DropCopy();
                copy = _copy = ArrayPool<byte>.Shared.Rent(length);
            }

            payload.CopyTo(copy);
            return copy.AsMemory(0, length);
        }

        public void HoldCopy() => _held = true;

        /// <summary>
        /// Retains a message held <see cref="Unretained"/>: the connection is about to receive again while the app holds
        /// the event. Only where nothing receives meanwhile (the receiver of the moment, or the queue's lock holder that
        /// ended a park no step was under way in); the message is then still the connection's last one.
        /// </summary>
        public void KeepPastReceive()
        {
            if (_held && _ticket == Unretained && _connection is { } connection && connection.TryRetainLastMessage(out long ticket))
            {
                _ticket = ticket;
            }
        }

        /// <summary>
        /// <see cref="Release"/> by whoever runs the loop's step (a reader's step for the parked loop): the lease becomes
        /// the spare one for the next delta (the loop's own field) rather than going through the pool's two
        /// compare-exchanges. The retained message is released as any release is (its compare-exchange is also the fence
        /// that a dispose racing this release relies on: see WebSocketConnection.DefersReaderCompletion).
        /// </summary>
        public void ReleaseOnReceiver()
        {
            if (!_held)
            {
                return;
            }

            _held = false;
            if (_connection is { } connection)
            {
                _connection = null;
                if (_ticket != Unretained)
                {
                    connection.ReleaseRetained(_ticket);
                }
            }

            if (owner._spareLease is null)
            {
                owner._spareLease = this;
            }
            else
            {
                owner.ReturnLease(this);
            }
        }

        public void DropCopy()
        {
            if (_copy is { } copy)
            {
                _copy = null;
                ArrayPool<byte>.Shared.Return(copy);
            }
        }

        public void Release()
        {
            if (!_held)
            {
                return;
            }

            _held = false;
            if (_connection is { } connection)
            {
                _connection = null;
                if (_ticket != Unretained)
                {
                    connection.ReleaseRetained(_ticket);
                }
            }

            owner.ReturnLease(this);
        }
    }
}
