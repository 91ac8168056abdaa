using System.Collections.Generic;
using System.Linq;
using System.Text;
using Generated.OpenAI.Models;
using Generated.OpenAI.Serialization;
using Xunit;

namespace Generated.OpenAI.Realtime.Tests;

/// <summary>The budget a resumed voice session restores its conversation within.</summary>
public sealed class RealtimeConversationLogTests
{
    [Fact]
    public void The_character_budget_keeps_the_most_recent_turns_and_a_call_only_with_its_output()
    {
        var log = new RealtimeConversationLog(capacity: 100);
        log.Observe(Done("""{"id":"u1","type":"message","role":"user","content":[{"type":"input_text","text":"0123456789"}]}"""));
        log.Observe(Done("""{"id":"c1","type":"function_call","call_id":"call_1","name":"lookup","arguments":"{\"q\":\"x\"}"}"""));
        log.Observe(Done("""{"id":"o1","type":"function_call_output","call_id":"call_1","output":"0123456789"}"""));
        log.Observe(Done("""{"id":"a1","type":"message","role":"assistant","content":[{"type":"output_audio","transcript":"01234567890123456789"}]}"""));
        log.Observe(Done("""{"id":"u2","type":"message","role":"user","content":[{"type":"input_audio","transcript":null}]}"""));
        log.Observe(Event("""{"type":"conversation.item.input_audio_transcription.completed","event_id":"e","item_id":"u2","content_index":0,"transcript":"heard","usage":{"type":"duration","seconds":1}}"""));

        // 35 characters: the user turn (5) and the answer (20) fit, the output (10) fits, its call (6 + 9) does not: both go.
        List<RealtimeConversationItem> items = log.Plan(maxItems: 50, maxCharacters: 35, out int omitted);
        Assert.Equal(["a1", "u2"], items.Select(Id));
        Assert.Equal(3, omitted);
        Assert.Equal("heard", items[1].AsMessageUser().Content[0].Text);
        Assert.Equal(RealtimeConversationItemMessageUserContentItemType.InputText, items[1].AsMessageUser().Content[0].Type);

        // Enough for everything: in order, the call with its output.
        items = log.Plan(maxItems: 50, maxCharacters: 1000, out omitted);
        Assert.Equal(["u1", "c1", "o1", "a1", "u2"], items.Select(Id));
        Assert.Equal(0, omitted);

        // A truncated answer has no text left to restore (the server drops it too).
        log.Observe(Event("""{"type":"conversation.item.truncated","event_id":"e","item_id":"a1","content_index":0,"audio_end_ms":300}"""));
        items = log.Plan(maxItems: 50, maxCharacters: 1000, out omitted);
        Assert.Equal(["u1", "c1", "o1", "u2"], items.Select(Id));
        Assert.Equal(1, omitted);

        // The item budget: the two most recent restorable items would be the output and u2, but an output goes only with its call.
        items = log.Plan(maxItems: 2, maxCharacters: 1000, out omitted);
        Assert.Equal(["u2"], items.Select(Id));
        Assert.Equal(4, omitted);
    }

    private static RealtimeServerEvent Done(string item)
        => Event("""{"type":"conversation.item.done","event_id":"e","previous_item_id":null,"item":""" + item + "}");

    private static RealtimeServerEvent Event(string json) => JsonModel.Deserialize<RealtimeServerEvent>(Encoding.UTF8.GetBytes(json));

    private static string Id(RealtimeConversationItem item) => item.Value switch
    {
        RealtimeConversationItemMessageUser user => user.Id!,
        RealtimeConversationItemMessageAssistant assistant => assistant.Id!,
        RealtimeConversationItemFunctionCall call => call.Id!,
        RealtimeConversationItemFunctionCallOutput output => output.Id!,
        _ => "?",
    };
}
