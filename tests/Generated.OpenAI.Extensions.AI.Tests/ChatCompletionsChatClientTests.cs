using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Extensions.AI.Chat;
using Generated.OpenAI.Http;
using Generated.OpenAI.Models;
using Generated.OpenAI.Simulator;
using Microsoft.Extensions.AI;
using Xunit;
using TextContent = Microsoft.Extensions.AI.TextContent;

namespace Generated.OpenAI.Extensions.AI.Tests;

/// <summary>The Chat Completions <see cref="IChatClient"/> (<c>AsIChatClientForChatCompletions</c>) against the simulator, alone and through MEAI's function invocation.</summary>
public sealed class ChatCompletionsChatClientTests
{
    private const int TimeLimit = 30_000;

    private static JsonElement Body(RecordedRequest request) => JsonDocument.Parse(request.Body).RootElement;

    private static CancellationToken Limit() => new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token;

    [Fact(Timeout = TimeLimit)]
    public async Task A_text_answer_round_trips_with_id_model_finish_reason_usage_options_and_the_typed_completion()
    {
        await using Simulated sim = await Simulated.StartAsync();
        using IChatClient chat = sim.Client.AsIChatClientForChatCompletions("gpt-5.4");

        ChatResponse response = await chat.GetResponseAsync("What is 2+2?", new ChatOptions { Instructions = "Be brief.", Temperature = 0.5f, MaxOutputTokens = 50 }, Limit());

        Assert.Equal("Simulated answer to: What is 2+2?", response.Text);
        Assert.StartsWith("chatcmpl_sim_", response.ResponseId, StringComparison.Ordinal);
        Assert.Null(response.ConversationId);
        Assert.Equal("gpt-5.4", response.ModelId);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(ChatRole.Assistant, response.Messages.Single().Role);
        CreateChatCompletionResponse raw = Assert.IsType<CreateChatCompletionResponse>(response.RawRepresentation);
        Assert.Equal(response.ResponseId, raw.Id);
        // The simulator bills words: "What is 2+2?" and "Be brief." are five in; the answer is six out.
        Assert.Equal((5L, 6L, 11L), (response.Usage!.InputTokenCount, response.Usage.OutputTokenCount, response.Usage.TotalTokenCount));

        RecordedRequest request = sim.Rest.Requests.Single();
        Assert.Equal("/v1/chat/completions", request.Path);
        JsonElement sent = Body(request);
        Assert.Equal("gpt-5.4", sent.GetProperty("model").GetString());
        Assert.Equal(0.5, sent.GetProperty("temperature").GetDouble(), 3);
        Assert.Equal(50, sent.GetProperty("max_completion_tokens").GetInt32());
        Assert.False(sent.TryGetProperty("stream", out JsonElement stream) && stream.GetBoolean());
        JsonElement[] messages = sent.GetProperty("messages").EnumerateArray().ToArray();
        Assert.Equal(("system", "Be brief."), (messages[0].GetProperty("role").GetString(), messages[0].GetProperty("content").GetString()));
        Assert.Equal("user", messages[1].GetProperty("role").GetString());
        Assert.Equal(("text", "What is 2+2?"), (messages[1].GetProperty("content")[0].GetProperty("type").GetString(), messages[1].GetProperty("content")[0].GetProperty("text").GetString()));

        Assert.Same(sim.Client, chat.GetService<OpenAIClient>());
        Assert.Same(chat, chat.GetService<OpenAIChatCompletionsChatClient>());
        ChatClientMetadata metadata = chat.GetService<ChatClientMetadata>()!;
        Assert.Equal(("openai", sim.Rest.BaseUrl, "gpt-5.4"), (metadata.ProviderName, metadata.ProviderUri, metadata.DefaultModelId));
        Assert.Empty(sim.Rest.ServerErrors);
    }

