using System;
using System.Text;
using System.Threading.Tasks;
using Generated.OpenAI.Models;
using Generated.OpenAI.Serialization;
using Generated.OpenAI.Simulator;
using Xunit;
using Xunit.Abstractions;

namespace Generated.OpenAI.Realtime.Tests;

// Alone, after the parallel tests: allocations are counted on this thread, and a listener another test attaches
// mid-measurement would be charged here.
[Collection(TimingSensitiveCollection.Name)]
public sealed class TypedSendAllocationTests(ITestOutputHelper output)
{
    private const int Sends = 2000;

    /// <summary>
    /// A typed client event allocates nothing, with a new <c>event_id</c> (the session's id is a
    /// <see cref="RealtimeEventId"/> that the writer formats: it used to be a string, 64 B) or with one of its own.
    /// (The queue a reconnecting session keeps used to cost a closure on every send: 56 B.)
    /// </summary>
    [Fact(Timeout = 30000)]
    public async Task A_typed_send_allocates_nothing()
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        using RealtimeClient client = TestSupport.CreateClient(simulator);
        await using RealtimeVoiceSession session = await client.ConnectVoiceAgentAsync();
        Assert.NotNull(await session.ReadEventAsync().AsTask().WaitAsync(TestSupport.Patience)); // session.created

        RealtimeClientEvent clientEvent = JsonModel.Deserialize<RealtimeClientEvent>(Encoding.UTF8.GetBytes("{\"type\":\"input_audio_buffer.clear\"}"));
        var model = (IRealtimeEvent)clientEvent.Value!;
        for (int i = 0; i < 200; i++)
        {
            model.EventId = null;
            await session.SendAsync(clientEvent); // warm up (JIT, the history ring, the connection's scratch buffer)
        }

        // The model keeps the session's id as a value: read as a string, it is the id the session returned.
        model.EventId = null;
        string returned = await session.SendAsync(clientEvent);
        Assert.StartsWith("evt_", returned, StringComparison.Ordinal);
        Assert.Equal(returned, model.EventId);

        double withNewId = await MeasureAsync(session, clientEvent, model, presetId: null);
        model.EventId = "evt_app_1";
        await session.SendAsync(clientEvent);
        double withOwnId = await MeasureAsync(session, clientEvent, model, presetId: "evt_app_1");
        output.WriteLine($"a new event_id: {withNewId:0.#} B/send; the app's own id: {withOwnId:0.#} B/send");

        // Each send completed at once (counted in MeasureAsync): the counts are the sends' own, and exactly nothing.
        Assert.Equal(0, withOwnId);
        Assert.Equal(0, withNewId);
        Assert.Equal("evt_app_1", model.EventId);
    }

    /// <summary>
    /// What <see cref="Sends"/> sends allocate on this thread, per send. A socket send that does not complete at once
    /// (rare on loopback) allocates its continuation, which is not the send path's cost: the measurement is then run
    /// again, a few times at most.
    /// </summary>
    private static async Task<double> MeasureAsync(RealtimeVoiceSession session, RealtimeClientEvent clientEvent, IRealtimeEvent model, string? presetId)
    {
        for (int attempt = 0; ; attempt++)
        {
            bool allAtOnce = true;
            RealtimeEventId last = default;
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < Sends; i++)
            {
                model.EventIdValue = new RealtimeEventId(presetId);
                ValueTask<RealtimeEventId> send = session.SendAsync(clientEvent);
                if (send.IsCompletedSuccessfully)
                {
                    last = send.Result;
                }
                else
                {
                    allAtOnce = false;
                    last = await send;
                }
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(last == model.EventIdValue, "A send returns the id it set on the model.");
            if (allAtOnce || attempt == 4)
            {
                return allocated / (double)Sends;
            }
        }
    }
}
