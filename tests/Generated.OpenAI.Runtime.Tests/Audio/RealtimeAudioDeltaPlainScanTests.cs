using System;
using System.Buffers;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.Intrinsics;
using System.Text;
using Generated.OpenAI.Audio;
using Generated.OpenAI.Runtime.Tests.WebSockets;
using Xunit;

namespace Generated.OpenAI.Runtime.Tests.Audio;

/// <summary>
/// The plain scan of <see cref="RealtimeAudioDeltaReader"/> (the fast path's validation of the properties before
/// <c>delta</c>) against <see cref="System.Text.Json.Utf8JsonReader"/>, differentially: over every truncation and
/// many single-byte mutations of realistic events, whenever the scan vouches for a position the reader must agree on
/// it, and <c>DecodeDelta</c> (fast paths, contiguous or copied from segments) must give what the reader alone gives
/// (status, length and bytes).
/// </summary>
public sealed class RealtimeAudioDeltaPlainScanTests
{
    // JSON structure, number and literal bytes, then control characters, DEL and UTF-8 lead/continuation bytes.
    private static readonly byte[] MutationBytes =
        [.. "\"\\,:{}[] \t\r\n0129-+.eEtfnulx="u8.ToArray(), 0x00, 0x08, 0x1F, 0x7F, 0x80, 0xBF, 0xC3, 0xE2, 0xF0, 0xFF];

    /// <summary>
    /// The exact-shape path is written for Vector256 hardware; elsewhere it declines every message (the general paths
    /// decode them). True when it runs here; otherwise asserts that it declines the API's own event, and the caller's
    /// checks of what the path takes do not apply.
    /// </summary>
    internal static bool ExactShapePathRuns()
    {
        if (Vector256.IsHardwareAccelerated)
        {
            return true;
        }

        byte[] api = Encoding.UTF8.GetBytes(
            "{\"type\":\"response.output_audio.delta\",\"event_id\":\"e\",\"response_id\":\"r\",\"item_id\":\"i\",\"output_index\":0,\"content_index\":0,\"delta\":\"AAAA\"}");
        Assert.True(RealtimeAudioDeltaReader.ScanApiShapeToDelta(api) < 0);
        Assert.False(RealtimeAudioDeltaReader.TryDecodeApiShapeDelta(api, new byte[3], out int written));
        Assert.Equal(0, written);
        return false;
    }

