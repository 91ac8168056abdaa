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
// next advances the pipe.
public sealed partial class WebSocketConnection
{
    private long _parseOffset; // the stream offset of the next frame to parse (the end of the last frame taken)
    private long _bufferStartOffset; // the stream offset of the current read result's start (the pipe's consumed)
    private bool _lastMessageReassembled; // the last data message is in the reassembly buffer, not the pipe

    // The retained messages, oldest first: their frames' stream offsets in a ring, a released one marked by its bitwise
    // complement (offsets are never negative). Written under _retainLock (releases come from other threads); the count
    // and the head change only on the receiver, which may read them without the lock.
    private readonly object _retainLock = new();
    private long[] _retained = [];
    private int _retainedHead;
    private int _retainedCount;

    private bool _receiveReleased; // dispose released the receive side: the last release completes the reader
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
        lock (_retainLock)
        {
            if (_retainedCount == _retained.Length)
            {
                GrowRetained();
            }

            _retained[(_retainedHead + _retainedCount) % _retained.Length] = ticket;
            _retainedCount++;
        }

        if (_reader is SocketPipeReader socketReader)
        {
            // The reader must not compact its last segment under a retained payload.
            socketReader.KeepsBytesInPlace = true;
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
        bool last = false;
        lock (_retainLock)
        {
            long[] retained = _retained;
            for (int i = 0; i < _retainedCount; i++)
            {
                ref long entry = ref retained[(_retainedHead + i) % retained.Length];
                if (entry == ticket)
                {
                    entry = ~ticket;

                    // Disposed, and this was the last one the pipe's bytes were kept for.
                    last = _receiveReleased && !AnyUnreleasedLocked();
                    break;
                }

                if (entry > ticket)
                {
                    break; // oldest first: it is not here (released already)
                }
            }
        }

        if (last)
        {
            CompleteReader();
        }

        if (Volatile.Read(ref _releaseWaiter) is not null)
        {
            WakeReleaseWaiter();
        }
    }

    /// <summary>
    /// Dispose, with no receive pending: whether the reader's completion (which returns the pipe's buffers) waits for the
    /// last retained message's release, so that a payload lent out stays valid until its owner releases it (a session
    /// whose server closed, or that reconnected, still holds queued audio that the app has not read).
    /// </summary>
    private bool DefersReaderCompletion()
    {
        lock (_retainLock)
        {
            _receiveReleased = true;
            return AnyUnreleasedLocked();
        }
    }

    private bool AnyUnreleasedLocked()
    {
        for (int i = 0; i < _retainedCount; i++)
        {
            if (_retained[(_retainedHead + i) % _retained.Length] >= 0)
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
                    unreleased += _retained[(_retainedHead + i) % _retained.Length] >= 0 ? 1 : 0;
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
                Volatile.Write(ref _releaseWaiter, waiter);

                // After publishing the waiter: a release before it is seen here (RetainedBytes takes the retain lock,
                // which the release held), one after it wakes the waiter.
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

        AdvanceReaderRetaining(buffer, examined);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void AdvanceReaderRetaining(in ReadOnlySequence<byte> buffer, SequencePosition examined)
    {
        long floor = ApplyReleases();
        Debug.Assert(floor >= _bufferStartOffset && floor <= _parseOffset, "The floor lies between the buffer's start and the parse position.");
        SequencePosition keep = floor == _bufferStartOffset ? buffer.Start : buffer.GetPosition(floor - _bufferStartOffset);
        _reader.AdvanceTo(keep, examined);
        _bufferStartOffset = floor;
        if (_retainedCount == 0 && _reader is SocketPipeReader socketReader)
        {
            socketReader.KeepsBytesInPlace = false; // everything before the parse position is consumed again
        }
    }

    /// <summary>Drops the released messages at the front of the ring; returns the floor (the parse offset when none is left).</summary>
    private long ApplyReleases()
    {
        if (_retainedCount == 0)
        {
            return _parseOffset;
        }

        lock (_retainLock)
        {
            long[] retained = _retained;
            while (_retainedCount != 0 && retained[_retainedHead] < 0)
            {
                _retainedHead = (_retainedHead + 1) % retained.Length;
                _retainedCount--;
            }

            return _retainedCount == 0 ? _parseOffset : retained[_retainedHead];
        }
    }

    private void GrowRetained()
    {
        // Grows with the most messages retained at once (a session's queued deltas); the steady state allocates nothing.
        long[] larger = new long[Math.Max(16, _retained.Length * 2)];
        for (int i = 0; i < _retainedCount; i++)
        {
            larger[i] = _retained[(_retainedHead + i) % _retained.Length];
        }

        _retained = larger;
        _retainedHead = 0;
    }
}
