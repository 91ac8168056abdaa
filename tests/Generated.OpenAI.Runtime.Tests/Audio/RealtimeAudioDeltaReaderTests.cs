using System;
using System.Buffers;
using System.Text;
using Generated.OpenAI.Audio;
using Generated.OpenAI.Runtime.Tests.WebSockets;
using Xunit;

namespace Generated.OpenAI.Runtime.Tests.Audio;

public sealed class RealtimeAudioDeltaReaderTests
{
    private static byte[] DeltaEvent(string delta, string type = "response.output_audio.delta")
        => Encoding.UTF8.GetBytes(
            "{\"type\":\"" + type + "\",\"event_id\":\"event_9\",\"nested\":{\"delta\":\"AAAA\",\"list\":[1,{\"delta\":2}]},"
            + "\"response_id\":\"resp_\\u0031\",\"item_id\":\"item_42\",\"output_index\":0,\"content_index\":0,\"delta\":\"" + delta + "\"}");

    public static TheoryData<int> PcmSizes => new() { 0, 1, 2, 3, 960, 4_800, 48_000 };

    [Theory]
    [MemberData(nameof(PcmSizes))]
    public void Decodes_plain_base64_from_contiguous_and_segmented_payloads(int size)
    {
        byte[] pcm = new byte[size];
        new Random(size).NextBytes(pcm);
        byte[] json = DeltaEvent(Convert.ToBase64String(pcm));
        foreach (ReadOnlySequence<byte> sequence in new[] { new ReadOnlySequence<byte>(json), SegmentedSequence.Create(json, 7), SegmentedSequence.Create(json, 1000) })
        {
            byte[] decoded = new byte[size + 3];
            Assert.Equal(AudioDeltaStatus.Done, RealtimeAudioDeltaReader.DecodeDelta(sequence, decoded, out int written));
            Assert.Equal(size, written);
            Assert.Equal(pcm, decoded.AsSpan(0, written).ToArray());
            Assert.Equal(AudioDeltaStatus.Done, RealtimeAudioDeltaReader.GetDecodedDeltaLength(sequence, out int length));
            Assert.Equal(size, length);
        }
    }

    [Fact]
    public void Decodes_json_escaped_base64()
    {
        byte[] pcm = new byte[600];
        new Random(3).NextBytes(pcm);
        string base64 = Convert.ToBase64String(pcm);
        Assert.Contains("/", base64, StringComparison.Ordinal);
        string escaped = base64.Replace("/", "\\/", StringComparison.Ordinal).Replace("+", "\\u002B", StringComparison.Ordinal);
        byte[] json = DeltaEvent(escaped);
        byte[] decoded = new byte[pcm.Length];
        Assert.Equal(AudioDeltaStatus.Done, RealtimeAudioDeltaReader.DecodeDelta(json.AsSpan(), decoded, out int written));
        Assert.Equal(pcm, decoded.AsSpan(0, written).ToArray());
        Array.Clear(decoded);
        Assert.Equal(AudioDeltaStatus.Done, RealtimeAudioDeltaReader.DecodeDelta(SegmentedSequence.Create(json, 5), decoded, out written));
        Assert.Equal(pcm, decoded.AsSpan(0, written).ToArray());

        // Small escaped value: the stack-buffer path.
        byte[] small = DeltaEvent("AQI\\/");
        Assert.Equal(AudioDeltaStatus.Done, RealtimeAudioDeltaReader.DecodeDelta(small.AsSpan(), decoded, out written));
        Assert.Equal(new byte[] { 1, 2, 0x3F }, decoded.AsSpan(0, written).ToArray());
    }

    [Theory]
    [InlineData("AQI*")]
    [InlineData("AQI")]
    [InlineData("A===")]
    [InlineData("AQ=I")]
    [InlineData("\\u00e9\\u00e9\\u00e9\\u00e9")]
    public void Invalid_base64_is_a_typed_status(string delta)
    {
        byte[] decoded = new byte[16];
        Assert.Equal(AudioDeltaStatus.InvalidBase64, RealtimeAudioDeltaReader.DecodeDelta(DeltaEvent(delta).AsSpan(), decoded, out int written));
        Assert.Equal(0, written);
    }

