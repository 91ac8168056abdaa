using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using Generated.OpenAI.Models;
using Generated.OpenAI.Serialization;
using Xunit;
using Xunit.Abstractions;

namespace Generated.OpenAI.Tests;

public class SchemaCoverageTests
{
    private readonly ITestOutputHelper _output;

    public SchemaCoverageTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Every_component_schema_has_a_type_or_a_documented_exclusion()
    {
        var specSchemas = SpecDocument.Schemas.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var typed = OpenApiSchemaCatalog.Schemas.Select(e => e.SchemaName).ToList();
        var excluded = OpenApiSchemaCatalog.Exclusions;

        // Exact for the pinned spec; for any other spec (a pin being moved), the catalog must match the spec built.
        if (PinnedSpec.IsBuilt)
        {
            Assert.Equal(PinnedSpec.Schemas, specSchemas.Count);
        }
        Assert.Equal(OpenApiSchemaCatalog.SchemaCount, specSchemas.Count);
        Assert.Equal(specSchemas.Count, typed.Count + excluded.Count);
        Assert.Empty(typed.Intersect(excluded.Select(e => e.Key)));
        Assert.All(typed.Concat(excluded.Select(e => e.Key)), name => Assert.Contains(name, specSchemas));
        Assert.All(excluded, e => Assert.StartsWith("alias: every reference resolves to ", e.Value));
        _output.WriteLine($"{typed.Count} of {specSchemas.Count} schemas have a type; {excluded.Count} are aliases:");
        foreach (var e in excluded) { _output.WriteLine($"  {e.Key}: {e.Value}"); }
        Assert.True(typed.Count > 900);
    }

    // Members in the pinned spec + members spec/openai-overlay.yaml adds.
    public static IEnumerable<object[]> Unions() => new[]
    {
        new object[] { "RealtimeClientEvent", typeof(RealtimeClientEventKind), PinnedSpec.ClientEvents, Array.Empty<string>() },
        new object[] { "RealtimeServerEvent", typeof(RealtimeServerEventKind), PinnedSpec.ServerEvents, PinnedSpec.ServerEventsAddedByOverlay },
        new object[] { "RealtimeTranslationClientEvent", typeof(RealtimeTranslationClientEventKind), PinnedSpec.TranslationClientEvents, Array.Empty<string>() },
        new object[] { "RealtimeTranslationServerEvent", typeof(RealtimeTranslationServerEventKind), PinnedSpec.TranslationServerEvents, Array.Empty<string>() },
    };

    [Theory]
    [MemberData(nameof(Unions))]
    public void A_realtime_event_union_has_one_case_per_member_dispatched_on_its_type_string(string schemaName, Type kindType, int pinnedSpecMembers, string[] addedByOverlay)
    {
        var members = SpecDocument.Schemas.GetProperty(schemaName).GetProperty("anyOf").EnumerateArray()
            .Select(m => m.GetProperty("$ref").GetString()!.Split('/').Last()).ToList();
        Assert.True(PinnedSpec.OverlayApplied);
        Assert.All(addedByOverlay, added => Assert.Contains(added, members));
        if (PinnedSpec.IsBuilt)
        {
            Assert.Equal(pinnedSpecMembers + addedByOverlay.Length, members.Count);
        }
        int cases = members.Count;
        var kinds = Enum.GetNames(kindType).Where(n => n != "Unknown").ToList();
        Assert.Equal(cases, kinds.Count);

        var entry = OpenApiSchemaCatalog.Schemas.Single(e => e.SchemaName == schemaName);
        foreach (string member in members)
        {
            var memberSchema = SpecDocument.Schemas.GetProperty(member);
            Assert.DoesNotContain("RealtimeBeta", member);
            string type = memberSchema.GetProperty("properties").GetProperty("type").GetProperty("enum")[0].GetString()!;
            // The minimal event of that type reads as the case for that member, whatever the type's position, or,
            // where that member requires more than event_id and type, as Unknown naming a member that member requires.
            string json = $"{{\"event_id\":\"e1\",\"type\":\"{type}\"}}";
            object value = entry.Read(Encoding.UTF8.GetBytes(json));
            object kind = value.GetType().GetProperty("Kind")!.GetValue(value)!;
            var required = memberSchema.TryGetProperty("required", out JsonElement list) ? list.EnumerateArray().Select(r => r.GetString()!).ToList() : [];
            if (required.Except(["event_id", "type"]).Any())
            {
                Assert.Equal("Unknown", kind.ToString());
                string reason = (string)value.GetType().GetProperty("UnknownReason")!.GetValue(value)!;
                Assert.Contains(required.Except(["event_id", "type"]), r => reason.Contains($"\"{r}\"", StringComparison.Ordinal));
                continue;
            }
            Assert.NotEqual("Unknown", kind.ToString());
            object inner = value.GetType().GetProperty("Value")!.GetValue(value)!;
            Assert.Equal(OpenApiSchemaCatalog.Schemas.Single(e => e.SchemaName == member).ClrType, inner.GetType());
        }
    }

