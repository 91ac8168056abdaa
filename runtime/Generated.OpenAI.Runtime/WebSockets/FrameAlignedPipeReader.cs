using System;
using System.Buffers;
using System.Diagnostics;
using System.IO;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;

namespace Generated.OpenAI.WebSockets;

/// <summary>
/// The receive side of a <see cref="WebSocketConnection"/>: a <see cref="PipeReader"/> that receives straight into its
/// own segments (64 KiB, larger for larger frames) from the connected <see cref="Socket"/> (ws://, with no
/// <see cref="NetworkStream"/> and no stream pipe reader in between) or from a <see cref="Stream"/> (the
/// <see cref="System.Net.Security.SslStream"/> of wss://, or a test's stream). <c>Socket.ReceiveAsync(Memory)</c>
/// completes synchronously when bytes are already in the socket, so a frame that is there costs one <c>recv</c> and no
/// awaiting at all. (Over <c>PipeReader.Create(stream)</c> every read also registered the caller's token, took the
/// reader's token-source lock, went through an async method and rented and returned a 64 KiB segment: about 1.9 µs of
/// user time per received event more than raw TCP at 1,000 sessions, in Perf_RealtimeSessions' perf profile.)
/// </summary>
/// <remarks>
/// <para><b>Buffers.</b> The reader owns its segments (arrays rented from <see cref="ArrayPool{T}.Shared"/>). A
/// <see cref="ReadResult.Buffer"/> is borrowed by the caller until its next <see cref="AdvanceTo(SequencePosition, SequencePosition)"/>;
/// after that the bytes before <c>consumed</c> may be overwritten (the last segment is reused from its start once
/// everything in it is consumed, rather than returned and rented again for the next read). Frames larger than a
/// segment chain segments: a message of up to <c>MaxMessageSize</c> is buffered whole, as the frame parser needs.</para>
/// <para><b>Frame-aligned segments.</b> The connection tells the reader the length of every frame it parses
/// (<see cref="NoteFrame"/>) and, before it asks for more bytes, how far the frame it is inside of still goes
/// (<see cref="SetFrameBoundary"/>). A receive then ends where a frame of the largest recent length could still start
/// and end in the segment, or at the end of the frame that started before that point, whichever is later; the next
/// frame then starts a fresh segment, sized for twice that length. So a frame of up to that length is never split
/// between two segments, and a payload the connection retains (a realtime session lends audio deltas on it) is one block
/// of memory. Nothing is copied for it: the cost is one more receive at each segment turnover (the one that stops at the
/// frame's end), and the free space a segment leaves at its end (less than one frame). Without those hints (the
/// handshake; a frame longer than <see cref="MaxAlignedFrameLength"/>) a receive fills the segment as before.</para>
/// <para><b>Backpressure.</b> The transport is read only inside <see cref="ReadAsync"/>, and only when everything
/// buffered has been examined: a consumer that stops reading stops receiving, and TCP flow control reaches the
/// peer.</para>
/// <para><b>Concurrency.</b> One reader (the connection's receiver, which serializes every read). Only
/// <see cref="CancelPendingRead"/> may be called from another thread.</para>
/// <para><b>Cancellation.</b> The token of <see cref="ReadAsync"/> goes to the socket (or stream), which registers it
/// only when the receive has to wait, and throws <see cref="OperationCanceledException"/>. <see cref="CancelPendingRead"/>
/// makes the next read, or the pending one once its receive ends, return <see cref="ReadResult.IsCanceled"/>; a
/// receive that is waiting on the transport is not interrupted by it: the connection closes the socket (or disposes the
/// stream, which closes it) right after (<c>Abort</c>), which ends the receive at once.</para>
/// <para><b>Completion.</b> <see cref="Complete"/> may also come from another thread while a read waits for the transport
/// (a dispose that closes the socket under it): the receive's completion and <see cref="Complete"/> then agree, with
/// one interlocked exchange, on which of them releases the segments, and the waiting read ends with
/// <see cref="ReadResult.IsCanceled"/> (after <see cref="CancelPendingRead"/>) or <see cref="ObjectDisposedException"/>,
/// never with bytes the reader no longer owns. A segment that a receive may still write into is never returned to the
/// pool.</para>
/// <para>The socket or stream is not owned: whoever owns it (the connection's stream) closes it.</para>
/// </remarks>
internal sealed class FrameAlignedPipeReader : PipeReader, IValueTaskSource<ReadResult>
{
    private const int MinimumReadSize = 4096;
    private const int Idle = 0;
    private const int Receiving = 1;
    private const int CompletedWhileReceiving = 2;

