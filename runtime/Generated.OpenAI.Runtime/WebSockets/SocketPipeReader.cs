using System;
using System.Buffers;
using System.Diagnostics;
using System.IO;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;

namespace Generated.OpenAI.WebSockets;

/// <summary>
/// The receive side of a plain (ws://) <see cref="WebSocketConnection"/>: a <see cref="PipeReader"/> that receives
/// from the connected <see cref="Socket"/> straight into its own 64 KiB segments, with no <see cref="NetworkStream"/>
/// and no stream pipe reader in between. <c>Socket.ReceiveAsync(Memory)</c> completes synchronously when bytes are
/// already in the socket, so a frame that is there costs one <c>recv</c> and no awaiting at all. (Over
/// <c>PipeReader.Create(stream)</c> every read also registered the caller's token, took the reader's token-source
/// lock, went through an async method and rented and returned a 64 KiB segment: about 1.9 µs of user time per
/// received event more than raw TCP at 1,000 sessions, in Perf_RealtimeSessions' perf profile.)
/// </summary>
/// <remarks>
/// <para><b>Buffers.</b> The reader owns its segments (arrays rented from <see cref="ArrayPool{T}.Shared"/>). A
/// <see cref="ReadResult.Buffer"/> is borrowed by the caller until its next <see cref="AdvanceTo(SequencePosition, SequencePosition)"/>;
/// after that the bytes before <c>consumed</c> may be overwritten (the last segment is reused from its start once
/// everything in it is consumed, rather than returned and rented again for the next read). Frames larger than a
/// segment chain segments: a message of up to <c>MaxMessageSize</c> is buffered whole, as the frame parser needs.</para>
/// <para><b>Backpressure.</b> The socket is read only inside <see cref="ReadAsync"/>, and only when everything
/// buffered has been examined: a consumer that stops reading stops receiving, and TCP flow control reaches the
/// peer.</para>
/// <para><b>Concurrency.</b> One reader (the connection's receiver, which serializes every read). Only
/// <see cref="CancelPendingRead"/> may be called from another thread.</para>
/// <para><b>Cancellation.</b> The token of <see cref="ReadAsync"/> goes to the socket, which registers it only when
/// the receive has to wait, and throws <see cref="OperationCanceledException"/>. <see cref="CancelPendingRead"/>
/// makes the next read, or the pending one once its receive ends, return <see cref="ReadResult.IsCanceled"/>; a
/// receive that is waiting on the socket is not interrupted by it: the connection closes the socket right after
/// (<c>Abort</c>), which ends the receive at once.</para>
/// <para>The socket is not owned: whoever owns it (the connection's <see cref="NetworkStream"/>) closes it.</para>
/// </remarks>
internal sealed class SocketPipeReader : PipeReader, IValueTaskSource<ReadResult>
{
    private const int MinimumReadSize = 4096;

    private readonly Socket _socket;
    private readonly int _segmentSize;

    // The buffered bytes: from _headIndex in _head to _tail.End. Both null before the first read and after Complete.
    private Segment? _head;
    private int _headIndex;
    private Segment? _tail;

    private bool _examinedEverything = true; // the last AdvanceTo examined up to the end: the next read must receive
    private bool _endOfStream; // the peer shut down its side (a receive returned 0)
    private bool _receiving; // a socket receive is outstanding: its segment must not go back to the pool
    private bool _completed;
    private int _cancelPending; // CancelPendingRead was called; the only field written by another thread

    // The read that waits for the socket: its receive, and the source its caller awaits (reset for every such read).
    private readonly Action _onReceiveCompleted;
    private ValueTask<int> _pendingReceive;
    private ManualResetValueTaskSourceCore<ReadResult> _pendingRead;

    public SocketPipeReader(Socket socket, int segmentSize)
    {
        _socket = socket;
        _segmentSize = segmentSize;
        _onReceiveCompleted = OnReceiveCompleted;
    }

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfCompleted();
        if (TryReadBuffered(out ReadResult buffered))
        {
            return new ValueTask<ReadResult>(buffered);
        }

