using System;
using System.Buffers;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace Generated.OpenAI.WebSockets;

// Retained messages: a received message whose payload stays valid past later receives, until its owner releases it.
// A realtime session lends such a message's audio to the app (a typed delta that borrows its base64) while its loop
// goes on receiving; without this, the payload is valid only until the next receive and the session has to copy it.
//
// How: the pipe's consumed position stays at the start of the oldest retained message that is not released yet (the
// floor), while frames are parsed from the parse position further on. Both are kept as byte offsets in the stream
// (positions are rebuilt from each new read result: a SequencePosition of an older result is not trusted across
// AdvanceTo). The reader does not move or return a byte at or after consumed, so a retained payload's memory stays put.
// Releases may come from any thread; they are applied by the receiver (the only one that may call AdvanceTo) when it
// next advances the pipe. A release takes no lock (a compare-exchange on its ticket's slot): with lent deltas an app's
// read releases a message while the loop retains the next ones, and a lock both took per message was the hand-off's cost.
public sealed partial class WebSocketConnection
{
    private long _parseOffset; // the stream offset of the next frame to parse (the end of the last frame taken)
    private long _bufferStartOffset; // the stream offset of the current read result's start (the pipe's consumed)
    private bool _lastMessageReassembled; // the last data message is in the reassembly buffer, not the pipe

    // The retained messages, oldest first: their frames' stream offsets in a ring, a released one marked by its bitwise
    // complement (offsets are never negative), a free slot negative too (-1 when never used). So a slot holds a ticket
    // (non-negative) only while that message is retained and not released, and a release marks its slot with a
    // compare-exchange from any thread, scanning the ring from the head (a release usually is of the oldest). The head,
    // the count and the ring itself change only on the receiver. A grow (rare: the ring grows to the most messages
    // retained at once) copies the ring under _retainLock between two increments of _retainedVersion: a release that saw
    // the version move (or odd) marks its ticket again in the current ring under the lock, in case the copy missed it.
    private readonly object _retainLock = new();
    private long[] _retained = [];
    private int _retainedHead;
    private int _retainedCount;
    private int _retainedVersion; // odd while a grow copies the ring

    private int _receiveReleased; // 1: dispose released the receive side, the last release completes the reader
    private int _readerCompleted;
    private TaskCompletionSource? _releaseWaiter; // a receive waits for releases (RetainedBytesLimit reached)
    private volatile bool _waitingForReleases;

    /// <summary>
    /// The most bytes the receive pipe may hold for retained messages (see <see cref="RetainedBytes"/>) before a receive
    /// waits for releases rather than read the socket (TCP then slows the peer down), or 0 for no bound. A receive
    /// checks it before each read, so the pipe holds at most the bound plus one read (up to a message): also while the
    /// peer sends only control frames, or messages its owner does not retain, while a retained message is held. While a
    /// receive waits so, the keep-alive timeout is not judged (nothing is read). Set by the receiver.
    /// </summary>
    internal long RetainedBytesLimit { get; set; }

    /// <summary>Whether any retained message is not yet released and applied (the receiver's view).</summary>
    private bool RetainsAny => _retainedCount != 0;

    /// <summary>
    /// Keeps the payload of the data message that <see cref="ReceiveMessageAsync"/> returned last valid past later
    /// receives, until <see cref="ReleaseRetained"/> with <paramref name="ticket"/> (or dispose). Call it on the receiver,
    /// after that receive and before the next one. False, with nothing retained, for a message that is not in the pipe's
    /// memory (a fragmented message, reassembled in the connection's own buffer, which the next receive reuses): its
    /// owner copies what it keeps, as before.
    /// </summary>
    internal bool TryRetainLastMessage(out long ticket)
    {
        if (!CanRetainLastMessage)
        {
            ticket = -1;
            return false;
        }

        ticket = _parseOffset - _lastFrameBytes;
        if (_retainedCount == _retained.Length)
        {
            GrowRetained();
        }

        // A free slot (negative): no release looks at it. The ticket reaches its releaser after this (through the queue).
        // The ring's length is a power of two (GrowRetained doubles from 16): a mask, not a division.
        Volatile.Write(ref _retained[(_retainedHead + _retainedCount) & (_retained.Length - 1)], ticket);
        _retainedCount++;

        if (_reader is FrameAlignedPipeReader alignedReader)
        {
            // The reader must not compact its last segment under a retained payload.
            alignedReader.KeepsBytesInPlace = true;
        }

        return true;
    }

    /// <summary>Whether <see cref="TryRetainLastMessage"/> would retain the last message (receiver only; no side effect).</summary>
    internal bool CanRetainLastMessage => _hasDeferredAdvance && !_lastMessageReassembled;

