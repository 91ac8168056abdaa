using System;
using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading.Tasks;
using Generated.OpenAI.Models;
using Generated.OpenAI.Serialization;
using Generated.OpenAI.Simulator;
using Xunit;
using Xunit.Abstractions;
using static Generated.OpenAI.Realtime.Tests.TestSupport;

namespace Generated.OpenAI.Realtime.Tests;

/// <summary>
/// A typed audio delta under <see cref="RealtimeSessionOptions.ZeroCopyAudioDeltas"/>, through the session's
/// <c>ProcessMessage</c> on this thread (the receive loop's per-message work, with no socket read in the count):
/// exactly its <c>event_id</c> string is allocated; the event (the union and the model) is lent, the one object set
/// again for each delta, its base64 is borrowed from the message, and the <c>response_id</c>/<c>item_id</c> of the
/// previous delta are reused.
/// </summary>
[Collection(TimingSensitiveCollection.Name)]
public sealed class TypedAudioDeltaAllocationTests(ITestOutputHelper output)
{
    [Theory(Timeout = 30000)]
    [InlineData(0)]
    [InlineData(4096)]
    public async Task A_typed_delta_allocates_exactly_its_event_id(int segmentSize)
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        using RealtimeClient client = CreateClient(simulator);
        await using RealtimeVoiceSession session = await client.ConnectVoiceAgentAsync(options: new RealtimeSessionOptions { ZeroCopyAudioDeltas = true });
        Assert.NotNull(await session.ReadEventAsync().AsTask().WaitAsync(Patience)); // session.created: the loop is idle now

        byte[] pcm = SampleAudio.CreatePcm16(TimeSpan.FromMilliseconds(100));
        const string EventId = "event_CRz9pTq1mXf0bV2aLk3Jd";
        byte[] json = Encoding.UTF8.GetBytes("{\"type\":\"response.output_audio.delta\",\"event_id\":\"" + EventId + "\",\"response_id\":\"resp_CRz9pSGx7hQ1oWn4Yt6Ue\",\"item_id\":\"item_CRz9pR8kVb2NcMz5Xa7Gf\",\"output_index\":0,\"content_index\":0,\"delta\":\"" + Convert.ToBase64String(pcm) + "\"}");
        ReadOnlySequence<byte> payload = segmentSize == 0 ? new ReadOnlySequence<byte>(json) : Segmented(json, segmentSize);
        const int Iterations = 2000;

        RealtimeServerEvent? first = null;
        for (int i = 0; i < 100; i++)
        {
            first = session.ProcessMessage(payload, out _); // warm up (JIT, the reused buffer for a segmented message)
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        RealtimeServerEvent? last = null;
        bool allBorrowed = true;
        for (int i = 0; i < Iterations; i++)
        {
            last = session.ProcessMessage(payload, out bool borrowed);
            allBorrowed &= borrowed;
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // The same string made directly (the ids are made before the count).
        byte[] eventId = Encoding.UTF8.GetBytes(EventId);
        string responseId = first!.AsResponseOutputAudioDelta().ResponseId;
        string itemId = first.AsResponseOutputAudioDelta().ItemId;
        long referenceBefore = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Iterations; i++)
        {
            GC.KeepAlive(Encoding.UTF8.GetString(eventId));
        }

        long reference = GC.GetAllocatedBytesForCurrentThread() - referenceBefore;
        output.WriteLine($"segments of {segmentSize}: {allocated / Iterations} B per typed 100 ms delta; its event_id alone: {reference / Iterations} B");

        Assert.True(allBorrowed);
        Assert.Same(first, last);
        Assert.Equal(reference, allocated);
        RealtimeServerEventResponseAudioDelta read = last!.AsResponseOutputAudioDelta();
        Assert.Same(responseId, read.ResponseId);
        Assert.Same(itemId, read.ItemId);
        Assert.Equal(EventId, read.EventId);
        Assert.True(read.Delta.IsEncoded);
        Assert.Equal(Convert.ToBase64String(pcm), Encoding.ASCII.GetString(read.Delta.EncodedUtf8.Span));

        // Borrowed: the message itself when it is one block, else the session's reused buffer; never a copy of its own.
        Assert.True(MemoryMarshal.TryGetArray(read.Delta.EncodedUtf8, out ArraySegment<byte> borrowedFrom));
        if (segmentSize == 0)
        {
            Assert.Same(json, borrowedFrom.Array);
        }
        else
        {
            Assert.NotSame(json, borrowedFrom.Array);
            Assert.True(borrowedFrom.Array!.Length >= json.Length);
        }
    }
}
