using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using Generated.OpenAI.Models;
using Generated.OpenAI.Serialization;
using Xunit;

namespace Generated.OpenAI.Realtime.Tests;

/// <summary>
/// <see cref="RealtimeAudioDeltaBuilder"/> (the typed delta built from the audio fast path's scan) against the generated
/// reader, differentially: over realistic deltas and their truncations and single-byte mutations, whenever the builder
/// builds, the reader must read the same case with the same members (ids, indexes, base64 bytes, no extension data)
/// and the two must write the same JSON; whatever the builder declines goes to the reader in the session, so declining
/// is always correct.
/// </summary>
public sealed class RealtimeAudioDeltaBuilderTests
{
    // JSON structure, number and literal bytes, the base64 alphabet's edges and neighbours, then control characters,
    // DEL and UTF-8 lead/continuation bytes.
    private static readonly byte[] MutationBytes =
        [.. "\"\\,:{}[] \t\r\n0129-+.eE/=*z{aZtfnul"u8.ToArray(), 0x00, 0x1F, 0x7F, 0x80, 0xBF, 0xC3, 0xE2, 0xFF];

    private static IEnumerable<byte[]> Seeds()
    {
        // Bodies shorter than one vector, between one and two, and longer (the vector path and its overlapping tail).
        foreach (int pcmLength in (int[])[0, 1, 13, 30, 48, 100])
        {
            byte[] pcm = new byte[pcmLength];
            new Random(pcmLength).NextBytes(pcm);
            yield return Delta("event_CRz9pTq1", "resp_CRz9pSGx", "item_CRz9pR8k", "0", "0", Convert.ToBase64String(pcm));
        }

        yield return Delta("", "", "", "-0", "9223372036854775807", "AQID");
        yield return Delta("e", "r", "i", "-17", "12", "+/+/");
    }

    private static byte[] Delta(string eventId, string responseId, string itemId, string outputIndex, string contentIndex, string base64)
        => Encoding.UTF8.GetBytes(
            "{\"type\":\"response.output_audio.delta\",\"event_id\":\"" + eventId + "\",\"response_id\":\"" + responseId + "\",\"item_id\":\"" + itemId
            + "\",\"output_index\":" + outputIndex + ",\"content_index\":" + contentIndex + ",\"delta\":\"" + base64 + "\"}");

    private static IEnumerable<byte[]> Mutants()
    {
        foreach (byte[] seed in Seeds())
        {
            yield return seed;
            for (int i = 0; i < seed.Length; i++)
            {
                yield return seed.AsSpan(0, i).ToArray();
                yield return [.. seed.AsSpan(0, i), .. seed.AsSpan(i + 1)];
                foreach (byte b in MutationBytes)
                {
                    byte[] replaced = (byte[])seed.Clone();
                    replaced[i] = b;
                    yield return replaced;
                    yield return [.. seed.AsSpan(0, i), b, .. seed.AsSpan(i)];
                }
            }
        }
    }

    [Fact]
    public void Every_delta_the_builder_builds_is_the_one_the_generated_reader_reads()
    {
        int built = 0;
        int declined = 0;
        foreach (byte[] json in Mutants())
        {
            foreach (bool borrow in (bool[])[true, false])
            {
                // A new builder each time: the remembered ids are tested below.
                RealtimeServerEvent? fast = new RealtimeAudioDeltaBuilder().TryBuild(json, borrow, out long pcmBytes);
                if (fast is null)
                {
                    declined++;
                    continue;
                }

                built++;
                RealtimeServerEvent reference = borrow ? JsonModel.DeserializeBorrowingBase64<RealtimeServerEvent>(json) : JsonModel.Deserialize<RealtimeServerEvent>(json);
                AssertSameDelta(reference, fast, json);
                Assert.Equal(RealtimeVoiceSession.DecodedLength(reference.AsResponseOutputAudioDelta().Delta), pcmBytes);
            }
        }

        // The seeds build, and so do the mutations that stay in the shape (another base64 or id byte, another digit).
        Assert.True(built > 2000, $"{built} built");
        Assert.True(declined > 10000, $"{declined} declined");
    }

