using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.WebSockets;
using Xunit;

namespace Generated.OpenAI.Runtime.Tests.WebSockets;

/// <summary>
/// The connection's send lock: mutual exclusion under contention, hand-over in arrival order, cancellation of a
/// waiter only, and an uncontended acquire and release that allocate nothing.
/// </summary>
public sealed class SendLockTests
{
    [Fact]
    public void An_uncontended_acquire_and_release_allocate_nothing()
    {
        var sendLock = new SendLock();
        for (int i = 0; i < 100; i++)
        {
            Assert.True(sendLock.WaitAsync(CancellationToken.None).IsCompletedSuccessfully);
            sendLock.Release();
        }

        using var cancel = new CancellationTokenSource();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            if (!sendLock.WaitAsync(cancel.Token).IsCompletedSuccessfully)
            {
                throw new InvalidOperationException("The free lock was not taken at once.");
            }

            sendLock.Release();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public async Task Waiters_get_the_lock_one_at_a_time_in_the_order_they_came()
    {
        var sendLock = new SendLock();
        Assert.True(sendLock.TryEnter());
        Assert.False(sendLock.TryEnter());
        Task first = sendLock.WaitAsync(CancellationToken.None);
        Task second = sendLock.WaitAsync(CancellationToken.None);
        Assert.False(first.IsCompleted);
        Assert.False(second.IsCompleted);

        sendLock.Release();
        await first.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(second.IsCompleted);
        Assert.False(sendLock.TryEnter());

        sendLock.Release();
        await second.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(sendLock.TryEnter());

        // The last holder's release frees the lock for the fast path again.
        sendLock.Release();
        Assert.True(sendLock.TryEnter());
        sendLock.Release();
    }

    [Fact]
    public async Task A_canceled_waiter_is_skipped_and_the_lock_goes_to_the_next()
    {
        var sendLock = new SendLock();
        Assert.True(sendLock.TryEnter());
        using var cancel = new CancellationTokenSource();
        Task canceled = sendLock.WaitAsync(cancel.Token);
        Task next = sendLock.WaitAsync(CancellationToken.None);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => canceled.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.False(next.IsCompleted);

        sendLock.Release();
        await next.WaitAsync(TimeSpan.FromSeconds(5));
        sendLock.Release();
        Assert.True(sendLock.TryEnter());
        sendLock.Release();
    }

    [Fact]
    public void A_token_already_canceled_cancels_the_wait_even_when_the_lock_is_free()
    {
        var sendLock = new SendLock();
        Task wait = sendLock.WaitAsync(new CancellationToken(canceled: true));
        Assert.True(wait.IsCanceled);
        Assert.True(sendLock.TryEnter()); // and it was not taken
        sendLock.Release();
    }

    [Fact(Timeout = 60_000)]
    public async Task Contending_senders_never_hold_it_together()
    {
        var sendLock = new SendLock();
        int inside = 0;
        int overlaps = 0;
        long entries = 0;
        var workers = new List<Task>();
        using var stopCanceling = new CancellationTokenSource();
        for (int w = 0; w < 8; w++)
        {
            int worker = w;
            workers.Add(Task.Run(async () =>
            {
                for (int i = 0; i < 20_000; i++)
                {
                    // Every third worker sometimes gives up while it waits: skipped waiters must not break the hand-over.
                    using var cancel = worker % 3 == 0 && i % 7 == 0 ? new CancellationTokenSource(TimeSpan.FromTicks(1)) : null;
                    try
                    {
                        await sendLock.WaitAsync(cancel?.Token ?? CancellationToken.None);
                    }
                    catch (OperationCanceledException)
                    {
                        continue;
                    }

                    if (Interlocked.Increment(ref inside) != 1)
                    {
                        Interlocked.Increment(ref overlaps);
                    }

                    if (i % 16 == 0)
                    {
                        await Task.Yield(); // hold it across an await now and then, as a send that waits for the socket
                    }

                    Interlocked.Decrement(ref inside);
                    Interlocked.Increment(ref entries);
                    sendLock.Release();
                }
            }));
        }

        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(50));
        Assert.Equal(0, overlaps);
        Assert.True(entries > 100_000, $"{entries} entries");
        Assert.True(sendLock.TryEnter()); // free at the end, nothing stranded
        sendLock.Release();
    }
}
