using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Generated.OpenAI.Realtime.Tests;

/// <summary>
/// <see cref="RealtimeEventQueue{T}"/>'s step hand-over (the reader running the writer's next step while the writer
/// waits for a borrowed event to come back): when the reader may take it, that the writer stays parked while the
/// reader steps, and that a completion meanwhile wakes the writer only when the step ends. The hand-over is one atomic
/// state outside the queue's lock: a stress test races the two sides with a completion, many times.
/// </summary>
[Collection(TimingSensitiveCollection.Name)]
public sealed class RealtimeEventQueueStepTests
{
    [Fact]
    public void The_reader_steps_only_after_taking_a_borrowed_event_that_the_writer_waits_for()
    {
        var queue = new RealtimeEventQueue<string>(16, 1 << 20, RealtimeBackpressure.Wait);
        Assert.False(queue.TryBeginStep()); // nothing borrowed

        Assert.True(queue.EnqueueAsync("a", 10, isAudio: true, borrowed: true, CancellationToken.None).Result);
        Assert.False(queue.TryBeginStep()); // queued, not taken
        Assert.True(queue.TryDequeue(out string? item));
        Assert.Equal("a", item);
        Assert.False(queue.TryBeginStep()); // taken, but the writer does not wait for it yet

        ValueTask returned = queue.WaitForReturnAsync(CancellationToken.None);
        Assert.False(returned.IsCompleted);
        Assert.True(queue.TryBeginStep());
        Assert.False(queue.TryBeginStep()); // once
        Assert.False(returned.IsCompleted);

        // The reader lends the next event itself: the writer waits for that one now.
        Assert.True(queue.EndStep(lent: true));
        Assert.False(returned.IsCompleted);
        Assert.True(queue.TryBeginStep());

        // The reader hands the step to the writer: it resumes.
        Assert.False(queue.EndStep(lent: false));
        Assert.True(returned.IsCompleted);
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void A_completion_during_a_step_wakes_the_writer_when_the_step_ends_and_refuses_the_lent_event()
    {
        var queue = new RealtimeEventQueue<string>(16, 1 << 20, RealtimeBackpressure.Wait);
        Assert.True(queue.EnqueueAsync("a", 10, isAudio: true, borrowed: true, CancellationToken.None).Result);
        Assert.True(queue.TryDequeue(out _));
        ValueTask returned = queue.WaitForReturnAsync(CancellationToken.None);
        Assert.True(queue.TryBeginStep());

        queue.Complete(null);
        Assert.False(returned.IsCompleted); // the step still owns the receive

        // Refused, and the writer is not woken yet: the reader first hands it the step's outcome, then ends the step.
        Assert.False(queue.EndStep(lent: true));
        Assert.False(returned.IsCompleted);
        Assert.False(queue.EndStep(lent: false));
        Assert.True(returned.IsCompleted);
        Assert.False(queue.TryBeginStep());
    }

    [Fact]
    public void The_step_is_taken_once_while_parked_and_not_after_the_event_came_back_another_way()
    {
        var queue = new RealtimeEventQueue<string>(16, 1 << 20, RealtimeBackpressure.Wait);
        Assert.True(queue.EnqueueAsync("a", 10, isAudio: true, borrowed: true, CancellationToken.None).Result);
        ValueTask returned = queue.WaitForReturnAsync(CancellationToken.None); // the writer waits before the reader takes it
        Assert.False(queue.TryBeginStep());
        Assert.True(queue.TryDequeue(out _));
        Assert.True(queue.TryBeginStep()); // parked by the take: the writer already waited

        Assert.True(queue.EndStep(lent: true));

        // A read that does not step (say its token was canceled) hands the lent event back through the lock: the
        // writer resumes and no step can begin any more.
        Assert.False(queue.TryDequeue(out _));
        Assert.True(returned.IsCompleted);
        Assert.False(queue.TryBeginStep());
    }

    [Fact]
    public void A_completion_while_parked_wakes_the_writer_and_no_step_begins_after_it()
    {
        var queue = new RealtimeEventQueue<string>(16, 1 << 20, RealtimeBackpressure.Wait);
        Assert.True(queue.EnqueueAsync("a", 10, isAudio: true, borrowed: true, CancellationToken.None).Result);
        Assert.True(queue.TryDequeue(out _));
        ValueTask returned = queue.WaitForReturnAsync(CancellationToken.None);

        queue.Complete(null);
        Assert.True(returned.IsCompleted);
        Assert.False(queue.TryBeginStep());
    }

    /// <summary>
    /// The session's protocol on the queue alone, raced: a writer that "receives" (a counter, in a section that must
    /// never be entered by both sides at once), queues each item borrowed and waits for it back; a reader that steps
    /// for the parked writer when it may (lending the item itself, or handing it to the writer), else takes from the
    /// queue; and a completion at a random moment from a third thread. Each round must end (both sides see the end)
    /// with the reader's items in order, none twice, none skipped; repeated for a few seconds.
    /// </summary>
    [Fact(Timeout = 60000)]
    public async Task A_writer_and_a_stepping_reader_racing_a_completion_keep_one_receiver_and_the_order()
    {
        var clock = Stopwatch.StartNew();
        int rounds = 0;
        int steps = 0;
        while (rounds < 200 || (clock.Elapsed < TimeSpan.FromSeconds(3) && rounds < 20000))
        {
            steps += await RaceOnceAsync(new Random(rounds), rounds);
            rounds++;
        }

        Assert.True(steps > 0, "no round took a step: the race did not exercise the hand-over");
    }

    private static async Task<int> RaceOnceAsync(Random random, int round)
    {
        var queue = new RealtimeEventQueue<object>(4, 1 << 20, RealtimeBackpressure.Wait);
        int receiving = 0;
        int overlaps = 0;
        int produced = 0;
        int steps = 0;
        object? handed = null;
        var read = new List<int>();
        int completeAfter = random.Next(0, 400);

        object Receive()
        {
            if (Interlocked.Increment(ref receiving) != 1)
            {
                Interlocked.Increment(ref overlaps);
            }

            object item = produced++;
            Thread.SpinWait(random.Next(0, 20));
            Interlocked.Decrement(ref receiving);
            return item;
        }

        async Task WriterAsync()
        {
            await Task.Yield();
            while (true)
            {
                object item = Interlocked.Exchange(ref handed, null) ?? Receive();
                if (!await queue.EnqueueAsync(item, 1, isAudio: true, borrowed: true, CancellationToken.None))
                {
                    return;
                }

                await queue.WaitForReturnAsync(CancellationToken.None);
            }
        }

        async Task ReaderAsync()
        {
            await Task.Yield();
            while (true)
            {
                if (queue.TryBeginStep())
                {
                    steps++;
                    object item = Receive();
                    if (random.Next(4) != 0 && queue.EndStep(lent: true))
                    {
                        read.Add((int)item);
                        continue;
                    }

                    Volatile.Write(ref handed, item);
                    Assert.False(queue.EndStep(lent: false));
                    continue;
                }

                if (queue.TryDequeue(out object? taken))
                {
                    read.Add((int)taken!);
                    continue;
                }

                if (!await queue.WaitToReadAsync(CancellationToken.None))
                {
                    return;
                }
            }
        }

        Task writer = Task.Run(WriterAsync);
        Task reader = Task.Run(ReaderAsync);
        Task completer = Task.Run(() =>
        {
            Thread.SpinWait(completeAfter * 50);
            queue.Complete(null);
        });

        await Task.WhenAll(writer, reader, completer).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, overlaps);
        for (int i = 0; i < read.Count; i++)
        {
            Assert.True(read[i] == i, $"round {round}: item {i} read as {read[i]}");
        }

        Assert.True(read.Count >= produced - 1, $"round {round}: {produced} received, {read.Count} read");
        return steps;
    }