    [Fact]
    public void A_copied_delta_of_a_message_in_several_blocks_is_the_one_the_generated_reader_reads()
    {
        // The builder of a message that straddles receive buffers copies the base64 straight from the blocks: the members
        // before the body from the first block, the body and the closing "} from any (cut here into 7-byte blocks, so
        // that the end straddles two). Whatever it builds must be what the reader reads from the whole message.
        int built = 0;
        foreach (byte[] json in Mutants())
        {
            byte[] whole = json;
            foreach (int firstBlock in (int[])[json.Length - 40, json.Length - 9, json.Length - 2])
            {
                if (firstBlock <= 0)
                {
                    continue;
                }

                RealtimeServerEvent? fast = new RealtimeAudioDeltaBuilder().TryBuildCopied(TestSupport.Segmented(json, firstBlock, 7), out long pcmBytes);
                RealtimeServerEvent? contiguous = new RealtimeAudioDeltaBuilder().TryBuild(whole, borrow: false, out _);
                if (fast is null)
                {
                    continue;
                }

                built++;
                Assert.NotNull(contiguous); // never more than the whole message's build takes
                RealtimeServerEvent reference = JsonModel.Deserialize<RealtimeServerEvent>(json);
                // Written before EventId is read: the id is then still the bytes in the event's array.
                Assert.Equal(Encoding.UTF8.GetString(JsonModel.SerializeToUtf8Bytes(reference)), Encoding.UTF8.GetString(JsonModel.SerializeToUtf8Bytes(fast)));
                AssertSameDelta(reference, fast, json);
                Assert.Equal(RealtimeVoiceSession.DecodedLength(reference.AsResponseOutputAudioDelta().Delta), pcmBytes);
            }
        }

        Assert.True(built > 1000, $"{built} built");
    }