        Memory<byte> target = GetReceiveMemory();
        ValueTask<int> receive;
        _receiving = true;
        try
        {
            receive = _socket.ReceiveAsync(target, SocketFlags.None, cancellationToken);
        }
        catch (Exception ex)
        {
            _receiving = false;
            return ValueTask.FromException<ReadResult>(WrapSocketException(ex));
        }

        if (receive.IsCompletedSuccessfully)
        {
            // Bytes were already in the socket: no await, no state machine.
            _receiving = false;
            return new ValueTask<ReadResult>(OnReceived(receive.Result));
        }

        // The receive waits for the network (every paced realtime event does): the reader is the awaited source
        // itself, completed from the socket's continuation, rather than an async method (a pooled box rented and
        // returned, and a MoveNext, per event).
        _pendingReceive = receive;
        _pendingRead.Reset();
        receive.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_onReceiveCompleted);
        return new ValueTask<ReadResult>(this, _pendingRead.Version);
    }

    private void OnReceiveCompleted()
    {
        ValueTask<int> receive = _pendingReceive;
        _pendingReceive = default;
        ReadResult result;
        try
        {
            int received = receive.GetAwaiter().GetResult();
            _receiving = false;
            result = OnReceived(received);
        }
        catch (Exception ex) when (Volatile.Read(ref _cancelPending) != 0 && ex is SocketException or ObjectDisposedException)
        {
            // CancelPendingRead, then the socket closed under the receive (the connection's Abort): a canceled read,
            // as the stream reader reported it.
            _receiving = false;
            result = TakeCanceled();
        }
        catch (Exception ex)
        {
            _receiving = false;
            _pendingRead.SetException(WrapSocketException(ex));
            return;
        }

        _pendingRead.SetResult(result); // runs the reader's continuation here, on the socket's completion thread
    }

    ReadResult IValueTaskSource<ReadResult>.GetResult(short token) => _pendingRead.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<ReadResult>.GetStatus(short token) => _pendingRead.GetStatus(token);

    void IValueTaskSource<ReadResult>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _pendingRead.OnCompleted(continuation, state, token, flags);

    public override bool TryRead(out ReadResult result)
    {
        ThrowIfCompleted();
        return TryReadBuffered(out result);
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        ThrowIfCompleted();
        if (_head is null)
        {
            return;
        }

        Segment consumedSegment = consumed.GetObject() as Segment ?? _head;
        int consumedIndex = consumed.GetObject() is null ? _headIndex : consumed.GetInteger();
        Segment tail = _tail!;
        _examinedEverything = examined.GetObject() is null
            ? consumedSegment == tail && consumedIndex == tail.End
            : examined.GetObject() == tail && examined.GetInteger() == tail.End;

        // Segments wholly before consumed go back to the pool; no one may read them after this call.
        while (_head != consumedSegment)
        {
            Segment done = _head!;
            _head = (Segment?)done.Next;
            done.Return();
        }

        _headIndex = consumedIndex;
        if (_head == tail && _headIndex == tail.End)
        {
            // Everything consumed (the common case: one whole frame per read): receive into the same segment again,
            // from its start.
            tail.Reset();
            _headIndex = 0;
        }
    }

    public override void CancelPendingRead() => Volatile.Write(ref _cancelPending, 1);

    public override void Complete(Exception? exception = null)
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        Segment? segment = _head;
        _head = _tail = null;

        // A receive still outstanding (the socket may write into its segment until the socket is closed) keeps its
        // segments out of the pool: the garbage collector gets them instead of the next renter.
        if (!_receiving)
        {
            while (segment is not null)
            {
                Segment next = (Segment?)segment.Next!;
                segment.Return();
                segment = next;
            }
        }
    }

    private bool TryReadBuffered(out ReadResult result)
    {
        if (Volatile.Read(ref _cancelPending) != 0)
        {
            result = TakeCanceled();
            return true;
        }

        if ((_head is not null && !_examinedEverything) || _endOfStream)
        {
            // Bytes the consumer has not looked at yet (it stopped at a frame boundary), or the end of the stream.
            result = new ReadResult(GetBuffer(), isCanceled: false, isCompleted: _endOfStream);
            _examinedEverything = true;
            return true;
        }

        result = default;
        return false;
    }

    private ReadResult TakeCanceled()
    {
        Volatile.Write(ref _cancelPending, 0);
        return new ReadResult(GetBuffer(), isCanceled: true, isCompleted: _endOfStream);
    }

    private ReadResult OnReceived(int received)
    {
        if (received == 0)
        {
            _endOfStream = true;
        }
        else
        {
            _tail!.Advance(received);
        }

        _examinedEverything = true; // the caller sees everything; AdvanceTo says how far it looked
        return new ReadResult(GetBuffer(), isCanceled: false, isCompleted: _endOfStream);
    }

    private ReadOnlySequence<byte> GetBuffer()
        => _head is null ? default : new ReadOnlySequence<byte>(_head, _headIndex, _tail!, _tail!.End);

    /// <summary>
    /// The free space the next receive writes to: the rest of the last segment while at least
    /// <see cref="MinimumReadSize"/> bytes are free there, else a new segment chained after it (the unconsumed part of
    /// a lone segment is moved to its start instead when that frees enough: a frame that straddled the end).
    /// </summary>
    private Memory<byte> GetReceiveMemory()
    {
        Segment? tail = _tail;
        if (tail is null)
        {
            _head = _tail = tail = Segment.Rent(_segmentSize, runningIndex: 0);
            _headIndex = 0;
        }
        else if (tail.Capacity - tail.End < MinimumReadSize)
        {
            if (_head == tail && _headIndex >= MinimumReadSize)
            {
                // Nothing outside the reader refers to these bytes (the consumer advanced past what it kept).
                tail.MoveToStart(_headIndex);
                _headIndex = 0;
            }
            else
            {
                Segment next = Segment.Rent(Math.Max(_segmentSize, MinimumReadSize), tail.RunningIndex + tail.End);
                tail.SetNext(next);
                _tail = tail = next;
            }
        }

        return tail.FreeMemory;
    }

    private void ThrowIfCompleted()
    {
        if (_completed)
        {
            throw new InvalidOperationException("Reading is not allowed after the reader was completed.");
        }
    }

    /// <summary>The failures the connection saw from <see cref="NetworkStream"/> before: a socket error is an <see cref="IOException"/>.</summary>
    private static Exception WrapSocketException(Exception ex)
        => ex is SocketException socketException
            ? new IOException($"Unable to read data from the transport connection: {socketException.Message}", socketException)
            : ex;

    /// <summary>One receive buffer: an array rented from the shared pool, owned by the reader until <see cref="Return"/>.</summary>
    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        private byte[] _array;

        private Segment(byte[] array, long runningIndex)
        {
            _array = array;
            RunningIndex = runningIndex;
            Memory = ReadOnlyMemory<byte>.Empty;
        }

        /// <summary>Bytes received into this segment (the end of its <see cref="ReadOnlySequenceSegment{T}.Memory"/>).</summary>
        public int End { get; private set; }

        public int Capacity => _array.Length;

        public Memory<byte> FreeMemory => _array.AsMemory(End);

        public static Segment Rent(int size, long runningIndex) => new(ArrayPool<byte>.Shared.Rent(size), runningIndex);

        public void Advance(int count)
        {
            End += count;
            Memory = _array.AsMemory(0, End);
        }

        public void Reset()
        {
            Debug.Assert(Next is null, "Only the last segment is reused.");
            End = 0;
            RunningIndex = 0;
            Memory = ReadOnlyMemory<byte>.Empty;
        }

        public void MoveToStart(int start)
        {
            Debug.Assert(Next is null, "Only the last segment is compacted.");
            _array.AsSpan(start, End - start).CopyTo(_array);
            End -= start;
            RunningIndex = 0;
            Memory = _array.AsMemory(0, End);
        }

        public void SetNext(Segment next) => Next = next;

        public void Return()
        {
            byte[] array = _array;
            _array = [];
            Memory = ReadOnlyMemory<byte>.Empty;
            Next = null;
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