    /// <summary>
    /// A dispose (Complete, then Clear at once, without waiting for the writer) racing a reader that steps with leased
    /// events, as the session's lent deltas: the reader's step takes the lease of the event it read last with no atomic
    /// operation and releases it, and sets the lease of the event it lends, taking it back when the step may not lend;
    /// Clear leaves the taken lease to a step under way. Each lease must be released exactly once, and none while its
    /// step still uses it (before lending, or handing it to the writer); repeated many times.
    /// </summary>
    [Fact(Timeout = 60000)]
    public async Task A_dispose_racing_a_reader_that_steps_with_leases_releases_each_lease_exactly_once_and_none_in_use()
    {
        var clock = Stopwatch.StartNew();
        int rounds = 0;
        int steps = 0;
        int clearsDuringSteps = 0;
        while (rounds < 300 || (clock.Elapsed < TimeSpan.FromSeconds(3) && rounds < 20000))
        {
            (int roundSteps, bool clearedDuringStep) = await RaceDisposeOnceAsync(new Random(rounds), rounds);
            steps += roundSteps;
            clearsDuringSteps += clearedDuringStep ? 1 : 0;
            rounds++;
        }

        Assert.True(steps > 0, $"no round took a step in {rounds} rounds ({clearsDuringSteps} cleared during one): the race did not exercise the hand-over");
    }