    /// <summary>
    /// Releases a message retained with <see cref="TryRetainLastMessage"/>: its bytes may be reused once the receiver
    /// next advances past them. Any thread, any order; a ticket released twice or unknown (after dispose) is ignored.
    /// </summary>
    internal void ReleaseRetained(long ticket)
    {
        if (ticket < 0)
        {
            return;
        }

        int version = Volatile.Read(ref _retainedVersion);
        MarkReleased(Volatile.Read(ref _retained), Volatile.Read(ref _retainedHead), ticket);

        // The compare-exchange is a full fence: a grow that began since, or a dispose, is seen here.
        if ((version & 1) != 0 || Volatile.Read(ref _retainedVersion) != version)
        {
            lock (_retainLock)
            {
                MarkReleased(_retained, _retainedHead, ticket); // the grown ring (a no-op when the copy had the mark)
            }
        }

        if (Volatile.Read(ref _receiveReleased) != 0)
        {
            bool last;
            lock (_retainLock)
            {
                last = !AnyUnreleasedLocked(); // disposed, and this was the last one the pipe's bytes were kept for
            }

            if (last)
            {
                CompleteReader();
            }
        }

        if (Volatile.Read(ref _releaseWaiter) is not null)
        {
            WakeReleaseWaiter();
        }
    }

    /// <summary>
    /// Marks <paramref name="ticket"/>'s slot released, if <paramref name="retained"/> holds it unreleased. Scans the whole
    /// ring from <paramref name="head"/> (a hint: the receiver may move it meanwhile): a slot that holds the ticket is
    /// that message's, whatever the head is, since only a retained, unreleased message's slot is non-negative.
    /// </summary>
    private static void MarkReleased(long[] retained, int head, long ticket)
    {
        int length = retained.Length;
        for (int i = 0; i < length; i++)
        {
            int slot = head + i;
            slot = slot >= length ? slot - length : slot;
            if (Volatile.Read(ref retained[slot]) == ticket)
            {
                Interlocked.CompareExchange(ref retained[slot], ~ticket, ticket);
                return;
            }
        }
    }

    /// <summary>
    /// Dispose, with no receive pending: whether the reader's completion (which returns the pipe's buffers) waits for the
    /// last retained message's release, so that a payload lent out stays valid until its owner releases it (a session
    /// whose server closed, or that reconnected, still holds queued audio that the app has not read).
    /// </summary>
    private bool DefersReaderCompletion()
    {
        // A full fence before the scan: a release that does not see the flag is seen by the scan.
        Interlocked.Exchange(ref _receiveReleased, 1);
        lock (_retainLock)
        {
            return AnyUnreleasedLocked();
        }
    }