    [Fact(Timeout = TimeLimit)]
    public async Task Streamed_updates_arrive_in_order_text_pieces_then_the_finish_reason_then_usage_and_ask_for_usage()
    {
        await using Simulated sim = await Simulated.StartAsync();
        using IChatClient chat = sim.Client.AsIChatClientForChatCompletions("gpt-5.4");

        List<ChatResponseUpdate> updates = [];
        await foreach (ChatResponseUpdate update in chat.GetStreamingResponseAsync("Tell me a story", cancellationToken: Limit()))
        {
            updates.Add(update);
        }

        string[] kinds = updates.Select(u => u.FinishReason is not null ? "finish" : u.Contents.Single() switch
        {
            TextContent => "text",
            UsageContent => "usage",
            var other => other.GetType().Name,
        }).ToArray();
        // The pieces, one by one ("Simulated", " answer", " to:", " Tell", " me", " a", " story"), then the finish, then usage.
        Assert.Equal([.. Enumerable.Repeat("text", 7), "finish", "usage"], kinds);
        Assert.Equal(["Simulated", " answer", " to:", " Tell", " me", " a", " story"], updates.Take(7).Select(u => u.Text));
        Assert.Equal(ChatFinishReason.Stop, updates[7].FinishReason);
        UsageDetails usage = Assert.IsType<UsageContent>(updates[8].Contents.Single()).Details;
        Assert.Equal((4L, 7L, 11L), (usage.InputTokenCount, usage.OutputTokenCount, usage.TotalTokenCount));
        Assert.All(updates, u => Assert.Equal((updates[0].ResponseId, ChatRole.Assistant, "gpt-5.4"), (u.ResponseId, u.Role!.Value, u.ModelId)));
        Assert.All(updates, u => Assert.IsType<CreateChatCompletionStreamResponse>(u.RawRepresentation));

        ChatResponse whole = updates.ToChatResponse();
        Assert.Equal("Simulated answer to: Tell me a story", whole.Text);
        Assert.Equal(ChatFinishReason.Stop, whole.FinishReason);
        Assert.Equal(11L, whole.Usage!.TotalTokenCount);

        JsonElement sent = Body(sim.Rest.Requests.Single());
        Assert.True(sent.GetProperty("stream").GetBoolean());
        Assert.True(sent.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
    }

    [Fact(Timeout = TimeLimit)]
    public async Task FunctionInvokingChatClient_runs_the_tool_and_sends_its_result_back_as_a_tool_message()
    {
        await using Simulated sim = await Simulated.StartAsync();
        var cities = new List<string>();
        AIFunction weather = AIFunctionFactory.Create(
            ([Description("The city")] string city) => { cities.Add(city); return $"Sunny in {city}"; },
            "get_weather",
            "Gets the weather in a city.");
        using IChatClient chat = new ChatClientBuilder(sim.Client.AsIChatClientForChatCompletions("gpt-5.4")).UseFunctionInvocation().Build();

        ChatResponse response = await chat.GetResponseAsync("Weather in Paris?", new ChatOptions { Tools = [weather] }, Limit());

        Assert.Equal(["sim"], cities);
        Assert.Equal("The tool answered: \"Sunny in sim\"", response.Text);
        FunctionCallContent call = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Single();
        FunctionResultContent result = response.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Single();
        Assert.Equal(("get_weather", call.CallId), (call.Name, result.CallId));
        Assert.StartsWith("call_sim_", call.CallId, StringComparison.Ordinal);
        Assert.Equal("sim", call.Arguments!["city"]?.ToString());
        // FunctionInvokingChatClient adds the usage of both round trips (the simulator bills words: question 3, arguments 4; question 3, tool output 3, answer 6).
        Assert.Equal((3 + 4) + (3 + 3 + 6), response.Usage!.TotalTokenCount);

        IReadOnlyList<RecordedRequest> requests = sim.Rest.Requests;
        Assert.Equal(2, requests.Count);
        JsonElement tool = Body(requests[0]).GetProperty("tools")[0];
        Assert.Equal(("function", "get_weather"), (tool.GetProperty("type").GetString(), tool.GetProperty("function").GetProperty("name").GetString()));
        Assert.Equal("string", tool.GetProperty("function").GetProperty("parameters").GetProperty("properties").GetProperty("city").GetProperty("type").GetString());
        // Chat Completions keeps no state: the second request carries the whole history, the assistant's call and the tool's answer.
        JsonElement[] history = Body(requests[1]).GetProperty("messages").EnumerateArray().ToArray();
        Assert.Equal(["user", "assistant", "tool"], history.Select(m => m.GetProperty("role").GetString()));
        JsonElement sentCall = history[1].GetProperty("tool_calls").EnumerateArray().Single();
        Assert.Equal((call.CallId, "get_weather", "{\"city\":\"sim\"}"), (sentCall.GetProperty("id").GetString(), sentCall.GetProperty("function").GetProperty("name").GetString(), sentCall.GetProperty("function").GetProperty("arguments").GetString()));
        Assert.Equal((call.CallId, "\"Sunny in sim\""), (history[2].GetProperty("tool_call_id").GetString(), history[2].GetProperty("content").GetString()));
    }

    [Fact(Timeout = TimeLimit)]
    public async Task FunctionInvokingChatClient_runs_the_tool_from_streamed_tool_call_chunks()
    {
        await using Simulated sim = await Simulated.StartAsync();
        var cities = new List<string>();
        AIFunction weather = AIFunctionFactory.Create((string city) => { cities.Add(city); return "Rain"; }, "get_weather");
        using IChatClient chat = new ChatClientBuilder(sim.Client.AsIChatClientForChatCompletions("gpt-5.4")).UseFunctionInvocation().Build();

        List<ChatResponseUpdate> updates = [];
        await foreach (ChatResponseUpdate update in chat.GetStreamingResponseAsync("Weather?", new ChatOptions { Tools = [weather] }, Limit()))
        {
            updates.Add(update);
        }

        Assert.Equal(["sim"], cities);
        // The arguments came in two chunks; the call is given whole, once, with the finish reason.
        ChatResponseUpdate callUpdate = Assert.Single(updates, u => u.Contents.OfType<FunctionCallContent>().Any());
        Assert.Equal(ChatFinishReason.ToolCalls, callUpdate.FinishReason);
        Assert.Equal("sim", callUpdate.Contents.OfType<FunctionCallContent>().Single().Arguments!["city"]?.ToString());
        Assert.Equal("The tool answered: \"Rain\"", string.Concat(updates.Where(u => u.Role == ChatRole.Assistant).Select(u => u.Text)));
        Assert.Equal(2, sim.Rest.Requests.Count);
        Assert.All(sim.Rest.Requests, r => Assert.True(Body(r).GetProperty("stream").GetBoolean()));
        Assert.Equal("tool", Body(sim.Rest.Requests[1]).GetProperty("messages")[2].GetProperty("role").GetString());
    }

    [Fact(Timeout = TimeLimit)]
    public async Task ToolMode_none_sends_tool_choice_none_and_the_model_answers_in_text()
    {
        await using Simulated sim = await Simulated.StartAsync();
        int calls = 0;
        AIFunction weather = AIFunctionFactory.Create((string city) => { calls++; return "Rain"; }, "get_weather");
        using IChatClient chat = new ChatClientBuilder(sim.Client.AsIChatClientForChatCompletions("gpt-5.4")).UseFunctionInvocation().Build();

        ChatResponse response = await chat.GetResponseAsync("Weather?", new ChatOptions { Tools = [weather], ToolMode = ChatToolMode.None }, Limit());

        Assert.Equal(0, calls);
        Assert.Equal("Simulated answer to: Weather?", response.Text);
        Assert.Equal("none", Body(sim.Rest.Requests.Single()).GetProperty("tool_choice").GetString());
    }
}
