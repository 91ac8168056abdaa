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
/// nothing is allocated. The event (the union and the model) is lent, the one object set again for each delta; its
/// base64 and its <c>event_id</c> (a <see cref="RealtimeEventId"/>) are borrowed from the message, and the
/// <c>response_id</c>/<c>item_id</c> of the previous delta are reused.
/// </summary>
[Collection(TimingSensitiveCollection.Name)]
public sealed class TypedAudioDeltaAllocationTests(ITestOutputHelper output)
{
    [Theory(Timeout = 30000)]
    [InlineData(0)]
    [InlineData(4096)]
    public async Task A_typed_delta_allocates_nothing(int segmentSize)
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
        output.WriteLine($"segments of {segmentSize}: {allocated / (double)Iterations} B per typed 100 ms delta");

        Assert.True(allBorrowed);
        Assert.Same(first, last);
        Assert.Equal(0, allocated);
        RealtimeServerEventResponseAudioDelta read = last!.AsResponseOutputAudioDelta();
        string responseId = read.ResponseId;
        Assert.Same(responseId, session.ProcessMessage(payload, out _)!.AsResponseOutputAudioDelta().ResponseId);
        Assert.Same(read.ItemId, session.ProcessMessage(payload, out _)!.AsResponseOutputAudioDelta().ItemId);

        // The id, borrowed, is the message's; read as a string it is the id, and the lent model keeps that string.
        Assert.True(((IRealtimeEvent)read).EventIdValue == new RealtimeEventId(EventId));
        Assert.Equal(EventId, read.EventId);
        Assert.Same(read.EventId, read.EventId);
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

    /// <summary>
    /// A delta in several receive blocks is copied together with its body checked in the same pass: wherever a byte the
    /// reader treats otherwise falls (either side of a block boundary), the session does what the reader does (an escape
    /// is unescaped, a raw control character ends the session's read with a protocol error); a clean body is built.
    /// </summary>
    [Theory(Timeout = 30000)]
    [InlineData(7)] // the first block ends before the body: the layout checks it
    [InlineData(300)] // the body starts in the first block and runs over several
    [InlineData(512)]
    public async Task A_segmented_delta_is_checked_as_it_is_copied_wherever_a_bad_byte_falls(int segmentSize)
    {
        await using RealtimeSimulator simulator = await RealtimeSimulator.StartAsync();
        using RealtimeClient client = CreateClient(simulator);
        await using RealtimeVoiceSession session = await client.ConnectVoiceAgentAsync(options: new RealtimeSessionOptions { ZeroCopyAudioDeltas = true });
        Assert.NotNull(await session.ReadEventAsync().AsTask().WaitAsync(Patience)); // session.created: the loop is idle now

        string base64 = Convert.ToBase64String(SampleAudio.CreatePcm16(TimeSpan.FromMilliseconds(20)));
        const string Prefix = "{\"type\":\"response.output_audio.delta\",\"event_id\":\"event_1\",\"response_id\":\"resp_1\",\"item_id\":\"item_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"";
        RealtimeServerEvent clean = session.ProcessMessage(Segmented(Encoding.UTF8.GetBytes(Prefix + base64 + "\"}"), segmentSize))!;
        Assert.Equal(base64, Encoding.ASCII.GetString(clean.AsResponseOutputAudioDelta().Delta.EncodedUtf8.Span));

        foreach (int at in (int[])[0, 1, segmentSize - Prefix.Length - 1, segmentSize - Prefix.Length, 100, base64.Length - 1])
        {
            if (at < 0 || at >= base64.Length)
            {
                continue;
            }

            // "\/" is "/" to the reader: the event holds the unescaped base64, as the reader reads it.
            string escaped = base64.Substring(0, at) + "\\/" + base64.Substring(at + 1);
            RealtimeServerEvent unescaped = session.ProcessMessage(Segmented(Encoding.UTF8.GetBytes(Prefix + escaped + "\"}"), segmentSize))!;
            Assert.Equal(base64.Substring(0, at) + "/" + base64.Substring(at + 1), Encoding.ASCII.GetString(unescaped.AsResponseOutputAudioDelta().Delta.EncodedUtf8.Span));

            string control = base64.Substring(0, at) + "\u0001" + base64.Substring(at + 1);
            Assert.Throws<RealtimeProtocolException>(() => session.ProcessMessage(Segmented(Encoding.UTF8.GetBytes(Prefix + control + "\"}"), segmentSize)));
        }
    }
}
