using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Generated.OpenAI.WebSockets;

/// <summary>
/// The connection's send lock: an async mutex whose uncontended acquire and release are one interlocked
/// compare-exchange each. (A <see cref="SemaphoreSlim"/> takes its monitor in <c>WaitAsync</c> and again in
/// <c>Release</c>: two monitor pairs per frame sent, on the path of every 20 ms audio append.) Contended, waiters queue
/// in arrival order under a monitor, each on a task of its own; contention is the rare case (the realtime sessions have
/// one sender, plus the receiver's pongs and close frames), so only it allocates.
/// </summary>
/// <remarks>
/// <para><b>States.</b> <see cref="Free"/>, <see cref="Held"/> (no one waits) and <see cref="Contended"/> (held, and
/// waiters may be queued). Outside the monitor only two moves happen: <see cref="TryEnter"/> (Free to Held) and the
/// holder's <see cref="Release"/> (Held to Free). Everything else, Held to Contended, a hand-over to a waiter and the
/// way back to Free, happens under the monitor, so a waiter that queues can never miss the release that would wake it.</para>
/// <para><b>Cancellation.</b> A waiter whose token fires before the lock reaches it is canceled and skipped; one that
/// the lock reached first owns it (its await completes; the caller then sees the token itself). A token already canceled
/// cancels the wait even when the lock is free, as <see cref="SemaphoreSlim.WaitAsync(CancellationToken)"/> does.</para>
/// </remarks>
internal sealed class SendLock
{
    private const int Free = 0;
    private const int Held = 1;
    private const int Contended = 2;

    private int _state;
    private readonly Queue<Waiter> _waiters = new(); // guarded by itself (the monitor of the slow paths)

    /// <summary>Takes the lock if it is free, without waiting.</summary>
    public bool TryEnter() => Interlocked.CompareExchange(ref _state, Held, Free) == Free;

    /// <summary>
    /// A completed task when the lock was free (it is now the caller's), else a task that completes when the lock is
    /// handed to the caller, or is canceled by <paramref name="cancellationToken"/> before that.
    /// </summary>
    public Task WaitAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        return TryEnter() ? Task.CompletedTask : WaitSlowAsync(cancellationToken);
    }

    /// <summary>Releases the lock: to the first waiter that is still waiting, if any.</summary>
    public void Release()
    {
        if (Interlocked.CompareExchange(ref _state, Free, Held) != Held)
        {
            ReleaseContended();
        }
    }

    private Task WaitSlowAsync(CancellationToken cancellationToken)
    {
        // Registered before it is queued: a release that dequeues it finds the registration complete (the monitor orders
        // the two), and a token that fires first leaves a claimed waiter that the release skips.
        var waiter = new Waiter();
        if (cancellationToken.CanBeCanceled)
        {
            waiter.CancelWith(cancellationToken);
        }

        lock (_waiters)
        {
            while (true)
            {
                int state = Volatile.Read(ref _state);
                if (state == Free)
                {
                    if (TryEnter())
                    {
                        waiter.Abandon(); // released meanwhile: the lock is the caller's
                        return Task.CompletedTask;
                    }
                }
                else if (state == Contended || Interlocked.CompareExchange(ref _state, Contended, Held) == Held)
                {
                    break; // the holder's release now takes the monitor and sees this waiter
                }
            }

            _waiters.Enqueue(waiter);
        }

        return waiter.Task;
    }

    private void ReleaseContended()
    {
        Waiter? next = null;
        lock (_waiters)
        {
            while (_waiters.TryDequeue(out Waiter? waiter))
            {
                if (waiter.TryClaim())
                {
                    next = waiter;
                    break;
                }
            }

            // The lock passes to next (Held if no one else waits, so that its release is the fast one again), or is free.
            Volatile.Write(ref _state, next is null ? Free : _waiters.Count == 0 ? Held : Contended);
        }

        next?.Grant();
    }

    /// <summary>One queued acquire: granted by a release or canceled by its token, whichever claims it first.</summary>
    private sealed class Waiter : TaskCompletionSource
    {
        private int _claimed;
        private CancellationTokenRegistration _registration;

        // Continuations run on the thread pool: a release must not run the next sender's frame inline.
        public Waiter()
            : base(TaskCreationOptions.RunContinuationsAsynchronously)
        {
        }

        public bool TryClaim() => Interlocked.Exchange(ref _claimed, 1) == 0;

        public void CancelWith(CancellationToken cancellationToken)
        {
            _registration = cancellationToken.UnsafeRegister(
                static (state, token) =>
                {
                    var waiter = (Waiter)state!;
                    if (waiter.TryClaim())
                    {
                        waiter.TrySetCanceled(token);
                    }
                },
                this);
        }

        public void Grant()
        {
            _registration.Dispose();
            TrySetResult();
        }

        public void Abandon() => _registration.Dispose();
    }
}
