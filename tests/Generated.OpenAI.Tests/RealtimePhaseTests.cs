using System.Linq;
using System.Text;
using Generated.OpenAI.Models;
using Generated.OpenAI.Serialization;
using Xunit;

namespace Generated.OpenAI.Tests;

/// <summary><c>phase</c> on realtime assistant output items: missing from OpenAI's spec, added by spec/openai-overlay.yaml.</summary>
public class RealtimePhaseTests
{
    // The "Shortened API response" under "Example response phases" in OpenAI's Realtime 2 docs
    // (../shared/docs/openai-docs-changes-2026-05-06.txt, lines 412-437; also openai-api-notes.md §2.9), verbatim.
    // The docs shortened it: the output items have no "type"/"role", so they are read by shape.
    private const string DocsResponseDone = """
        {
          "type": "response.done",
          "response": {
            "output": [
              {
                "phase": "commentary",
                "content": [
                  {
                    "type": "output_audio",
                    "transcript": "Let's zero in on the enzyme's shape and binding, since that's the key idea here."
                  }
                ]
              },
              {
                "phase": "final_answer",
                "content": [
                  {
                    "type": "output_audio",
                    "transcript": "What changes at the active site at high temperature?"
                  }
                ]
              }
            ]
          }
        }
        """;

    [Fact]
    public void The_docs_response_done_example_reads_phase_typed_on_each_assistant_item()
    {
        Assert.True(PinnedSpec.OverlayApplied);
        // The docs leave out the event_id every server event carries (the spec requires it): as printed, the event
        // is kept raw, with the reason; with its event_id, it reads typed.
        var verbatim = JsonModel.Deserialize<RealtimeServerEvent>(Encoding.UTF8.GetBytes(DocsResponseDone));
        Assert.Equal(RealtimeServerEventKind.Unknown, verbatim.Kind);
        Assert.Contains("\"event_id\"", verbatim.UnknownReason);
        var evt = JsonModel.Deserialize<RealtimeServerEvent>(Encoding.UTF8.GetBytes(WithEventId(DocsResponseDone)));
        Assert.Equal(RealtimeServerEventKind.ResponseDone, evt.Kind);
        var output = evt.AsResponseDone().Response.Output!;
        Assert.Equal(2, output.Count);

        // The shortened items lack the "type"/"role" that pick the item union's case, so the union keeps them raw
        // (Unknown), as it does any item it cannot place; read as the assistant item they are, phase is typed.
        Assert.All(output, o => Assert.Equal(RealtimeConversationItemKind.Unknown, o.Kind));
        var items = output.Select(o => JsonModel.Deserialize<RealtimeConversationItemMessageAssistant>(Encoding.UTF8.GetBytes(o.UnknownJson!.Value.GetRawText()))).ToList();
        Assert.Equal([MessagePhase.Commentary, MessagePhase.FinalAnswer], items.Select(i => i.Phase));
        Assert.Equal("What changes at the active site at high temperature?", items[1].Content.Single().Transcript);
        Assert.All(items, i => Assert.Empty(i.ExtensionData));
    }

    [Fact]
    public void The_docs_example_with_the_item_type_and_role_the_server_sends_reads_phase_through_the_union()
    {
        // The same example with what the docs shortened away put back: every output item of a real response.done
        // carries "type": "message" and "role": "assistant" (required by the spec's RealtimeConversationItemMessageAssistant).
        string full = WithEventId(DocsResponseDone).Replace("\"phase\":", "\"type\": \"message\", \"role\": \"assistant\", \"phase\":", System.StringComparison.Ordinal);
        var evt = JsonModel.Deserialize<RealtimeServerEvent>(Encoding.UTF8.GetBytes(full));
        var items = evt.AsResponseDone().Response.Output!.Select(o => o.AsMessageAssistant()).ToList();
        Assert.Equal([MessagePhase.Commentary, MessagePhase.FinalAnswer], items.Select(i => i.Phase));
        Assert.Equal(RealtimeConversationItemMessageAssistantContentItemType.OutputAudio, items[0].Content.Single().Type);

        // And it is written back as it came.
        string written = Encoding.UTF8.GetString(JsonModel.SerializeToUtf8Bytes(evt));
        Assert.Contains("\"phase\":\"commentary\"", written);
        Assert.Contains("\"phase\":\"final_answer\"", written);
    }

    [Fact]
    public void Phase_is_written_as_the_docs_spell_it()
    {
        var item = new RealtimeConversationItemMessageAssistant { Content = [], Phase = MessagePhase.FinalAnswer };
        string json = Encoding.UTF8.GetString(JsonModel.SerializeToUtf8Bytes(item));
        Assert.Contains("\"phase\":\"final_answer\"", json);
    }

    private static string WithEventId(string json) => json.Replace("\"type\": \"response.done\",", "\"event_id\": \"event_1\", \"type\": \"response.done\",", System.StringComparison.Ordinal);
}