    /// <summary>
    /// The longest frame that gets a segment of its own when it would not fit in what is left of the current one (segments
    /// are then up to twice this). A longer frame (a message of seconds of audio) chains segments, as before.
    /// </summary>
    internal const int MaxAlignedFrameLength = 512 * 1024;

    /// <summary>Frames per window of <see cref="NoteFrame"/>: the largest frame of the last one to two windows is the one aligned for.</summary>
    private const int FrameWindow = 256;

    // Exactly one of the two: the receive's transport.
    private readonly Socket? _socket;
    private readonly Stream? _stream;
    private readonly int _segmentSize;

    // The buffered bytes: from _headIndex in _head to _tail.End. Both null before the first read and after Complete.
    private Segment? _head;
    private int _headIndex;
    private Segment? _tail;

    // Segment objects whose arrays went back to the pool (a frame that needed more than one segment), kept for the next
    // such frame so that steady-state large messages allocate nothing; linked through Next. Their number is at most the
    // most segments one read ever needed (MaxMessageSize / segment size + 1), and they hold no arrays.
    private Segment? _spare;

    private bool _examinedEverything = true; // the last AdvanceTo examined up to the end: the next read must receive
    private bool _endOfStream; // the peer shut down its side (a receive returned 0)
    private volatile bool _completed;

    // Who owns the segments while a socket receive is outstanding (see Complete): Idle, Receiving (the receive and its
    // completion), or CompletedWhileReceiving (Complete ran meanwhile; the completion releases them).
    private int _receiveState;
    private int _cancelPending; // CancelPendingRead was called (from any thread)

    // The read that waits for the socket: its receive, and the source its caller awaits (reset for every such read).
    private readonly Action _onReceiveCompleted;
    private ValueTask<int> _pendingReceive;
    private ManualResetValueTaskSourceCore<ReadResult> _pendingRead;

    // Frame alignment (receiver only). Offsets count the bytes received since the reader was made.
    private long _received; // the offset of the buffer's end
    private long _frameBoundary = -1; // where the frame being received ends (or its header can be judged); stale once _received passed it
    private int _largestFrame; // the largest frame noted in this window
    private int _largestFrameBefore; // ... and in the window before it
    private int _framesLeftInWindow = FrameWindow;

    /// <summary>
    /// Set by the connection while it retains messages (payloads its owners read after later reads): the unconsumed
    /// bytes are then referred to from outside, so the last segment is never compacted (a new one is chained instead).
    /// Bytes are still never moved before they are consumed otherwise.
    /// </summary>
    internal bool KeepsBytesInPlace { get; set; }

    /// <summary>A reader that receives from a connected socket (ws://).</summary>
    public FrameAlignedPipeReader(Socket socket, int segmentSize)
    {
        _socket = socket;
        _segmentSize = segmentSize;
        _onReceiveCompleted = OnReceiveCompleted;
    }

    /// <summary>
    /// A reader that reads from a stream (wss://: the <see cref="System.Net.Security.SslStream"/>, which keeps what is
    /// left of a TLS record for the next read when a read asks for fewer bytes than it decrypted).
    /// </summary>
    public FrameAlignedPipeReader(Stream stream, int segmentSize)
    {
        _stream = stream;
        _segmentSize = segmentSize;
        _onReceiveCompleted = OnReceiveCompleted;
    }

