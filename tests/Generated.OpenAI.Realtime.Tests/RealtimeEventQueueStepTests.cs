using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Generated.OpenAI.Realtime.Tests;

/// <summary>
/// <see cref="RealtimeEventQueue{T}"/>'s step hand-over (the reader running the writer's next step while the writer
/// waits for a borrowed event to come back): when the reader may take it, that the writer stays parked while the
/// reader steps, and that a completion meanwhile wakes the writer only when the step ends.
/// </summary>
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
}