    private bool AnyUnreleasedLocked()
    {
        for (int i = 0; i < _retainedCount; i++)
        {
            if (Volatile.Read(ref _retained[(_retainedHead + i) % _retained.Length]) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    private void CompleteReader()
    {
        if (Interlocked.Exchange(ref _readerCompleted, 1) == 0)
        {
            _reader.Complete();
        }
    }

    /// <summary>
    /// At least <see cref="RetainedBytes"/>, without applying releases (no lock): the bytes from the pipe's consumed position
    /// to the parse position. Receiver only.
    /// </summary>
    internal long RetainedBytesUpperBound => _parseOffset - _bufferStartOffset;

    /// <summary>
    /// The bytes the pipe holds from the oldest retained message not released yet to the parse position (0 with none):
    /// what retention costs in memory now. Receiver only (it applies the releases made so far).
    /// </summary>
    internal long RetainedBytes => _parseOffset - ApplyReleases();

    /// <summary>The number of retained messages not yet released (receiver only; it applies the releases made so far).</summary>
    internal int RetainedCount
    {
        get
        {
            ApplyReleases();
            lock (_retainLock)
            {
                int unreleased = 0;
                for (int i = 0; i < _retainedCount; i++)
                {
                    unreleased += Volatile.Read(ref _retained[(_retainedHead + i) % _retained.Length]) >= 0 ? 1 : 0;
                }

                return unreleased;
            }
        }
    }

    /// <summary>Whether the receive must wait for releases before it reads again (see <see cref="RetainedBytesLimit"/>).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool MustWaitForReleases()
    {
        long limit = RetainedBytesLimit;
        return limit > 0 && RetainedBytesUpperBound > limit && RetainedBytes > limit;
    }

    /// <summary>Waits until the retained bytes are back within <see cref="RetainedBytesLimit"/>, or the connection ends.</summary>
    private async ValueTask WaitForReleasesAsync(CancellationToken cancellationToken)
    {
        _waitingForReleases = true;
        try
        {
            while (!IsTerminated)
            {
                var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Interlocked.Exchange(ref _releaseWaiter, waiter);

                // After publishing the waiter (a full fence): a release whose compare-exchange came before it is seen
                // here, one after it sees the waiter and wakes it.
                if (RetainedBytes <= RetainedBytesLimit || IsTerminated)
                {
                    break;
                }

                await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            Volatile.Write(ref _releaseWaiter, null);
            _waitingForReleases = false;
        }

        if (IsTerminated)
        {
            throw CreateClosedException();
        }
    }

    /// <summary>A release, or the connection's end (abort, dispose): a receive that waits for releases looks again.</summary>
    private void WakeReleaseWaiter() => Interlocked.Exchange(ref _releaseWaiter, null)?.TrySetResult();

    /// <summary>The position where parsing continues in <paramref name="buffer"/> (its start unless messages are retained).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private SequencePosition ParseStart(in ReadOnlySequence<byte> buffer)
        => _parseOffset == _bufferStartOffset ? buffer.Start : PositionNearEnd(buffer, _parseOffset - _bufferStartOffset);

    /// <summary>
    /// The position <paramref name="offset"/> bytes into <paramref name="buffer"/>, found from its end when it lies in
    /// the last segment: the parse position usually does, behind retained messages that may span hundreds of segments
    /// (a session whose app is behind holds up to MaxQueuedBytes), and <see cref="ReadOnlySequence{T}.GetPosition(long)"/>
    /// walks them from the start on every message.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static SequencePosition PositionNearEnd(in ReadOnlySequence<byte> buffer, long offset)
    {
        SequencePosition end = buffer.End;
        long fromEnd = buffer.Length - offset;

        // A segment-based sequence's positions are (segment, index into its memory); a segment after the first starts at 0.
        if (end.GetObject() is ReadOnlySequenceSegment<byte> last && !ReferenceEquals(last, buffer.Start.GetObject()) && end.GetInteger() >= fromEnd)
        {
            return new SequencePosition(last, end.GetInteger() - (int)fromEnd);
        }

        return buffer.GetPosition(offset);
    }

    /// <summary>
    /// The pipe's AdvanceTo for every receive path: <paramref name="consumed"/> is the parse position in
    /// <paramref name="buffer"/> (at <see cref="_parseOffset"/>); with messages retained the pipe keeps everything from the
    /// oldest of them on instead.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AdvanceReader(in ReadOnlySequence<byte> buffer, SequencePosition consumed, SequencePosition examined)
    {
        if (_retainedCount == 0)
        {
            _reader.AdvanceTo(consumed, examined);
            _bufferStartOffset = _parseOffset;
            return;
        }

        AdvanceReaderRetaining(buffer, consumed, examined);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void AdvanceReaderRetaining(in ReadOnlySequence<byte> buffer, SequencePosition consumed, SequencePosition examined)
    {
        long floor = ApplyReleases();
        Debug.Assert(floor >= _bufferStartOffset && floor <= _parseOffset, "The floor lies between the buffer's start and the parse position.");

        // Everything released (the app read past its deltas before this receive, as a reader's step does): the parse
        // position itself, without walking the buffer to it.
        SequencePosition keep = floor == _parseOffset ? consumed
            : floor == _bufferStartOffset ? buffer.Start
            : buffer.GetPosition(floor - _bufferStartOffset);
        _reader.AdvanceTo(keep, examined);
        _bufferStartOffset = floor;
        if (_retainedCount == 0 && _reader is FrameAlignedPipeReader alignedReader)
        {
            alignedReader.KeepsBytesInPlace = false; // everything before the parse position is consumed again
        }
    }

    /// <summary>Drops the released messages at the front of the ring; returns the floor (the parse offset when none is left).</summary>
    private long ApplyReleases()
    {
        if (_retainedCount == 0)
        {
            return _parseOffset;
        }

        // Receiver only: the head and the count are its own; a released slot stays released.
        long[] retained = _retained;
        int head = _retainedHead;
        long oldest;
        while ((oldest = Volatile.Read(ref retained[head])) < 0)
        {
            head = head + 1 == retained.Length ? 0 : head + 1;
            if (--_retainedCount == 0)
            {
                break;
            }
        }

        Volatile.Write(ref _retainedHead, head);
        return _retainedCount == 0 ? _parseOffset : oldest;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void GrowRetained()
    {
        // Grows with the most messages retained at once (a session's queued deltas); the steady state allocates nothing.
        // Receiver only; under the lock, between two version increments, so that a release racing the copy marks again.
        long[] larger = new long[Math.Max(16, _retained.Length * 2)];
        lock (_retainLock)
        {
            Interlocked.Increment(ref _retainedVersion);
            long[] retained = _retained;
            for (int i = 0; i < _retainedCount; i++)
            {
                larger[i] = Volatile.Read(ref retained[(_retainedHead + i) % retained.Length]);
            }

            larger.AsSpan(_retainedCount).Fill(-1); // free
            Volatile.Write(ref _retained, larger);
            Volatile.Write(ref _retainedHead, 0);
            Interlocked.Increment(ref _retainedVersion);
        }
    }
}