    /// <summary>
    /// The largest frame the connection noted recently (0 before any), at most <see cref="MaxAlignedFrameLength"/>: what a
    /// segment keeps room for at its end before a receive stops at a frame boundary.
    /// </summary>
    internal int AlignedFrameLength => Math.Max(_largestFrame, _largestFrameBefore);

    /// <summary>
    /// The connection parsed a whole frame of <paramref name="frameLength"/> bytes (header and payload). Receiver only;
    /// a field or two per frame, no allocation.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void NoteFrame(long frameLength)
    {
        if (frameLength > _largestFrame && frameLength <= MaxAlignedFrameLength)
        {
            _largestFrame = (int)frameLength;
        }

        if (--_framesLeftInWindow == 0)
        {
            // A window ends: what it saw is remembered for one more window, so that a large frame is aligned for until
            // 256 to 512 frames after the last one of its size.
            _largestFrameBefore = _largestFrame;
            _largestFrame = 0;
            _framesLeftInWindow = FrameWindow;
        }
    }

    /// <summary>
    /// Before the connection asks for more bytes: the buffer ends <paramref name="bytesToBoundary"/> bytes before the end
    /// of the frame it is inside of (0: it ends at a frame boundary; for a header that is not whole yet, the bytes after
    /// which it can be judged further). Valid until a receive passes that point. Receiver only.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void SetFrameBoundary(long bytesToBoundary) => _frameBoundary = _received + bytesToBoundary;

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfCompleted();
        if (TryReadBuffered(out ReadResult buffered))
        {
            return new ValueTask<ReadResult>(buffered);
        }

        if (cancellationToken.IsCancellationRequested)
        {
            // Checked here too: a stream whose reads always complete at once (a test's replay) may ignore the token, and
            // a loop that reads until the token fires (the close's drain) would never end.
            return ValueTask.FromCanceled<ReadResult>(cancellationToken);
        }

        Memory<byte> target = GetReceiveMemory();
        ValueTask<int> receive;

        // A plain write: Complete may race only with a read that waits for the socket (below), which is published to
        // other threads by the socket's continuation machinery; a Complete during this synchronous part breaks the
        // single-reader contract.
        _receiveState = Receiving;
        try
        {
            receive = _socket is not null
                ? _socket.ReceiveAsync(target, SocketFlags.None, cancellationToken)
                : _stream!.ReadAsync(target, cancellationToken);
        }
        catch (Exception ex)
        {
            _receiveState = Idle;
            return ValueTask.FromException<ReadResult>(WrapSocketException(ex));
        }