    private static async Task<(int Steps, bool ClearedDuringStep)> RaceDisposeOnceAsync(Random random, int round)
    {
        var queue = new RealtimeEventQueue<object>(4, 1 << 20, RealtimeBackpressure.Wait);
        var leases = new List<CountingLease>();
        int produced = 0;
        int steps = 0;
        int stepping = 0;
        bool clearedDuringStep = false;
        HandedItem? handed = null;
        int disposeAfter = random.Next(0, 400);

        CountingLease NewLease()
        {
            var lease = new CountingLease();
            lock (leases)
            {
                leases.Add(lease);
            }

            return lease;
        }

        async Task WriterAsync()
        {
            await Task.Yield();
            while (true)
            {
                (object item, CountingLease lease) = Interlocked.Exchange(ref handed, null) ?? new HandedItem(produced++, NewLease());
                if (!await queue.EnqueueAsync(item, 1, isAudio: true, borrowed: true, lease, CancellationToken.None))
                {
                    lease.Release(); // refused: the lease stays the writer's, as in the session's loop
                    return;
                }

                await queue.WaitForReturnAsync(CancellationToken.None);
            }
        }

        async Task ReaderAsync()
        {
            await Task.Yield();
            while (true)
            {
                if (queue.TryBeginStep())
                {
                    Volatile.Write(ref stepping, 1);
                    steps++;
                    (queue.TakeTakenLease() as CountingLease)?.Release();
                    object item = produced++;
                    CountingLease lease = NewLease();
                    bool lend = random.Next(4) != 0;
                    if (lend)
                    {
                        queue.SetTakenLease(lease);
                    }

                    Thread.SpinWait(random.Next(0, 20));
                    lease.AssertHeld(round);
                    Volatile.Write(ref stepping, 0);
                    if (lend && queue.EndStep(lent: true))
                    {
                        continue;
                    }

                    Volatile.Write(ref stepping, 1);
                    if (lend)
                    {
                        Assert.Same(lease, queue.TakeTakenLease());
                    }

                    lease.AssertHeld(round);
                    Volatile.Write(ref stepping, 0);
                    Volatile.Write(ref handed, new HandedItem(item, lease));
                    Assert.False(queue.EndStep(lent: false));
                    continue;
                }

                if (!queue.TryDequeue(out _) && !await queue.WaitToReadAsync(CancellationToken.None))
                {
                    return;
                }
            }
        }

        Task writer = Task.Run(WriterAsync);
        Task reader = Task.Run(ReaderAsync);
        Task disposer = Task.Run(() =>
        {
            Thread.SpinWait(disposeAfter * 50);
            queue.Complete(null);
            clearedDuringStep = Volatile.Read(ref stepping) != 0;
            queue.Clear();
        });

        await Task.WhenAll(writer, reader, disposer).WaitAsync(TimeSpan.FromSeconds(10));
        lock (leases)
        {
            foreach (CountingLease lease in leases)
            {
                Assert.True(lease.Releases == 1, $"round {round}: a lease was released {lease.Releases} times");
            }
        }

        return (steps, clearedDuringStep);
    }

    /// <summary>What the reader's step hands to the writer.</summary>
    private sealed record HandedItem(object Item, CountingLease Lease);

    /// <summary>A lease that counts its releases.</summary>
    private sealed class CountingLease : IRealtimeEventLease
    {
        private int _releases;

        public int Releases => Volatile.Read(ref _releases);

        public void Release() => Interlocked.Increment(ref _releases);

        public void KeepPastReceive()
        {
        }

        /// <summary>The step still uses the lease: nobody may have released it yet.</summary>
        public void AssertHeld(int round) => Assert.True(Releases == 0, $"round {round}: a lease was released while its step used it");
    }
}