    [Fact]
    public void A_copied_delta_owns_its_audio_and_id_and_a_later_build_or_a_collection_changes_neither()
    {
        // One array per copied delta, its own: the base64 and the event_id's bytes, whatever later messages hold (the
        // contiguous build and the one from blocks both, the message buffers reused and overwritten meanwhile).
        var builder = new RealtimeAudioDeltaBuilder();
        byte[] buffer = Delta("event_1", "resp_1", "item_1", "0", "0", Convert.ToBase64String(new byte[300]));
        RealtimeServerEvent first = builder.TryBuild(buffer, borrow: false, out _)!;
        byte[] second = Delta("event_2", "resp_1", "item_1", "0", "0", Convert.ToBase64String(new byte[300]));
        second.CopyTo(buffer, 0);
        RealtimeServerEvent fromBlocks = builder.TryBuildCopied(TestSupport.Segmented(buffer, buffer.Length - 100, 64), out _)!;
        byte[] third = Delta("event_3", "resp_1", "item_1", "0", "0", Convert.ToBase64String(Enumerable.Repeat((byte)0xFF, 300).ToArray()));
        third.CopyTo(buffer, 0);
        builder.TryBuild(buffer, borrow: false, out _);
        builder.TryBuildCopied(TestSupport.Segmented(buffer, buffer.Length - 100, 64), out _);
        buffer.AsSpan().Fill((byte)'x');
        GC.Collect();
        GC.WaitForPendingFinalizers();

        var arrays = new HashSet<byte[]>(ReferenceEqualityComparer.Instance);
        foreach ((RealtimeServerEvent e, string id) in (ReadOnlySpan<(RealtimeServerEvent, string)>)[(first, "event_1"), (fromBlocks, "event_2")])
        {
            RealtimeServerEventResponseAudioDelta delta = e.AsResponseOutputAudioDelta();
            Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(delta.Delta.EncodedUtf8, out ArraySegment<byte> segment));
            Assert.NotSame(buffer, segment.Array);
            Assert.True(arrays.Add(segment.Array!), "each copied delta has an array of its own");
            Assert.Equal(new byte[300], delta.Delta.ToArray());
            Assert.Contains("\"event_id\":\"" + id + "\"", Encoding.UTF8.GetString(JsonModel.SerializeToUtf8Bytes(e)));
            Assert.Equal(id, ((IRealtimeEvent)delta).EventIdValue.ToString());
            Assert.Equal(id, delta.EventId); // made a string now, once
            Assert.Same(delta.EventId, delta.EventId);
        }
    }

    [Fact]
    public void A_borrowed_delta_points_into_the_message_and_a_copied_one_does_not()
    {
        byte[] json = Delta("event_1", "resp_1", "item_1", "0", "0", "AAECAwQF");
        var builder = new RealtimeAudioDeltaBuilder();

        Base64Data borrowed = builder.TryBuild(json, borrow: true, out _)!.AsResponseOutputAudioDelta().Delta;
        Base64Data copied = builder.TryBuild(json, borrow: false, out _)!.AsResponseOutputAudioDelta().Delta;
        json.AsSpan(json.Length - 10, 8).Fill((byte)'B');

        Assert.Equal("BBBBBBBB"u8.ToArray(), borrowed.EncodedUtf8.ToArray());
        Assert.Equal("AAECAwQF"u8.ToArray(), copied.EncodedUtf8.ToArray());
    }

    [Fact]
    public void The_ids_of_the_previous_delta_are_handed_out_again_while_their_bytes_are_equal()
    {
        var builder = new RealtimeAudioDeltaBuilder();
        RealtimeServerEventResponseAudioDelta first = builder.TryBuild(Delta("event_1", "resp_A", "item_A", "0", "0", "AAAA"), borrow: false, out _)!.AsResponseOutputAudioDelta();
        RealtimeServerEventResponseAudioDelta second = builder.TryBuild(Delta("event_2", "resp_A", "item_A", "0", "0", "AAAA"), borrow: false, out _)!.AsResponseOutputAudioDelta();
        RealtimeServerEventResponseAudioDelta third = builder.TryBuild(Delta("event_3", "resp_A", "item_B", "1", "0", "AAAA"), borrow: true, out _)!.AsResponseOutputAudioDelta();
        string thirdItemId = third.ItemId;
        RealtimeServerEventResponseAudioDelta fourth = builder.TryBuild(Delta("event_4", "resp_B", "item_B", "0", "0", "AAAA"), borrow: false, out _)!.AsResponseOutputAudioDelta();

        Assert.Same(first.ResponseId, second.ResponseId);
        Assert.Same(first.ItemId, second.ItemId);
        Assert.NotSame(first.EventId, second.EventId);
        Assert.Equal("event_2", second.EventId);

        Assert.Same(first.ResponseId, third.ResponseId);
        Assert.Equal("item_B", third.ItemId);
        Assert.NotSame(first.ItemId, third.ItemId);

        Assert.Equal("resp_B", fourth.ResponseId);
        Assert.Same(thirdItemId, fourth.ItemId);
    }

    [Fact]
    public void A_lent_delta_is_one_object_set_again_for_each_lent_build_and_a_copied_one_is_new()
    {
        var builder = new RealtimeAudioDeltaBuilder();
        byte[] firstJson = Delta("event_1", "resp_A", "item_A", "0", "1", "AAAA");
        RealtimeServerEvent first = builder.TryBuild(firstJson, borrow: true, out _)!;
        RealtimeServerEventResponseAudioDelta firstDelta = first.AsResponseOutputAudioDelta();
        Assert.Equal("event_1", firstDelta.EventId);

        byte[] secondJson = Delta("event_2", "resp_B", "item_B", "2", "3", "AAECAw==");
        RealtimeServerEvent second = builder.TryBuild(secondJson, borrow: true, out long pcmBytes)!;
        RealtimeServerEvent copied = builder.TryBuild(secondJson, borrow: false, out _)!;

        // The same union and model, every member set from the second message, as the reader reads it.
        Assert.Same(first, second);
        Assert.Same(firstDelta, second.AsResponseOutputAudioDelta());
        Assert.Equal(RealtimeServerEventKind.ResponseOutputAudioDelta, second.Kind);
        Assert.Equal(4, pcmBytes);
        AssertSameDelta(JsonModel.DeserializeBorrowingBase64<RealtimeServerEvent>(secondJson), second, secondJson);

        // A copied build is the app's: a new event, which a later lent build does not touch.
        Assert.NotSame(second, copied);
        builder.TryBuild(firstJson, borrow: true, out _);
        Assert.Equal("event_1", second.AsResponseOutputAudioDelta().EventId);
        AssertSameDelta(JsonModel.Deserialize<RealtimeServerEvent>(secondJson), copied, secondJson);
    }

    [Theory]
    [InlineData("{\"type\":\"response.output_audio_transcript.delta\",\"event_id\":\"e\",\"response_id\":\"r\",\"item_id\":\"i\",\"output_index\":0,\"content_index\":0,\"delta\":\"AAAA\"}")]
    [InlineData("{\"type\":\"response.output_audio.delta\",\"event_id\":\"e\",\"response_id\":\"r\",\"item_id\":\"i\",\"output_index\":0,\"content_index\":0,\"delta\":\"AAAA\"} ")]
    [InlineData("{\"type\":\"response.output_audio.delta\",\"event_id\":\"e\",\"response_id\":\"r\",\"item_id\":\"i\",\"output_index\":0,\"content_index\":0,\"delta\":\"AA\\/A\"}")]
    [InlineData("{\"type\":\"response.output_audio.delta\",\"event_id\":\"e\",\"response_id\":\"r\",\"item_id\":\"i\",\"output_index\":0,\"content_index\":0,\"delta\":\"AAAA\",\"x\":1}")]
    [InlineData("{\"type\":\"response.output_audio.delta\",\"event_id\":\"e\",\"response_id\":\"r\",\"item_id\":\"i\",\"output_index\":0,\"content_index\":99999999999999999999,\"delta\":\"AAAA\"}")]
    [InlineData("{\"type\":\"response.output_audio.delta\",\"event_id\":\"e\",\"response_id\":\"r\",\"item_id\":\"i\",\"output_index\":0,\"content_index\":0,\"delta\":null}")]
    [InlineData("{\"type\":\"response.output_audio.delta\",\"event_id\":\"e\",\"response_id\":\"r\",\"output_index\":0,\"content_index\":0,\"delta\":\"AAAA\"}")]
    public void What_is_not_a_delta_in_the_API_shape_is_left_to_the_reader(string json)
        => Assert.Null(new RealtimeAudioDeltaBuilder().TryBuild(Encoding.UTF8.GetBytes(json), borrow: true, out _));

    private static void AssertSameDelta(RealtimeServerEvent reference, RealtimeServerEvent fast, byte[] json)
    {
        string message = Encoding.UTF8.GetString(json);
        Assert.True(reference.Kind == RealtimeServerEventKind.ResponseOutputAudioDelta, message);
        Assert.Equal(RealtimeServerEventKind.ResponseOutputAudioDelta, fast.Kind);
        RealtimeServerEventResponseAudioDelta expected = reference.AsResponseOutputAudioDelta();
        RealtimeServerEventResponseAudioDelta actual = fast.AsResponseOutputAudioDelta();
        Assert.Equal(expected.EventId, actual.EventId);
        Assert.Equal(expected.ResponseId, actual.ResponseId);
        Assert.Equal(expected.ItemId, actual.ItemId);
        Assert.Equal(expected.OutputIndex, actual.OutputIndex);
        Assert.Equal(expected.ContentIndex, actual.ContentIndex);
        Assert.True(expected.Delta == actual.Delta, message);
        Assert.Equal(expected.ExtensionData.Count, actual.ExtensionData.Count);
        Assert.Equal(Encoding.UTF8.GetString(JsonModel.SerializeToUtf8Bytes(reference)), Encoding.UTF8.GetString(JsonModel.SerializeToUtf8Bytes(fast)));
        Assert.Null(((IRequiredMembers)actual).FindMissingMember());
    }
}
