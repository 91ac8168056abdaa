using System;
using System.ClientModel;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Xunit;
using Xunit.Abstractions;
using TextContent = Microsoft.Extensions.AI.TextContent;

namespace Generated.OpenAI.Extensions.AI.Tests;

/// <summary>
/// The same MEAI calls through ours and through Microsoft.Extensions.AI.OpenAI 11.0.0 over the official OpenAI 2.15.0
/// package, both against one simulator, compared field by field. Where they differ, the difference is asserted and
/// explained, so that a change on either side shows up here.
/// </summary>
public sealed class SideBySideTests
{
    private readonly ITestOutputHelper _output;

    public SideBySideTests(ITestOutputHelper output) => _output = output;

    private static IChatClient Official(Simulated sim) =>
        new global::OpenAI.OpenAIClient(new ApiKeyCredential("sk-meai-test"), new global::OpenAI.OpenAIClientOptions { Endpoint = sim.Rest.BaseUrl })
            .GetResponsesClient()
            .AsIChatClient("gpt-5.4");

    [Fact]
    public async Task A_text_answer_has_the_same_text_model_finish_reason_usage_and_id_shape()
    {
        await using Simulated sim = await Simulated.StartAsync();
        using IChatClient ours = sim.Client.AsIChatClient("gpt-5.4");
        using IChatClient theirs = Official(sim);
        var options = new ChatOptions { Instructions = "Be brief.", MaxOutputTokens = 64, Temperature = 0.5f };

        ChatResponse a = await ours.GetResponseAsync("What is 2+2?", options);
        ChatResponse b = await theirs.GetResponseAsync("What is 2+2?", options);

        Log(a, b);
        Assert.Equal(b.Text, a.Text);
        Assert.Equal(b.ModelId, a.ModelId);
        // Difference: Microsoft's adapter leaves FinishReason null on a completed (not streamed) response; ours says Stop,
        // as both do on the stream's last update, and as OpenTelemetry's gen_ai.response.finish_reasons then reports.
        Assert.Null(b.FinishReason);
        Assert.Equal(ChatFinishReason.Stop, a.FinishReason);
        Assert.Equal(b.Usage!.InputTokenCount, a.Usage!.InputTokenCount);
        Assert.Equal(b.Usage.OutputTokenCount, a.Usage.OutputTokenCount);
        Assert.Equal(b.Usage.TotalTokenCount, a.Usage.TotalTokenCount);
        Assert.Equal(b.Usage.CachedInputTokenCount, a.Usage.CachedInputTokenCount);
        Assert.Equal(b.Usage.ReasoningTokenCount, a.Usage.ReasoningTokenCount);
        Assert.Equal(b.Messages.Count, a.Messages.Count);
        Assert.Equal(b.Messages[0].Role, a.Messages[0].Role);
        Assert.Equal(b.Messages[0].MessageId?[..8], a.Messages[0].MessageId?[..8]);
        Assert.Equal(b.CreatedAt, a.CreatedAt);
        // Same shape of ids: a response id, and the conversation id is that response id (Responses chains by previous_response_id).
        Assert.Equal(b.ResponseId?[..9], a.ResponseId?[..9]);
        Assert.Equal(b.ResponseId, b.ConversationId);
        Assert.Equal(a.ResponseId, a.ConversationId);

        // The two requests carry the same fields that matter.
        System.Text.Json.JsonElement[] sent = sim.Rest.Requests.Select(r => System.Text.Json.JsonDocument.Parse(r.Body).RootElement).ToArray();
        foreach (string field in new[] { "model", "instructions", "max_output_tokens", "temperature" })
        {
            Assert.Equal(sent[1].GetProperty(field).GetRawText(), sent[0].GetProperty(field).GetRawText());
        }

        // Difference: the raw representation is each SDK's own typed response.
        Assert.IsType<Generated.OpenAI.Models.Response>(a.RawRepresentation);
        Assert.StartsWith("OpenAI.Responses.", b.RawRepresentation!.GetType().FullName, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Streamed_updates_give_the_same_text_order_usage_and_finish_reason()
    {
        await using Simulated sim = await Simulated.StartAsync();
        using IChatClient ours = sim.Client.AsIChatClient("gpt-5.4");
        using IChatClient theirs = Official(sim);
        var options = new ChatOptions { Reasoning = new ReasoningOptions { Effort = ReasoningEffort.Low, Output = ReasoningOutput.Summary } };

        List<ChatResponseUpdate> a = await CollectAsync(ours.GetStreamingResponseAsync("Tell me a story", options));
        List<ChatResponseUpdate> b = await CollectAsync(theirs.GetStreamingResponseAsync("Tell me a story", options));

        _output.WriteLine("ours:   " + string.Join(" | ", a.Select(Describe)));
        _output.WriteLine("theirs: " + string.Join(" | ", b.Select(Describe)));
        Assert.Equal(string.Concat(b.Select(u => u.Text)), string.Concat(a.Select(u => u.Text)));
        Assert.Equal(Reasoning(b), Reasoning(a));
        Assert.Equal(Kinds(b), Kinds(a));
        Assert.Equal(b.SelectMany(u => u.Contents).OfType<UsageContent>().Single().Details.TotalTokenCount, a.SelectMany(u => u.Contents).OfType<UsageContent>().Single().Details.TotalTokenCount);
        Assert.Equal(b.Last(u => u.FinishReason is not null).FinishReason, a.Last(u => u.FinishReason is not null).FinishReason);
        ChatResponse whole = a.ToChatResponse();
        ChatResponse wholeTheirs = b.ToChatResponse();
        Assert.Equal(wholeTheirs.Text, whole.Text);
        Assert.Equal(wholeTheirs.Usage!.OutputTokenCount, whole.Usage!.OutputTokenCount);

        // Difference: Microsoft's adapter also yields updates that carry no content (response.created, in_progress,
        // item and part boundaries) so that every event is seen; ours yields only updates that carry content or the
        // finish, so there are fewer of them. The content-bearing updates match one to one.
        Assert.True(b.Count >= a.Count, $"ours {a.Count}, theirs {b.Count}");
        Assert.Equal(b.Count(u => u.Contents.Count > 0 && u.Contents.Any(c => c is TextContent or TextReasoningContent)), a.Count(u => u.Contents.Any(c => c is TextContent or TextReasoningContent)));
    }

    [Fact]
    public async Task A_tool_round_trip_through_FunctionInvokingChatClient_sends_the_same_call_and_output()
    {
        await using Simulated sim = await Simulated.StartAsync();
        AIFunction weather = AIFunctionFactory.Create((string city) => $"Sunny in {city}", "get_weather", "Gets the weather.");
        using IChatClient ours = sim.Client.AsIChatClient("gpt-5.4").AsBuilder().UseFunctionInvocation().Build();
        using IChatClient theirs = Official(sim).AsBuilder().UseFunctionInvocation().Build();

        ChatResponse a = await ours.GetResponseAsync("Weather?", new ChatOptions { Tools = [weather] });
        ChatResponse b = await theirs.GetResponseAsync("Weather?", new ChatOptions { Tools = [weather] });

        Log(a, b);
        Assert.Equal(b.Text, a.Text);
        Assert.Equal(b.Messages.Select(m => m.Role), a.Messages.Select(m => m.Role));
        FunctionCallContent callA = a.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Single();
        FunctionCallContent callB = b.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Single();
        Assert.Equal(callB.Name, callA.Name);
        Assert.Equal(callB.Arguments!["city"]?.ToString(), callA.Arguments!["city"]?.ToString());
        Assert.Equal(4, sim.Rest.Requests.Count);
        string[] outputs = sim.Rest.Requests.Where((_, i) => i % 2 == 1)
            .Select(r => System.Text.Json.JsonDocument.Parse(r.Body).RootElement.GetProperty("input").EnumerateArray()
                .Single(i => i.TryGetProperty("type", out var t) && t.GetString() == "function_call_output").GetProperty("output").GetString()!)
            .ToArray();
        Assert.Equal(outputs[1], outputs[0]);
    }

    private void Log(ChatResponse a, ChatResponse b)
    {
        _output.WriteLine($"ours:   text='{a.Text}' id={a.ResponseId} conv={a.ConversationId} model={a.ModelId} finish={a.FinishReason} usage={a.Usage?.InputTokenCount}/{a.Usage?.OutputTokenCount}/{a.Usage?.TotalTokenCount} messages={a.Messages.Count}");
        _output.WriteLine($"theirs: text='{b.Text}' id={b.ResponseId} conv={b.ConversationId} model={b.ModelId} finish={b.FinishReason} usage={b.Usage?.InputTokenCount}/{b.Usage?.OutputTokenCount}/{b.Usage?.TotalTokenCount} messages={b.Messages.Count}");
    }

    private static async Task<List<ChatResponseUpdate>> CollectAsync(IAsyncEnumerable<ChatResponseUpdate> updates)
    {
        var list = new List<ChatResponseUpdate>();
        await foreach (ChatResponseUpdate update in updates)
        {
            list.Add(update);
        }

        return list;
    }

    private static string Reasoning(List<ChatResponseUpdate> updates) => string.Concat(updates.SelectMany(u => u.Contents).OfType<TextReasoningContent>().Select(r => r.Text));

    private static string[] Kinds(List<ChatResponseUpdate> updates) =>
        updates.SelectMany(u => u.Contents).Select(c => c switch { TextReasoningContent => "reasoning", TextContent => "text", UsageContent => "usage", _ => c.GetType().Name })
            .Where(k => k is "reasoning" or "text" or "usage")
            .Aggregate(new List<string>(), (list, k) => { if (list.Count == 0 || list[^1] != k) { list.Add(k); } return list; })
            .ToArray();

    private static string Describe(ChatResponseUpdate u) => $"{string.Join(",", u.Contents.Select(c => c.GetType().Name))}{(u.FinishReason is { } f ? $"[{f}]" : "")}";
}
