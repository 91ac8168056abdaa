using System.Text;
using Generated.OpenAI.Models;
using Generated.OpenAI.Realtime;
using Generated.OpenAI.Serialization;
using Xunit;

namespace Generated.OpenAI.Tests;

/// <summary>
/// The realtime event unions enforce what the spec requires: an event whose required member is missing, null or of
/// another JSON kind reads as Unknown, with its raw JSON and the reason, never as a case with a null inside.
/// </summary>
public class RealtimeEventValidationTests
{
    [Theory]
    [InlineData("""{"type":"error","event_id":"x"}""", "\"error\"")]
    [InlineData("""{"type":"error","event_id":"x","error":{}}""", "\"error.")]
    [InlineData("""{"type":"error","event_id":"x","error":null}""", "\"error\"")]
    [InlineData("""{"type":"response.done","event_id":"x","response":"done"}""", "\"response\"")]
    [InlineData("""{"type":"response.output_audio.delta","event_id":"x","response_id":"r","item_id":null,"output_index":0,"content_index":0,"delta":"AAAA"}""", "\"item_id\"")]
    [InlineData("""{"type":"response.output_audio.delta","event_id":"x","response_id":"r","item_id":"i","output_index":"zero","content_index":0,"delta":"AAAA"}""", "\"output_index\"")]
    [InlineData("""{"type":"conversation.item.input_audio_transcription.completed","event_id":"x","item_id":"i","content_index":0,"usage":{"type":"duration","seconds":1}}""", "\"transcript\"")]
    [InlineData("""{"event_id":"x"}""", "\"type\"")]
    [InlineData("""{"type":7,"event_id":"x"}""", "\"type\"")]
    public void A_server_event_missing_what_the_spec_requires_reads_as_Unknown_with_its_raw_json_and_the_reason(string json, string reasonNames)
    {
        var serverEvent = JsonModel.Deserialize<RealtimeServerEvent>(Encoding.UTF8.GetBytes(json));

        Assert.Equal(RealtimeServerEventKind.Unknown, serverEvent.Kind);
        Assert.NotNull(serverEvent.UnknownReason);
        Assert.Contains(reasonNames, serverEvent.UnknownReason);
        Assert.Equal(json, Encoding.UTF8.GetString(JsonModel.SerializeToUtf8Bytes(serverEvent)));
    }

    [Fact]
    public void A_complete_event_reads_typed_and_an_unlisted_type_is_Unknown_without_a_reason()
    {
        var delta = JsonModel.Deserialize<RealtimeServerEvent>("""{"type":"response.output_audio.delta","event_id":"x","response_id":"r","item_id":"i","output_index":0,"content_index":0,"delta":"AAAA"}"""u8);
        Assert.Equal(RealtimeServerEventKind.ResponseOutputAudioDelta, delta.Kind);
        Assert.Null(delta.UnknownReason);

        var future = JsonModel.Deserialize<RealtimeServerEvent>("""{"type":"response.future_thing","event_id":"x"}"""u8);
        Assert.Equal(RealtimeServerEventKind.Unknown, future.Kind);
        Assert.Null(future.UnknownReason);
    }

    [Fact]
    public void Every_session_kind_s_union_is_strict()
    {
        var translation = JsonModel.Deserialize<RealtimeTranslationServerEvent>("""{"type":"error","event_id":"x"}"""u8);
        Assert.Equal(RealtimeTranslationServerEventKind.Unknown, translation.Kind);
        Assert.Contains("\"error\"", translation.UnknownReason);

        var translationNoType = JsonModel.Deserialize<RealtimeTranslationServerEvent>("""{"event_id":"x","delta":"hi"}"""u8);
        Assert.Equal(RealtimeTranslationServerEventKind.Unknown, translationNoType.Kind);
        Assert.Contains("\"type\"", translationNoType.UnknownReason);
    }

    [Fact]
    public void Event_models_expose_their_type_as_utf8_and_their_event_id_through_one_interface()
    {
        IRealtimeEvent clientEvent = new RealtimeClientEventResponseCreate();
        Assert.Equal("response.create"u8.ToArray(), clientEvent.TypeUtf8.ToArray());
        Assert.Equal("response.create"u8.ToArray(), RealtimeClientEventResponseCreate.TypeUtf8.ToArray());
        clientEvent.EventId = "evt_1";
        Assert.Equal("evt_1", ((RealtimeClientEventResponseCreate)clientEvent).EventId);

        IRealtimeEvent serverEvent = JsonModel.Deserialize<RealtimeServerEventError>("""{"type":"error","event_id":"s1","error":{"type":"invalid_request_error","message":"m"}}"""u8);
        Assert.Equal("error"u8.ToArray(), serverEvent.TypeUtf8.ToArray());
        Assert.Equal("s1", serverEvent.EventId);

        Assert.Equal("session.input_audio_buffer.append"u8.ToArray(), RealtimeTranslationClientEvent.TypeOf(RealtimeTranslationClientEventKind.SessionInputAudioBufferAppend).ToArray());
        Assert.True(RealtimeServerEvent.TypeOf(RealtimeServerEventKind.Unknown).IsEmpty);
    }
}