    [Fact]
    public void Server_events_dispatch_on_UTF8_type_without_allocating()
    {
        byte[] json = Encoding.UTF8.GetBytes("{\"event_id\":\"event_1\",\"response_id\":\"r\",\"item_id\":\"i\",\"output_index\":0,\"content_index\":0,\"delta\":\"AAAA\",\"type\":\"response.output_audio.delta\"}");
        Assert.Equal(RealtimeServerEventKind.ResponseOutputAudioDelta, RealtimeServerEvent.PeekKind(json));
        for (int i = 0; i < 100; i++) { RealtimeServerEvent.PeekKind(json); }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            if (RealtimeServerEvent.PeekKind(json) != RealtimeServerEventKind.ResponseOutputAudioDelta) { throw new InvalidOperationException(); }
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void An_unknown_event_type_is_kept_as_raw_JSON_and_written_back_unchanged()
    {
        byte[] json = Encoding.UTF8.GetBytes("{\"type\":\"future.event\",\"x\":[1,2,{\"y\":null}]}");
        var evt = JsonModel.Deserialize<RealtimeServerEvent>(json);
        Assert.Equal(RealtimeServerEventKind.Unknown, evt.Kind);
        Assert.Equal("future.event", evt.UnknownJson!.Value.GetProperty("type").GetString());
        Assert.Equal(Encoding.UTF8.GetString(json), Encoding.UTF8.GetString(JsonModel.SerializeToUtf8Bytes(evt)));
    }

    [Fact]
    public void Translation_and_voice_unions_read_the_same_type_string_as_different_payloads()
    {
        byte[] json = Encoding.UTF8.GetBytes("{\"type\":\"session.created\",\"event_id\":\"e\",\"session\":{\"id\":\"sess_1\",\"type\":\"translation\",\"model\":\"gpt-realtime-translate\",\"expires_at\":1714857600,\"audio\":{\"input\":{},\"output\":{\"language\":\"fr\"}}}}");
        var voice = JsonModel.Deserialize<RealtimeServerEvent>(json);
        var translation = JsonModel.Deserialize<RealtimeTranslationServerEvent>(json);
        Assert.Equal(RealtimeServerEventKind.SessionCreated, voice.Kind);
        Assert.Equal(RealtimeTranslationServerEventKind.SessionCreated, translation.Kind);
        Assert.NotEqual(voice.Value!.GetType(), translation.Value!.GetType());
    }

    [Fact]
    public void Absent_and_explicit_null_are_different_states_and_round_trip()
    {
        var withNull = JsonModel.Deserialize<RealtimeSessionAudioInput>("{\"turn_detection\":null}"u8);
        Assert.True(withNull.TurnDetectionSpecified);
        Assert.Null(withNull.TurnDetection);
        Assert.Equal("{\"turn_detection\":null}", Encoding.UTF8.GetString(JsonModel.SerializeToUtf8Bytes(withNull)));

        var absent = JsonModel.Deserialize<RealtimeSessionAudioInput>("{}"u8);
        Assert.False(absent.TurnDetectionSpecified);
        Assert.Equal("{}", Encoding.UTF8.GetString(JsonModel.SerializeToUtf8Bytes(absent)));

        var set = new RealtimeSessionAudioInput { TurnDetection = null };
        Assert.Equal("{\"turn_detection\":null}", Encoding.UTF8.GetString(JsonModel.SerializeToUtf8Bytes(set)));
    }

    [Fact]
    public void Open_enums_accept_models_the_spec_does_not_list()
    {
        var session = JsonModel.Deserialize<RealtimeSessionConfig>("{\"type\":\"realtime\",\"model\":\"gpt-realtime-9\"}"u8);
        Assert.Equal("gpt-realtime-9", session.Model!.Value.Value);
        Assert.False(session.Model!.Value.IsKnown);
        Assert.Contains("\"model\":\"gpt-realtime-9\"", Encoding.UTF8.GetString(JsonModel.SerializeToUtf8Bytes(session)));
    }

    [Fact]
    public void Const_type_fields_are_filled_in_and_type_may_come_last()
    {
        var update = new RealtimeClientEventSessionUpdate { Session = new RealtimeSessionConfig() };
        string json = Encoding.UTF8.GetString(JsonModel.SerializeToUtf8Bytes(update));
        Assert.Contains("\"type\":\"session.update\"", json);
        Assert.Contains("\"session\":{\"type\":\"realtime\"}", json);
    }

    [Fact]
    public void Malformed_JSON_and_wrong_shapes_are_JsonExceptions_not_crashes()
    {
        Assert.ThrowsAny<JsonException>(() => JsonModel.Deserialize<RealtimeServerEvent>("{\"type\":"u8));
        // A value of the wrong kind for its property is not lost and not fatal: it is kept raw and written back.
        var odd = JsonModel.Deserialize<RealtimeServerEventResponseAudioDelta>("{\"output_index\":\"zero\"}"u8);
        Assert.Equal("zero", odd.ExtensionData["output_index"].GetString());
        Assert.Equal("{\"output_index\":\"zero\"}", Encoding.UTF8.GetString(JsonModel.SerializeToUtf8Bytes(odd)));
        Assert.ThrowsAny<JsonException>(() => JsonModel.Deserialize<RealtimeServerEventResponseAudioDelta>("[1]"u8));
    }

    [Fact]
    public void Invalid_base64_in_a_delta_is_kept_raw_and_decoding_it_says_so()
    {
        var delta = JsonModel.Deserialize<RealtimeServerEventResponseAudioDelta>("{\"type\":\"response.output_audio.delta\",\"delta\":\"not base64!\"}"u8);
        Assert.False(delta.Delta.IsValid);
        Assert.Equal(System.Buffers.OperationStatus.InvalidData, delta.Delta.TryDecode(new byte[64], out _));
        Assert.Throws<FormatException>(() => delta.Delta.ToArray());
        Assert.Contains("\"delta\":\"not base64!\"", Encoding.UTF8.GetString(JsonModel.SerializeToUtf8Bytes(delta)));

        var pcm = new byte[] { 1, 2, 3, 4, 5 };
        var roundTrip = JsonModel.Deserialize<RealtimeServerEventResponseAudioDelta>(JsonModel.SerializeToUtf8Bytes(
            new RealtimeServerEventResponseAudioDelta { EventId = "e", ResponseId = "r", ItemId = "i", OutputIndex = 0, ContentIndex = 0, Delta = Base64Data.FromBytes(pcm) }));
        Assert.Equal(pcm, roundTrip.Delta.ToArray());
    }
}
