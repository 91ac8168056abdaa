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
    /// A typed client event allocates its new <c>event_id</c> and nothing else; with an id of its own, nothing. (The
    /// queue a reconnecting session keeps used to cost a closure on every send: 56 B.)
    /// </summary>
    [Fact(Timeout = 30000)]
    public async Task A_typed_send_allocates_only_its_event_id()
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

        double withNewId = await MeasureAsync(session, clientEvent, model, presetId: null);
        model.EventId = "evt_app_1";
        await session.SendAsync(clientEvent);
        double withOwnId = await MeasureAsync(session, clientEvent, model, presetId: "evt_app_1");
        output.WriteLine($"a new event_id: {withNewId:0.#} B/send; the app's own id: {withOwnId:0.#} B/send");

        // A socket send that does not complete at once allocates its continuation; on loopback that is rare.
        Assert.InRange(withOwnId, 0, 8);
        Assert.InRange(withNewId, 40, 80); // "evt_<8 hex>_<n>": one string of 18–19 characters
        Assert.Equal("evt_app_1", model.EventId);
    }

    private static async Task<double> MeasureAsync(RealtimeVoiceSession session, RealtimeClientEvent clientEvent, IRealtimeEvent model, string? presetId)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Sends; i++)
        {
            model.EventId = presetId;
            ValueTask<string> send = session.SendAsync(clientEvent);
            if (!send.IsCompletedSuccessfully)
            {
                await send;
            }
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / (double)Sends;
    }
}