    [Fact]
    public void Small_destination_reports_the_exact_size_needed()
    {
        byte[] json = DeltaEvent(Convert.ToBase64String(new byte[4_801]));
        Assert.Equal(AudioDeltaStatus.DestinationTooSmall, RealtimeAudioDeltaReader.DecodeDelta(json.AsSpan(), new byte[100], out int needed));
        Assert.Equal(4_801, needed);
    }

    [Fact]
    public void Missing_delta_and_broken_json_are_typed_statuses()
    {
        byte[] decoded = new byte[16];
        Assert.Equal(AudioDeltaStatus.DeltaNotFound, RealtimeAudioDeltaReader.DecodeDelta("{\"type\":\"x\",\"nested\":{\"delta\":\"AAAA\"}}"u8, decoded, out _));
        Assert.Equal(AudioDeltaStatus.DeltaNotFound, RealtimeAudioDeltaReader.DecodeDelta("{\"delta\":5}"u8, decoded, out _));
        Assert.Equal(AudioDeltaStatus.InvalidJson, RealtimeAudioDeltaReader.DecodeDelta("{\"type\":"u8, decoded, out _));
        Assert.Equal(AudioDeltaStatus.InvalidJson, RealtimeAudioDeltaReader.DecodeDelta("[1,2]"u8, decoded, out _));
        Assert.Equal(AudioDeltaStatus.InvalidJson, RealtimeAudioDeltaReader.DecodeDelta(ReadOnlySpan<byte>.Empty, decoded, out _));
    }

    [Fact]
    public void Reads_type_and_copies_ids_without_allocating_strings()
    {
        byte[] json = DeltaEvent("AAAA", type: "session.output_audio.delta");
        Assert.True(RealtimeAudioDeltaReader.TryGetEventType(json, out ReadOnlySpan<byte> type));
        Assert.True(type.SequenceEqual(RealtimeEventTypes.SessionOutputAudioDelta));
        Assert.True(RealtimeAudioDeltaReader.IsEventType(json, RealtimeEventTypes.SessionOutputAudioDelta));
        Assert.False(RealtimeAudioDeltaReader.IsEventType(json, RealtimeEventTypes.ResponseOutputAudioDelta));
        Assert.True(RealtimeAudioDeltaReader.IsEventType(SegmentedSequence.Create(json, 3), RealtimeEventTypes.SessionOutputAudioDelta));

        Span<byte> id = stackalloc byte[32];
        Assert.Equal(OperationStatus.Done, RealtimeAudioDeltaReader.TryCopyString(SegmentedSequence.Create(json, 3), "item_id"u8, id, out int written));
        Assert.Equal("item_42", Encoding.UTF8.GetString(id.Slice(0, written)));
        Assert.Equal(OperationStatus.Done, RealtimeAudioDeltaReader.TryCopyString(json.AsSpan(), "response_id"u8, id, out written));
        Assert.Equal("resp_1", Encoding.UTF8.GetString(id.Slice(0, written))); // "\u0031" unescaped
        Assert.Equal(OperationStatus.DestinationTooSmall, RealtimeAudioDeltaReader.TryCopyString(json.AsSpan(), "item_id"u8, id.Slice(0, 3), out written));
        Assert.True(written >= 7);
        Assert.Equal(OperationStatus.InvalidData, RealtimeAudioDeltaReader.TryCopyString(json.AsSpan(), "missing"u8, id, out _));

        // An escaped type cannot be returned as a slice, but still compares equal.
        byte[] escapedType = "{\"type\":\"response.output\\u005Faudio.delta\"}"u8.ToArray();
        Assert.False(RealtimeAudioDeltaReader.TryGetEventType(escapedType, out _));
        Assert.True(RealtimeAudioDeltaReader.IsEventType(escapedType, RealtimeEventTypes.ResponseOutputAudioDelta));
    }