        if (receive.IsCompletedSuccessfully)
        {
            // Bytes were already in the socket: no await, no state machine.
            _receiveState = Idle;
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
        ReadResult result = default;
        Exception? error = null;
        try
        {
            result = OnReceived(receive.GetAwaiter().GetResult());
        }
        catch (Exception ex) when (Volatile.Read(ref _cancelPending) != 0 && ex is SocketException or ObjectDisposedException or IOException)
        {
            // CancelPendingRead, then the socket closed under the receive (the connection's Abort; a stream reports it
            // as an IOException): a canceled read, as the stream pipe reader reported it.
            result = TakeCanceled();
        }
        catch (Exception ex)
        {
            error = WrapSocketException(ex);
        }

        // The segments were the receive's until here (a Complete meanwhile left them alone: it could not know whether
        // the socket still wrote into them). Hand them to the read's consumer; or, if Complete ran meanwhile, release
        // them (the socket is done with them) and end the read without them. Decided before the read's continuation
        // runs, because that continuation may start the next receive.
        if (Interlocked.CompareExchange(ref _receiveState, Idle, Receiving) != Receiving)
        {
            _receiveState = Idle;
            ReleaseSegments();
            if (result.IsCanceled)
            {
                _pendingRead.SetResult(new ReadResult(default, isCanceled: true, isCompleted: false));
            }
            else
            {
                _pendingRead.SetException(new ObjectDisposedException(nameof(FrameAlignedPipeReader), "The reader was completed while a read was waiting for the socket."));
            }

            return;
        }

        if (error is not null)
        {
            _pendingRead.SetException(error);
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

        // Segments wholly before consumed: their arrays go back to the pool (no one may read them after this call) and
        // the objects to the spare list, for the next frame that needs a second segment.
        while (_head != consumedSegment)
        {
            Segment done = _head!;
            _head = (Segment?)done.Next;
            done.Return();
            done.SetNext(_spare);
            _spare = done;
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

        // A receive still outstanding may write into its segment until the socket is closed: its completion releases
        // the segments (OnReceiveCompleted), not this call. If it never completes, the garbage collector gets them
        // instead of the next renter.
        if (Interlocked.CompareExchange(ref _receiveState, CompletedWhileReceiving, Receiving) != Receiving)
        {
            ReleaseSegments();
        }
    }

    /// <summary>Returns every buffered segment's array to the pool; the reader is completed (nothing reads them any more).</summary>
    private void ReleaseSegments()
    {
        Segment? segment = _head;
        _head = _tail = null;
        _spare = null;
        while (segment is not null)
        {
            Segment? next = (Segment?)segment.Next;
            segment.Return();
            segment = next;
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
            _received += received;
        }

        _examinedEverything = true; // the caller sees everything; AdvanceTo says how far it looked
        return new ReadResult(GetBuffer(), isCanceled: false, isCompleted: _endOfStream);
    }

    private ReadOnlySequence<byte> GetBuffer()
        => _head is null ? default : new ReadOnlySequence<byte>(_head, _headIndex, _tail!, _tail!.End);

    /// <summary>
    /// The memory the next receive writes to: the free space of the last segment, or of a new segment chained after it
    /// (the unconsumed part of a lone segment is moved to its start instead when that frees enough and nothing outside
    /// the reader refers to it), ending early where frame alignment says (see the remarks on the type).
    /// </summary>
    private Memory<byte> GetReceiveMemory()
    {
        // At least MinimumReadSize (also before any frame was noted): a segment turns over before its free space gets
        // that small, as without alignment.
        int aligned = Math.Max(AlignedFrameLength, MinimumReadSize);
        long toBoundary = _frameBoundary - _received; // negative: not known (no hint since the last receive)
        Segment? tail = _tail;
        if (tail is null)
        {
            _head = _tail = tail = RentSegment(SegmentSizeFor(aligned), runningIndex: 0);
            _headIndex = 0;
        }

        if (toBoundary < 0)
        {
            if (tail.Capacity - tail.End < MinimumReadSize)
            {
                tail = MakeRoom(tail, Math.Max(_segmentSize, MinimumReadSize));
            }

            return tail.FreeMemory;
        }

        // Frames start only below this point, where one of the aligned length still ends in the segment.
        int frameStartLimit = tail.Capacity - aligned;
        if (toBoundary == 0 ? tail.End >= frameStartLimit || (tail.End == 0 && tail.Capacity < SegmentSizeFor(aligned)) : toBoundary > tail.Capacity - tail.End && tail.Capacity - tail.End < MinimumReadSize)
        {
            // At a frame boundary past the limit, the next frame starts a segment of its own, sized for two frames of the
            // aligned length so that its first receive may take a whole one (an empty segment smaller than that gets a
            // larger array: else every receive of a frame that nearly fills it would stop at its header). Inside a frame
            // that does not fit in what is left (longer than the aligned length: it chains anyway), as without alignment.
            tail = toBoundary == 0 ? StartFreshSegment(tail, SegmentSizeFor(aligned)) : MakeRoom(tail, Math.Max(_segmentSize, MinimumReadSize));
            frameStartLimit = tail.Capacity - aligned;
        }

        // Up to the limit, or to the end of the frame the buffer ends in if that is later (then the next receive finds the
        // buffer at a boundary past the limit, and turns the segment over).
        long count = Math.Min(tail.Capacity - tail.End, Math.Max(frameStartLimit - tail.End, toBoundary));
        Debug.Assert(count > 0, "A receive always has room.");
        return tail.FreeMemory.Slice(0, (int)count);
    }

    /// <summary>The size of a new segment: the reader's, or room for two frames of the aligned length when that is more.</summary>
    private int SegmentSizeFor(int alignedFrameLength) => Math.Max(_segmentSize, 2 * alignedFrameLength);

    /// <summary>Room for a receive in a last segment nearly full: its unconsumed bytes moved to its start, or a new segment.</summary>
    private Segment MakeRoom(Segment tail, int size)
    {
        if (_head == tail && _headIndex >= MinimumReadSize && !KeepsBytesInPlace)
        {
            // Nothing outside the reader refers to these bytes (the consumer advanced past what it kept).
            tail.MoveToStart(_headIndex);
            _headIndex = 0;
            return tail;
        }

        return ChainSegment(tail, size);
    }

    /// <summary>
    /// The segment the next frame starts: the last one itself when it holds nothing (its array swapped for a larger one
    /// if it is too small for the aligned length), else a new one chained after it. The buffer ends at a frame boundary.
    /// </summary>
    private Segment StartFreshSegment(Segment tail, int size)
    {
        if (tail.End == 0)
        {
            // Empty (its bytes were all consumed, or it was just chained): nothing refers into it, no receive writes to it.
            tail.Resize(size);
            return tail;
        }

        return ChainSegment(tail, size);
    }

    private Segment ChainSegment(Segment tail, int size)
    {
        Segment next = RentSegment(size, tail.RunningIndex + tail.End);
        tail.SetNext(next);
        _tail = next;
        return next;
    }

    /// <summary>A segment over an array rented from the pool: a spare object if there is one, else a new one.</summary>
    private Segment RentSegment(int size, long runningIndex)
    {
        byte[] array = ArrayPool<byte>.Shared.Rent(size);
        Segment? segment = _spare;
        if (segment is null)
        {
            return new Segment(array, runningIndex);
        }

        _spare = (Segment?)segment.Next;
        segment.Attach(array, runningIndex);
        return segment;
    }

    private void ThrowIfCompleted()
    {
        if (_completed)
        {
            throw new InvalidOperationException("Reading is not allowed after the reader was completed.");
        }
    }

    /// <summary>The failures the connection saw from <see cref="NetworkStream"/> before: a socket error is an <see cref="IOException"/> (a stream's already is).</summary>
    private static Exception WrapSocketException(Exception ex)
        => ex is SocketException socketException
            ? new IOException($"Unable to read data from the transport connection: {socketException.Message}", socketException)
            : ex;

    /// <summary>
    /// One receive buffer: an array rented from the shared pool, owned by the reader until <see cref="Return"/>; the
    /// object itself may then carry another rented array (<see cref="Attach"/>).
    /// </summary>
    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        private byte[] _array;

        public Segment(byte[] array, long runningIndex)
        {
            _array = array;
            RunningIndex = runningIndex;
            Memory = ReadOnlyMemory<byte>.Empty;
        }

        /// <summary>Bytes received into this segment (the end of its <see cref="ReadOnlySequenceSegment{T}.Memory"/>).</summary>
        public int End { get; private set; }

        public int Capacity => _array.Length;

        public Memory<byte> FreeMemory => _array.AsMemory(End);

        public void Attach(byte[] array, long runningIndex)
        {
            Debug.Assert(_array.Length == 0, "Only a returned segment takes a new array.");
            _array = array;
            End = 0;
            RunningIndex = runningIndex;
            Memory = ReadOnlyMemory<byte>.Empty;
            Next = null;
        }

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

        public void SetNext(Segment? next) => Next = next;

        /// <summary>An empty segment's array swapped for one of at least <paramref name="size"/> bytes, when it is smaller.</summary>
        public void Resize(int size)
        {
            Debug.Assert(End == 0, "Only an empty segment is resized.");
            if (_array.Length < size)
            {
                byte[] old = _array;
                _array = ArrayPool<byte>.Shared.Rent(size);
                ArrayPool<byte>.Shared.Return(old);
            }
        }

        public void Return()
        {
            byte[] array = _array;
            _array = [];
            End = 0;
            Memory = ReadOnlyMemory<byte>.Empty;
            Next = null;
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