    private static IEnumerable<byte[]> Seeds()
    {
        string delta = Convert.ToBase64String([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
        yield return Encoding.UTF8.GetBytes(
            "{\"type\":\"response.output_audio.delta\",\"event_id\":\"event_CRz9\",\"response_id\":\"resp_CRz9\","
            + "\"item_id\":\"item_CRz9\",\"output_index\":0,\"content_index\":12,\"delta\":\"" + delta + "\"}");
        yield return Encoding.UTF8.GetBytes(
            " {\r\n \"type\" : \"x\" ,\t\"n\":-0 ,\"m\":-17, \"t\":true,\"f\" :false,\"z\": null , \"delta\" :\n\"" + delta + "\" \r\n} \n");
        foreach (string prefix in ApiShapeVariants())
        {
            yield return Encoding.UTF8.GetBytes(prefix + "\"" + delta + "\"}");
        }

        // The API's shape with values of 32 bytes and more (the exact-shape path's 32-byte search goes round again)
        // and multi-digit indices.
        yield return Encoding.UTF8.GetBytes(
            "{\"type\":\"response.output_audio.delta.with_a_long_name\",\"event_id\":\"event_CRz9pTq1mXf0bV2aLk3JdCRz9pTq1mXf0bV2aLk3Jd\","
            + "\"response_id\":\"r\",\"item_id\":\"item_CRz9pR8kVb2NcMz5Xa7Gf_0123\",\"output_index\":10,\"content_index\":907,\"delta\":\"" + delta + "\"}");
        yield return Encoding.UTF8.GetBytes("{\"a\":\"\",\"\":1,\"delta\":\"" + delta + "\"}");
        yield return Encoding.UTF8.GetBytes("{\"a\":1.5,\"b\":2e3,\"c\":\"\\u0041\",\"d\":{\"delta\":\"AAAA\"},\"e\":[1],\"delta\":\"" + delta + "\"}");
        yield return Encoding.UTF8.GetBytes("{\"type\":\"caf\u00e9\",\"delta\":\"" + delta + "\"}");
        yield return Encoding.UTF8.GetBytes("{\"delta\":\"" + delta + "\",\"type\":\"x\"}");
        yield return Encoding.UTF8.GetBytes("{\"type\":\"x\",\"delta\":\"AQI=\",\"delta\":\"AQID\"}");
    }

    /// <summary>
    /// Near misses of the API's property order, each up to <c>"delta":</c>, which the specialized scan
    /// (<see cref="RealtimeAudioDeltaReader.ScanApiShapeToDelta"/>) must hand to the general one.
    /// </summary>
    private static IEnumerable<string> ApiShapeVariants()
    {
        // Keys reordered; one missing; a key that is a prefix of the expected one, or has it as a prefix.
        yield return "{\"event_id\":\"e\",\"type\":\"response.output_audio.delta\",\"response_id\":\"r\",\"item_id\":\"i\",\"output_index\":0,\"content_index\":0,\"delta\":";
        yield return "{\"type\":\"t\",\"event_id\":\"e\",\"item_id\":\"i\",\"output_index\":0,\"content_index\":0,\"delta\":";
        yield return "{\"type\":\"t\",\"event_id\":\"e\",\"response_id\":\"r\",\"item\":\"i\",\"output_index\":0,\"content_index\":0,\"delta\":";
        yield return "{\"type\":\"t\",\"event_id\":\"e\",\"response_id\":\"r\",\"item_id\":\"i\",\"output_index\":0,\"content_index_x\":0,\"delta\":";
        yield return "{\"type\":\"t\",\"event_id\":\"e\",\"response_id\":\"r\",\"item_id\":\"i\",\"output_index\":0,\"content_index\":0,\"deltas\":\"AAAA\",\"delta\":";
        // Values that are not plain: an escape, non-ASCII, a fraction, a string where an integer goes, an empty id.
        yield return "{\"type\":\"t\",\"event_id\":\"e\\\"q\",\"response_id\":\"r\",\"item_id\":\"i\",\"output_index\":0,\"content_index\":0,\"delta\":";
        yield return "{\"type\":\"t\",\"event_id\":\"e\",\"response_id\":\"r\u00e9\",\"item_id\":\"i\",\"output_index\":0,\"content_index\":0,\"delta\":";
        yield return "{\"type\":\"t\",\"event_id\":\"e\",\"response_id\":\"r\",\"item_id\":\"i\",\"output_index\":0.5,\"content_index\":0,\"delta\":";
        yield return "{\"type\":\"t\",\"event_id\":\"e\",\"response_id\":\"r\",\"item_id\":\"i\",\"output_index\":\"0\",\"content_index\":0,\"delta\":";
        yield return "{\"type\":\"t\",\"event_id\":\"\",\"response_id\":\"r\",\"item_id\":\"\",\"output_index\":-3,\"content_index\":0,\"delta\":";
    }

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
    public void The_mutations_cover_both_answers_of_the_scan()
    {
        int vouched = 0, deferred = 0;
        foreach (byte[] json in Mutants())
        {
            if (RealtimeAudioDeltaReader.ScanToPlainTopLevelValue(json, "delta"u8) >= 0)
            {
                vouched++;
            }
            else
            {
                deferred++;
            }
        }

        // Both kinds in quantity, or the differential test below would prove little.
        Assert.True(vouched > 1_000, $"vouched for {vouched}");
        Assert.True(deferred > 10_000, $"deferred {deferred}");
    }

    [Fact]
    public void Where_the_scan_vouches_the_reader_agrees()
    {
        foreach (byte[] json in Mutants())
        {
            int scanned = RealtimeAudioDeltaReader.ScanToPlainTopLevelValue(json, "delta"u8);
            if (scanned < 0)
            {
                continue;
            }

            int read = RealtimeAudioDeltaReader.ReadToTopLevelValue(json, "delta"u8);
            Assert.True(read >= 0, "The reader rejected what the scan accepted: " + Show(json));

            // The reader may or may not have consumed whitespace after the ':'; the value starts at the same byte.
            Assert.True(SkipWhiteSpace(json, scanned) == SkipWhiteSpace(json, read), $"scan {scanned}, reader {read}: " + Show(json));
        }
    }

    [Fact]
    public void Decoding_a_contiguous_payload_gives_what_the_reader_gives()
    {
        byte[] fast = new byte[32];
        byte[] general = new byte[32];
        foreach (byte[] json in Mutants())
        {
            Array.Clear(fast);
            Array.Clear(general);
            AudioDeltaStatus expected = RealtimeAudioDeltaReader.DecodeDeltaWithReader(new ReadOnlySequence<byte>(json), general, out int expectedWritten);
            AudioDeltaStatus actual = RealtimeAudioDeltaReader.DecodeDelta(json, fast, out int written);
            Assert.True(expected == actual, $"{actual}, the reader {expected}: " + Show(json));
            Assert.Equal(expectedWritten, written);
            if (actual == AudioDeltaStatus.Done)
            {
                Assert.Equal(general, fast);
            }

            // Split across segments (a receive buffer boundary inside the message): copied, then the same answer.
            Array.Clear(fast);
            Assert.Equal(expected, RealtimeAudioDeltaReader.DecodeDelta(SegmentedSequence.Create(json, 5), fast, out written));
            Assert.Equal(expectedWritten, written);
            if (expected == AudioDeltaStatus.Done)
            {
                Assert.Equal(general, fast);
            }
        }
    }

    [Fact]
    public void Reading_the_event_type_gives_what_the_reader_gives()
    {
        foreach (byte[] json in Mutants())
        {
            foreach (string type in new[] { "response.output_audio.delta", "x", "caf\u00e9", "" })
            {
                byte[] expected = Encoding.UTF8.GetBytes(type);

                // The multi-segment overload reads with Utf8JsonReader only.
                bool byReader = RealtimeAudioDeltaReader.IsEventType(SegmentedSequence.Create(json, 4), expected);
                Assert.True(byReader == RealtimeAudioDeltaReader.IsEventType(json, expected), $"{type}: " + Show(json));
                Assert.Equal(byReader, RealtimeAudioDeltaReader.IsEventType(new ReadOnlySequence<byte>(json), expected));
            }

            if (RealtimeAudioDeltaReader.TryGetEventType(json, out ReadOnlySpan<byte> eventType))
            {
                // A raw slice is only returned when it is the whole unescaped value, which the reader confirms.
                Assert.True(RealtimeAudioDeltaReader.IsEventType(SegmentedSequence.Create(json, 4), eventType), Show(json));
            }
        }
    }

    [Fact]
    public void The_api_shape_is_vouched_for_and_lands_on_the_value()
    {
        byte[] json = Seeds().First();
        int scanned = RealtimeAudioDeltaReader.ScanToPlainTopLevelValue(json, "delta"u8);
        Assert.Equal(json.AsSpan().IndexOf("\"delta\":"u8) + "\"delta\":".Length, scanned);
        Assert.Equal(-1, RealtimeAudioDeltaReader.ScanToPlainTopLevelValue(json, "missing"u8));
    }

    [Fact]
    public void The_specialized_scan_vouches_only_for_the_api_order_and_agrees_with_the_general_one()
    {
        if (!ExactShapePathRuns())
        {
            return;
        }

        byte[] api = Seeds().First();
        Assert.Equal(api.AsSpan().IndexOf("\"delta\":"u8) + "\"delta\":".Length, RealtimeAudioDeltaReader.ScanApiShapeToDelta(api));

        int vouched = 0;
        foreach (byte[] json in Mutants())
        {
            int specialized = RealtimeAudioDeltaReader.ScanApiShapeToDelta(json);
            if (specialized >= 0)
            {
                vouched++;
                Assert.True(specialized == RealtimeAudioDeltaReader.ReadToTopLevelValue(json, "delta"u8), Show(json));
            }
        }

        Assert.True(vouched > 100, $"The mutants exercise the specialized scan ({vouched}).");

        // Empty ids and multi-digit indexes in the API's order: vouched for.
        byte[] empty = Encoding.UTF8.GetBytes("{\"type\":\"t\",\"event_id\":\"\",\"response_id\":\"r\",\"item_id\":\"\",\"output_index\":30,\"content_index\":0,\"delta\":\"AAAA\"}");
        Assert.Equal(RealtimeAudioDeltaReader.ReadToTopLevelValue(empty, "delta"u8), RealtimeAudioDeltaReader.ScanApiShapeToDelta(empty));

        // The near misses: the specialized scan declines (the empty-id one is in the API's order, but its negative
        // index is left to the general scan), the general scan or the reader decides, and they agree.
        foreach (string prefix in ApiShapeVariants())
        {
            byte[] json = Encoding.UTF8.GetBytes(prefix + "\"AAAA\"}");
            Assert.True(RealtimeAudioDeltaReader.ScanApiShapeToDelta(json) < 0, Show(json));
            int scanned = RealtimeAudioDeltaReader.ScanToPlainTopLevelValue(json, "delta"u8);
            Assert.True(scanned < 0 || scanned == RealtimeAudioDeltaReader.ReadToTopLevelValue(json, "delta"u8), Show(json));
        }
    }

    [Fact]
    public void Where_the_exact_shape_path_decodes_the_reader_decodes_the_same_bytes()
    {
        if (!ExactShapePathRuns())
        {
            return;
        }

        byte[] fast = new byte[32];
        byte[] general = new byte[32];
        int accepted = 0;
        foreach (byte[] json in Mutants())
        {
            Array.Clear(fast);
            if (!RealtimeAudioDeltaReader.TryDecodeApiShapeDelta(json, fast, out int written))
            {
                Assert.Equal(0, written);
                continue;
            }

            accepted++;
            Array.Clear(general);
            Assert.True(
                RealtimeAudioDeltaReader.DecodeDeltaWithReader(new ReadOnlySequence<byte>(json), general, out int expectedWritten) == AudioDeltaStatus.Done,
                "The reader rejected what the exact-shape path decoded: " + Show(json));
            Assert.Equal(expectedWritten, written);
            Assert.Equal(general, fast);
        }

        // The unmutated API-shape seeds and the mutations of their ids, integers and base64 that keep them valid.
        Assert.True(accepted > 500, $"The mutants exercise the exact-shape path ({accepted}).");
    }

    [Fact]
    public void Where_the_exact_shape_path_of_one_type_decodes_the_event_is_of_that_type_and_the_reader_decodes_the_same_bytes()
    {
        if (!ExactShapePathRuns())
        {
            return;
        }

        byte[] fast = new byte[32];
        byte[] general = new byte[32];
        int accepted = 0;
        int otherType = 0;
        foreach (byte[] json in Mutants())
        {
            foreach (byte[] type in (byte[][])["response.output_audio.delta"u8.ToArray(), "response.output_audio.delt"u8.ToArray(), "x"u8.ToArray()])
            {
                Array.Clear(fast);
                bool decoded = RealtimeAudioDeltaReader.TryDecodeApiShapeDeltaOfType(json, type, fast, out int written);
                Assert.Equal(decoded && RealtimeAudioDeltaReader.IsEventType(json, type), decoded);
                if (!decoded)
                {
                    otherType += RealtimeAudioDeltaReader.TryDecodeApiShapeDelta(json, fast, out _) ? 1 : 0;
                    continue;
                }

                accepted++;
                Array.Clear(general);
                Assert.True(RealtimeAudioDeltaReader.DecodeDeltaWithReader(new ReadOnlySequence<byte>(json), general, out int expectedWritten) == AudioDeltaStatus.Done, Show(json));
                Assert.Equal(expectedWritten, written);
                Assert.Equal(general, fast);
            }
        }

        // The API-shape mutants decode for their own type and are turned away for the others.
        Assert.True(accepted > 500, $"The mutants exercise the exact-shape path ({accepted}).");
        Assert.True(otherType > 1000, $"The other types are turned away ({otherType}).");
    }

    [Fact]
    public void The_exact_shape_path_takes_the_api_event_and_leaves_near_misses_to_the_other_paths()
    {
        if (!ExactShapePathRuns())
        {
            return;
        }

        byte[] pcm = new byte[960];
        new Random(17).NextBytes(pcm);
        string delta = Convert.ToBase64String(pcm);
        const string Api = "{\"type\":\"response.output_audio.delta\",\"event_id\":\"event_CRz9pTq1mXf0bV2aLk3Jd\",\"response_id\":\"resp_CRz9pSGx7hQ1oWn4Yt6Ue\","
            + "\"item_id\":\"item_CRz9pR8kVb2NcMz5Xa7Gf\",\"output_index\":0,\"content_index\":0,\"delta\":\"";
        byte[] decoded = new byte[pcm.Length];
        Assert.True(RealtimeAudioDeltaReader.TryDecodeApiShapeDelta(Encoding.UTF8.GetBytes(Api + delta + "\"}"), decoded, out int written));
        Assert.Equal(pcm.Length, written);
        Assert.Equal(pcm, decoded);

        // Each of these is declined by the exact-shape path and decoded by the others, to the same PCM.
        string[] nearMisses =
        [
            Api + delta + "\" }",                                             // whitespace before the '}'
            Api + delta + "\"}\n",                                            // after it
            " " + Api + delta + "\"}",                                         // before the '{'
            Api.Replace("\"output_index\":0", "\"output_index\":-1", StringComparison.Ordinal) + delta + "\"}",
            Api.Replace("\"content_index\":0", "\"content_index\": 0", StringComparison.Ordinal) + delta + "\"}",
            Api.Replace("\"delta\":\"", "\"delta\": \"", StringComparison.Ordinal) + delta + "\"}",
            Api.Replace(",\"event_id\"", ", \"event_id\"", StringComparison.Ordinal) + delta + "\"}",
            Api.Replace("\"item_id\"", "\"item_ID\"", StringComparison.Ordinal).Replace("\"output_index\":0,", "\"output_index\":0,\"item_id\":\"i\",", StringComparison.Ordinal) + delta + "\"}",
        ];
        foreach (string nearMiss in nearMisses)
        {
            byte[] json = Encoding.UTF8.GetBytes(nearMiss);
            Assert.False(RealtimeAudioDeltaReader.TryDecodeApiShapeDelta(json, decoded, out written), nearMiss);
            Array.Clear(decoded);
            Assert.Equal(AudioDeltaStatus.Done, RealtimeAudioDeltaReader.DecodeDelta(json, decoded, out written));
            Assert.Equal(pcm.Length, written);
            Assert.Equal(pcm, decoded);
        }

        // Not base64 between the last quotes: a quote (delta not last), a backslash (an escape), a space (which the
        // decoder would skip) or a byte outside the alphabet. The exact-shape path declines; DecodeDelta agrees with the reader.
        foreach (string tail in new[] { "AQID\",\"x\":\"AQID", "AQ\\/D", "AQID AQID", "AQID*QID", "AQI" })
        {
            byte[] json = Encoding.UTF8.GetBytes(Api + tail + "\"}");
            Assert.False(RealtimeAudioDeltaReader.TryDecodeApiShapeDelta(json, decoded, out _), tail);
            AudioDeltaStatus expected = RealtimeAudioDeltaReader.DecodeDeltaWithReader(new ReadOnlySequence<byte>(json), new byte[16], out int expectedWritten);
            Assert.Equal(expected, RealtimeAudioDeltaReader.DecodeDelta(json, new byte[16], out written));
            Assert.Equal(expectedWritten, written);
        }
    }

    [Fact]
    public void A_destination_too_small_for_the_exact_shape_is_left_untouched()
    {
        if (!ExactShapePathRuns())
        {
            return;
        }

        byte[] json = Encoding.UTF8.GetBytes(
            "{\"type\":\"response.output_audio.delta\",\"event_id\":\"event_CRz9pTq1mXf0bV2aLk3Jd\",\"response_id\":\"resp_CRz9pSGx7hQ1oWn4Yt6Ue\","
            + "\"item_id\":\"item_CRz9pR8kVb2NcMz5Xa7Gf\",\"output_index\":0,\"content_index\":0,\"delta\":\"" + Convert.ToBase64String(new byte[959]) + "\"}");
        byte[] small = new byte[958];
        Array.Fill(small, (byte)0xA5);
        Assert.False(RealtimeAudioDeltaReader.TryDecodeApiShapeDelta(json, small, out _));
        Assert.Equal(AudioDeltaStatus.DestinationTooSmall, RealtimeAudioDeltaReader.DecodeDelta(json, small, out int needed));
        Assert.Equal(959, needed);
        Assert.All(small, b => Assert.Equal(0xA5, b));

        // The exact size needed (959 PCM bytes: base64 with one '=' of padding) is enough.
        byte[] exact = new byte[959];
        Array.Fill(exact, (byte)0xA5);
        Assert.True(RealtimeAudioDeltaReader.TryDecodeApiShapeDelta(json, exact, out int written));
        Assert.Equal(959, written);
        Assert.All(exact, b => Assert.Equal(0, b));
    }

    private static int SkipWhiteSpace(byte[] json, int i)
    {
        while (i < json.Length && json[i] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
        {
            i++;
        }

        return i;
    }

    private static string Show(byte[] json) => Convert.ToHexString(json) + " " + Encoding.UTF8.GetString(json);
}