    private const string OtherProperties =
        "\"event_id\":\"event_\\\"q\\\"\\u0041\\\\\",\"nested\":{\"delta\":\"AAAA\",\"a\":[\"]\\\"}\\\\\"]},\"item_id\":\"item_\\/42\",\"output_index\":0";

    /// <summary>The same event with <c>delta</c> first, in the middle, and last (the fast path), around properties holding escapes.</summary>
    private static byte[][] DeltaEverywhere(string delta) =>
    [
        Encoding.UTF8.GetBytes("{\"delta\":\"" + delta + "\",\"type\":\"response.output_audio.delta\"," + OtherProperties + "}"),
        Encoding.UTF8.GetBytes("{\"type\":\"response.output_audio.delta\",\"delta\":\"" + delta + "\"," + OtherProperties + "}"),
        Encoding.UTF8.GetBytes("{\"type\":\"response.output_audio.delta\"," + OtherProperties + ",\"delta\":\"" + delta + "\"}"),
        Encoding.UTF8.GetBytes(" {\r\n \"type\" : \"response.output_audio.delta\" ,\t" + OtherProperties + " , \"delta\" :\n\"" + delta + "\" \r\n} \n"),
    ];

    [Theory]
    [MemberData(nameof(PcmSizes))]
    public void Decodes_delta_first_middle_and_last_around_escaped_properties(int size)
    {
        byte[] pcm = new byte[size];
        new Random(size + 1).NextBytes(pcm);
        foreach (byte[] json in DeltaEverywhere(Convert.ToBase64String(pcm)))
        {
            foreach (ReadOnlySequence<byte> sequence in new[] { new ReadOnlySequence<byte>(json), SegmentedSequence.Create(json, 7) })
            {
                byte[] decoded = new byte[size];
                Assert.Equal(AudioDeltaStatus.Done, RealtimeAudioDeltaReader.DecodeDelta(sequence, decoded, out int written));
                Assert.Equal(size, written);
                Assert.Equal(pcm, decoded);
                if (size > 0)
                {
                    Assert.Equal(AudioDeltaStatus.DestinationTooSmall, RealtimeAudioDeltaReader.DecodeDelta(sequence, new byte[size - 1], out int needed));
                    Assert.Equal(size, needed);
                }
            }
        }
    }

    [Theory]
    [InlineData("AQI*")]
    [InlineData("AQI")]
    [InlineData("A===")]
    [InlineData("AQ=I")]
    [InlineData("AQIDAQI}")]
    [InlineData("\u00e9\u00e9\u00e9\u00e9")]
    public void Invalid_base64_is_a_typed_status_wherever_delta_stands(string delta)
    {
        foreach (byte[] json in DeltaEverywhere(delta))
        {
            byte[] decoded = new byte[16];
            Assert.Equal(AudioDeltaStatus.InvalidBase64, RealtimeAudioDeltaReader.DecodeDelta(json.AsSpan(), decoded, out int written));
            Assert.Equal(0, written);
            Assert.Equal(AudioDeltaStatus.InvalidBase64, RealtimeAudioDeltaReader.DecodeDelta(SegmentedSequence.Create(json, 5), decoded, out written));
            Assert.Equal(0, written);
        }
    }

    [Theory]
    [MemberData(nameof(PcmSizes))]
    public void A_plain_last_delta_takes_the_fast_path_and_nothing_else_does(int size)
    {
        byte[] pcm = new byte[size];
        new Random(size + 3).NextBytes(pcm);
        byte[][] shapes = DeltaEverywhere(Convert.ToBase64String(pcm));
        byte[] decoded = new byte[size];

        // delta first or in the middle: the general path.
        Assert.False(RealtimeAudioDeltaReader.TryDecodeLastDelta(shapes[0], decoded, out _));
        Assert.False(RealtimeAudioDeltaReader.TryDecodeLastDelta(shapes[1], decoded, out _));

        // delta last, compact or with whitespace around the tokens: straight between the quotes.
        foreach (byte[] json in shapes[2..])
        {
            Array.Clear(decoded);
            Assert.True(RealtimeAudioDeltaReader.TryDecodeLastDelta(json, decoded, out int written));
            Assert.Equal(size, written);
            Assert.Equal(pcm, decoded);
        }
    }

    [Fact]
    public void Escaped_base64_in_the_last_delta_takes_the_general_path()
    {
        byte[] decoded = new byte[3];
        Assert.Equal(AudioDeltaStatus.Done, RealtimeAudioDeltaReader.DecodeDelta("{\"type\":\"x\",\"delta\":\"AQI\\/\"}"u8, decoded, out int written));
        Assert.Equal(new byte[] { 1, 2, 0x3F }, decoded.AsSpan(0, written).ToArray());
        Assert.Equal(AudioDeltaStatus.Done, RealtimeAudioDeltaReader.DecodeDelta("{\"type\":\"x\",\"delta\":\"\\u0041QID\"}"u8, decoded, out written));
        Assert.Equal(new byte[] { 1, 2, 3 }, decoded.AsSpan(0, written).ToArray());
    }

    [Fact]
    public void Whitespace_inside_the_delta_string_is_treated_as_the_json_reader_treats_it()
    {
        byte[] decoded = new byte[16];

        // A raw line feed is not allowed in a JSON string, even though Base64.DecodeFromUtf8 would skip it.
        Assert.Equal(AudioDeltaStatus.InvalidJson, RealtimeAudioDeltaReader.DecodeDelta("{\"type\":\"x\",\"delta\":\"AQID\nAQID\"}"u8, decoded, out _));

        // A raw space is allowed in a JSON string; the general path decodes it as Base64.DecodeFromUtf8 does (skipping it).
        Assert.Equal(AudioDeltaStatus.InvalidBase64, RealtimeAudioDeltaReader.DecodeDelta("{\"type\":\"x\",\"delta\":\"AQID AQID\"}"u8, decoded, out _));
        Assert.Equal(AudioDeltaStatus.InvalidBase64, RealtimeAudioDeltaReader.DecodeDelta("{\"delta\":\"AQID AQID\",\"type\":\"x\"}"u8, decoded, out _));
    }

    [Fact]
    public void Truncated_or_trailing_messages_are_invalid_json_at_every_cut()
    {
        byte[] pcm = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
        foreach (byte[] json in DeltaEverywhere(Convert.ToBase64String(pcm)))
        {
            byte[] decoded = new byte[pcm.Length];
            for (int length = 0; length < json.Length; length++)
            {
                ReadOnlySpan<byte> cut = json.AsSpan(0, length);
                if (cut.Trim(" \r\n\t"u8).Length == json.AsSpan().Trim(" \r\n\t"u8).Length)
                {
                    continue; // only trailing whitespace was cut
                }

                Assert.Equal(AudioDeltaStatus.InvalidJson, RealtimeAudioDeltaReader.DecodeDelta(cut, decoded, out int written));
                Assert.Equal(0, written);
                Assert.Equal(AudioDeltaStatus.InvalidJson, RealtimeAudioDeltaReader.DecodeDelta(SegmentedSequence.Create(cut.ToArray(), 3), decoded, out written));
            }

            byte[] trailing = [.. json, (byte)'x'];
            Assert.Equal(AudioDeltaStatus.InvalidJson, RealtimeAudioDeltaReader.DecodeDelta(trailing, decoded, out _));
            byte[] twoObjects = [.. json, .. "{}"u8];
            Assert.Equal(AudioDeltaStatus.InvalidJson, RealtimeAudioDeltaReader.DecodeDelta(twoObjects, decoded, out _));
        }

        byte[] small = new byte[16];
        Assert.Equal(AudioDeltaStatus.InvalidJson, RealtimeAudioDeltaReader.DecodeDelta("{\"type\":\"x\" \"delta\":\"AQID\"}"u8, small, out _));
        Assert.Equal(AudioDeltaStatus.InvalidJson, RealtimeAudioDeltaReader.DecodeDelta("{\"type\":\"x\",\"delta\" \"AQID\"}"u8, small, out _));
        Assert.Equal(AudioDeltaStatus.InvalidJson, RealtimeAudioDeltaReader.DecodeDelta("{\"type\":\"x\",\"delta\":\"AQID\",}"u8, small, out _));
        Assert.Equal(AudioDeltaStatus.InvalidJson, RealtimeAudioDeltaReader.DecodeDelta("{\"type\":\"x\",\"delta\":\"AQID\"]"u8, small, out _));
        Assert.Equal(AudioDeltaStatus.InvalidJson, RealtimeAudioDeltaReader.DecodeDelta("{\"type\":x,\"delta\":\"AQID\"}"u8, small, out _));
    }

    [Fact]
    public void Decoding_the_last_delta_allocates_nothing()
    {
        byte[] pcm = new byte[4_800];
        new Random(9).NextBytes(pcm);
        byte[] json = DeltaEverywhere(Convert.ToBase64String(pcm))[2];
        byte[] decoded = new byte[pcm.Length];
        RealtimeAudioDeltaReader.DecodeDelta(json, decoded, out _);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            RealtimeAudioDeltaReader.DecodeDelta(json, decoded, out _);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(pcm, decoded);
    }

    [Fact]
    public void Decoding_the_api_shape_allocates_nothing()
    {
        if (!RealtimeAudioDeltaPlainScanTests.ExactShapePathRuns())
        {
            return;
        }

        byte[] pcm = new byte[960];
        new Random(11).NextBytes(pcm);
        byte[] json = Encoding.UTF8.GetBytes(
            "{\"type\":\"response.output_audio.delta\",\"event_id\":\"event_CRz9pTq1mXf0bV2aLk3Jd\",\"response_id\":\"resp_CRz9pSGx7hQ1oWn4Yt6Ue\","
            + "\"item_id\":\"item_CRz9pR8kVb2NcMz5Xa7Gf\",\"output_index\":0,\"content_index\":0,\"delta\":\"" + Convert.ToBase64String(pcm) + "\"}");
        byte[] decoded = new byte[pcm.Length];
        Assert.True(RealtimeAudioDeltaReader.TryDecodeApiShapeDelta(json, decoded, out _));
        RealtimeAudioDeltaReader.DecodeDelta(json, decoded, out _);
        int done = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            done += RealtimeAudioDeltaReader.DecodeDelta(json, decoded, out _) == AudioDeltaStatus.Done ? 1 : 0;
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(100, done);
        Assert.Equal(pcm, decoded);
    }

    [Fact]
    public void Decoding_a_split_payload_and_reading_the_type_allocate_nothing()
    {
        // A receive buffer boundary inside the message: the payload is copied into a pooled buffer and decoded there.
        byte[] pcm = new byte[960];
        new Random(10).NextBytes(pcm);
        byte[] json = DeltaEverywhere(Convert.ToBase64String(pcm))[2];
        ReadOnlySequence<byte> split = SegmentedSequence.Create(json, json.Length / 2 + 1);
        Assert.False(split.IsSingleSegment);
        byte[] decoded = new byte[pcm.Length];
        RealtimeAudioDeltaReader.DecodeDelta(split, decoded, out _);
        RealtimeAudioDeltaReader.IsEventType(json, "response.output_audio.delta"u8);
        int done = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            // No assertion inside the measured loop: xUnit's Assert.Equal allocates.
            done += RealtimeAudioDeltaReader.DecodeDelta(split, decoded, out _) == AudioDeltaStatus.Done ? 1 : 0;
            done += RealtimeAudioDeltaReader.IsEventType(json, "response.output_audio.delta"u8) ? 1 : 0;
            done += RealtimeAudioDeltaReader.IsEventType(new ReadOnlySequence<byte>(json), "response.output_audio.delta"u8) ? 1 : 0;
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(300, done);
        Assert.Equal(pcm, decoded);
    }
}
