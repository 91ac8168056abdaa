using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Generated.OpenAI.Extensions.AI.Chat;
using Generated.OpenAI.Http;
using Generated.OpenAI.Models;
using Generated.OpenAI.Simulator;
using Generated.OpenAI.Tests.Rest;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Xunit;
using TextContent = Microsoft.Extensions.AI.TextContent;
using ReasoningEffort = Microsoft.Extensions.AI.ReasoningEffort;

namespace Generated.OpenAI.Extensions.AI.Tests;

/// <summary>The Responses <see cref="IChatClient"/> against the simulator, alone and through MEAI's middleware.</summary>
public sealed class ResponsesChatClientTests
{
    private const string ReasoningSummary = "Simulated reasoning about the question.";

    private static JsonElement Body(RecordedRequest request) => JsonDocument.Parse(request.Body).RootElement;

    [Fact]
    public async Task A_text_answer_round_trips_with_ids_usage_options_and_the_typed_response_as_raw_representation()
    {
        await using Simulated sim = await Simulated.StartAsync();
        using IChatClient chat = sim.Client.AsIChatClient("gpt-5.4");

        ChatResponse response = await chat.GetResponseAsync("What is 2+2?", new ChatOptions { Instructions = "Be brief.", Temperature = 0.5f, MaxOutputTokens = 50, TopP = 0.9f });

        Assert.Equal("Simulated answer to: What is 2+2?", response.Text);
        Assert.StartsWith("resp_sim_", response.ResponseId, StringComparison.Ordinal);
        Assert.Equal(response.ResponseId, response.ConversationId);
        Assert.Equal("gpt-5.4", response.ModelId);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.True(response.Usage!.InputTokenCount > 0);
        Assert.Equal(response.Usage.InputTokenCount + response.Usage.OutputTokenCount, response.Usage.TotalTokenCount);
        Response raw = Assert.IsType<Response>(response.RawRepresentation);
        Assert.Equal(response.ResponseId, raw.Id);
        Assert.StartsWith("msg_sim_", response.Messages.Single().MessageId, StringComparison.Ordinal);

        JsonElement sent = Body(sim.Rest.Requests.Single());
        Assert.Equal("/v1/responses", sim.Rest.Requests.Single().Path);
        Assert.Equal("Be brief.", sent.GetProperty("instructions").GetString());
        Assert.Equal(0.5, sent.GetProperty("temperature").GetDouble(), 3);
        Assert.Equal(50, sent.GetProperty("max_output_tokens").GetInt32());
        JsonElement message = sent.GetProperty("input")[0];
        Assert.Equal("user", message.GetProperty("role").GetString());
        Assert.Equal("input_text", message.GetProperty("content")[0].GetProperty("type").GetString());

        Assert.Same(sim.Client, chat.GetService<OpenAIClient>());
        Assert.Same(chat, chat.GetService<OpenAIResponsesChatClient>());
        ChatClientMetadata metadata = chat.GetService<ChatClientMetadata>()!;
        Assert.Equal(("openai", sim.Rest.BaseUrl, "gpt-5.4"), (metadata.ProviderName, metadata.ProviderUri, metadata.DefaultModelId));
        Assert.Null(chat.GetService<OpenAIClient>("a key"));
    }

    [Fact]
    public async Task FunctionInvokingChatClient_runs_the_tool_and_sends_its_result_back_as_a_function_call_output()
    {
        await using Simulated sim = await Simulated.StartAsync();
        var cities = new List<string>();
        AIFunction weather = AIFunctionFactory.Create(
            ([Description("The city")] string city) => { cities.Add(city); return $"Sunny in {city}"; },
            "get_weather",
            "Gets the weather in a city.");
        using IChatClient chat = new ChatClientBuilder(sim.Client.AsIChatClient("gpt-5.4")).UseFunctionInvocation().Build();

        ChatResponse response = await chat.GetResponseAsync("Weather in Paris?", new ChatOptions { Tools = [weather] });

        Assert.Equal(["sim"], cities);
        // FunctionInvokingChatClient hands the result over as JSON, and the output is its JSON text (a quoted string), as Microsoft's adapter sends it.
        Assert.Equal("The tool answered: \"Sunny in sim\"", response.Text);
        FunctionCallContent call = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Single();
        FunctionResultContent result = response.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Single();
        Assert.Equal(("get_weather", call.CallId), (call.Name, result.CallId));
        Assert.Equal("sim", call.Arguments!["city"]?.ToString());

        IReadOnlyList<RecordedRequest> requests = sim.Rest.Requests;
        Assert.Equal(2, requests.Count);
        JsonElement tool = Body(requests[0]).GetProperty("tools")[0];
        Assert.Equal(("function", "get_weather"), (tool.GetProperty("type").GetString(), tool.GetProperty("name").GetString()));
        Assert.Equal("string", tool.GetProperty("parameters").GetProperty("properties").GetProperty("city").GetProperty("type").GetString());
        // The first answer's ConversationId is its response id, so FunctionInvokingChatClient sends only the tool's output,
        // chained to it by previous_response_id (the server keeps the call).
        JsonElement secondBody = Body(requests[1]);
        Assert.Equal(response.Messages[0].Contents.OfType<FunctionCallContent>().Any() ? Assert.IsType<Response>(response.RawRepresentation).PreviousResponseId : null, secondBody.GetProperty("previous_response_id").GetString());
        JsonElement sentOutput = secondBody.GetProperty("input").EnumerateArray().Single(i => i.TryGetProperty("type", out JsonElement t) && t.GetString() == "function_call_output");
        Assert.Equal(call.CallId, sentOutput.GetProperty("call_id").GetString());
        Assert.Equal("\"Sunny in sim\"", sentOutput.GetProperty("output").GetString());
    }

    [Fact]
    public async Task FunctionInvokingChatClient_runs_the_tool_from_a_streamed_function_call()
    {
        await using Simulated sim = await Simulated.StartAsync();
        int calls = 0;
        AIFunction weather = AIFunctionFactory.Create((string city) => { calls++; return "Rain"; }, "get_weather");
        using IChatClient chat = new ChatClientBuilder(sim.Client.AsIChatClient("gpt-5.4")).UseFunctionInvocation().Build();

        List<ChatResponseUpdate> updates = [];
        await foreach (ChatResponseUpdate update in chat.GetStreamingResponseAsync("Weather?", new ChatOptions { Tools = [weather] }))
        {
            updates.Add(update);
        }

        Assert.Equal(1, calls);
        Assert.Equal("The tool answered: \"Rain\"", string.Concat(updates.Where(u => u.Role == ChatRole.Assistant).Select(u => u.Text)));
        Assert.Contains(updates, u => u.FinishReason == ChatFinishReason.ToolCalls);
        Assert.Equal(2, sim.Rest.Requests.Count);
        Assert.All(sim.Rest.Requests, r => Assert.True(Body(r).GetProperty("stream").GetBoolean()));
    }

    [Fact]
    public async Task Streamed_updates_arrive_typed_and_in_order_reasoning_then_text_then_usage()
    {
        await using Simulated sim = await Simulated.StartAsync();
        using IChatClient chat = sim.Client.AsIChatClient("gpt-5.4");
        var options = new ChatOptions { Reasoning = new ReasoningOptions { Effort = ReasoningEffort.Low, Output = ReasoningOutput.Summary } };

        List<ChatResponseUpdate> updates = [];
        await foreach (ChatResponseUpdate update in chat.GetStreamingResponseAsync("Tell me a story", options))
        {
            updates.Add(update);
        }

        string[] order = updates.Select(u => u.Contents.Single() switch
        {
            TextReasoningContent => "reasoning",
            TextContent => "text",
            UsageContent => "usage",
            var other => other.GetType().Name,
        }).Distinct().ToArray();
        Assert.Equal(["reasoning", "text", "usage"], order);
        Assert.Equal(ReasoningSummary, string.Concat(updates.SelectMany(u => u.Contents).OfType<TextReasoningContent>().Select(r => r.Text)));
        Assert.True(updates.Count(u => u.Contents.Single() is TextContent) > 1, "the text came in one piece, not streamed");
        Assert.Equal("Simulated answer to: Tell me a story", string.Concat(updates.Select(u => u.Text)));
        long[] sequence = updates.Select(u => Assert.IsType<ResponseStreamEvent>(u.RawRepresentation)).Select(e => e.Kind switch
        {
            ResponseStreamEventKind.ResponseOutputTextDelta => e.AsResponseOutputTextDelta().SequenceNumber,
            ResponseStreamEventKind.ResponseReasoningSummaryTextDelta => e.AsResponseReasoningSummaryTextDelta().SequenceNumber,
            ResponseStreamEventKind.ResponseCompleted => e.AsResponseCompleted().SequenceNumber,
            _ => -1,
        }).ToArray();
        Assert.Equal(sequence.Order(), sequence);
        Assert.DoesNotContain(-1L, sequence);
        ChatResponseUpdate last = updates[^1];
        Assert.Equal(ChatFinishReason.Stop, last.FinishReason);
        Assert.True(Assert.IsType<UsageContent>(last.Contents.Single()).Details.ReasoningTokenCount > 0);
        Assert.All(updates, u => Assert.Equal((updates[0].ResponseId, ChatRole.Assistant, "gpt-5.4"), (u.ResponseId, u.Role!.Value, u.ModelId)));

        ChatResponse whole = updates.ToChatResponse();
        Assert.Equal("Simulated answer to: Tell me a story", whole.Text);
        JsonElement reasoning = Body(sim.Rest.Requests.Single()).GetProperty("reasoning");
        Assert.Equal(("low", "auto"), (reasoning.GetProperty("effort").GetString(), reasoning.GetProperty("summary").GetString()));
    }

    [Fact]
    public async Task ConversationId_continues_a_response_by_previous_response_id_or_a_conversation_by_its_id()
    {
        await using Simulated sim = await Simulated.StartAsync();
        using IChatClient chat = sim.Client.AsIChatClient("gpt-5.4");

        ChatResponse first = await chat.GetResponseAsync("Hello");
        ChatResponse second = await chat.GetResponseAsync("And then?", new ChatOptions { ConversationId = first.ConversationId });
        ChatResponse inConversation = await chat.GetResponseAsync("Hi", new ChatOptions { ConversationId = "conv_sim_123" });

        JsonElement[] sent = sim.Rest.Requests.Select(Body).ToArray();
        Assert.False(sent[0].TryGetProperty("previous_response_id", out _));
        Assert.Equal(first.ResponseId, sent[1].GetProperty("previous_response_id").GetString());
        Assert.Equal(first.ResponseId, Assert.IsType<Response>(second.RawRepresentation).PreviousResponseId);
        Assert.NotEqual(first.ResponseId, second.ResponseId);
        Assert.Equal("conv_sim_123", sent[2].GetProperty("conversation").GetString());
        Assert.False(sent[2].TryGetProperty("previous_response_id", out _));
        Assert.Equal("conv_sim_123", inConversation.ConversationId);
    }

    private sealed record City(string Name, int Population);

    [Fact]
    public async Task Structured_output_from_ChatResponseFormat_sends_the_json_schema_and_reads_the_typed_result()
    {
        await using Simulated sim = await Simulated.StartAsync();
        using IChatClient chat = sim.Client.AsIChatClient("gpt-5.4");

        ChatResponse<City> city = await chat.GetResponseAsync<City>("The biggest city?");

        Assert.Equal(new City("sim", 1), city.Result);
        JsonElement format = Body(sim.Rest.Requests.Single()).GetProperty("text").GetProperty("format");
        Assert.Equal("json_schema", format.GetProperty("type").GetString());
        Assert.True(format.GetProperty("strict").GetBoolean());
        Assert.Equal("integer", format.GetProperty("schema").GetProperty("properties").GetProperty("population").GetProperty("type").GetString());

        await chat.GetResponseAsync("Any JSON", new ChatOptions { ResponseFormat = ChatResponseFormat.Json });
        Assert.Equal("json_object", Body(sim.Rest.Requests[^1]).GetProperty("text").GetProperty("format").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Reasoning_effort_and_summary_are_sent_and_the_reasoning_comes_back_as_TextReasoningContent()
    {
        await using Simulated sim = await Simulated.StartAsync();
        using IChatClient chat = sim.Client.AsIChatClient("gpt-5.4");

        ChatResponse response = await chat.GetResponseAsync("Think", new ChatOptions { Reasoning = new ReasoningOptions { Effort = ReasoningEffort.ExtraHigh, Output = ReasoningOutput.Full } });

        JsonElement reasoning = Body(sim.Rest.Requests.Single()).GetProperty("reasoning");
        Assert.Equal(("xhigh", "detailed"), (reasoning.GetProperty("effort").GetString(), reasoning.GetProperty("summary").GetString()));
        Assert.Equal(ReasoningSummary, response.Messages.Single().Contents.OfType<TextReasoningContent>().Single().Text);
        Assert.True(response.Usage!.ReasoningTokenCount > 0);
    }

    [Fact]
    public async Task Images_and_files_go_as_input_image_and_input_file_and_audio_is_refused_with_the_reason()
    {
        await using Simulated sim = await Simulated.StartAsync();
        using IChatClient chat = sim.Client.AsIChatClient("gpt-5.4");
        byte[] png = [0x89, 0x50, 0x4E, 0x47];
        var message = new ChatMessage(ChatRole.User,
        [
            new TextContent("What is in these?"),
            new DataContent(png, "image/png"),
            new UriContent("https://example.com/cat.jpg", "image/jpeg"),
            new DataContent("%PDF-1.4"u8.ToArray(), "application/pdf") { Name = "report.pdf" },
            new HostedFileContent("file-abc123"),
        ]);

        ChatResponse response = await chat.GetResponseAsync([message]);

        Assert.Equal("Simulated answer to: What is in these? [input_image] [input_image] [input_file] [input_file]", response.Text);
        JsonElement[] parts = Body(sim.Rest.Requests.Single()).GetProperty("input")[0].GetProperty("content").EnumerateArray().ToArray();
        Assert.Equal("data:image/png;base64," + Convert.ToBase64String(png), parts[1].GetProperty("image_url").GetString());
        Assert.Equal("https://example.com/cat.jpg", parts[2].GetProperty("image_url").GetString());
        Assert.Equal(("report.pdf", "data:application/pdf;base64,JVBERi0xLjQ="), (parts[3].GetProperty("filename").GetString(), parts[3].GetProperty("file_data").GetString()));
        Assert.Equal("file-abc123", parts[4].GetProperty("file_id").GetString());

        var audio = new ChatMessage(ChatRole.User, [new DataContent(new byte[] { 1, 2 }, "audio/wav")]);
        var refused = await Assert.ThrowsAsync<NotSupportedException>(() => chat.GetResponseAsync([audio]));
        Assert.Contains("Chat Completions", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_RawRepresentationFactory_request_is_the_starting_point_and_is_not_changed()
    {
        await using Simulated sim = await Simulated.StartAsync();
        using IChatClient chat = sim.Client.AsIChatClient("gpt-5.4");
        var template = new CreateResponse { Store = false, SafetyIdentifier = "user-42", Instructions = "From the template." };

        await chat.GetResponseAsync("Hi", new ChatOptions { RawRepresentationFactory = _ => template, Instructions = "From the options." });
        await chat.GetResponseAsync("Again", new ChatOptions { RawRepresentationFactory = _ => template });

        JsonElement sent = Body(sim.Rest.Requests[0]);
        Assert.False(sent.GetProperty("store").GetBoolean());
        Assert.Equal("user-42", sent.GetProperty("safety_identifier").GetString());
        Assert.Equal("From the template.", sent.GetProperty("instructions").GetString());
        Assert.Single(Body(sim.Rest.Requests[1]).GetProperty("input").EnumerateArray());
        Assert.Null(template.Input);
    }

    [Fact]
    public async Task Server_errors_are_the_SDKs_typed_exceptions_and_carry_no_key()
    {
        await using Simulated sim = await Simulated.StartAsync();
        using IChatClient chat = sim.Client.AsIChatClient("gpt-5.4");
        sim.Rest.AddFault(RestFaultKind.TooManyRequests, "/responses");

        var limited = await Assert.ThrowsAsync<RateLimitException>(() => chat.GetResponseAsync("Hi"));

        Assert.Equal(429, limited.Status);
        Assert.DoesNotContain("sk-meai-test", limited.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stream_with_an_error_event_or_without_its_final_event_fails_with_an_OpenAIException()
    {
        string body = "";
        await using LoopbackServer server = await LoopbackServer.StartAsync(async context =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync(body);
        });
        var client = new OpenAIClient(new OpenAIClientOptions { ApiKey = "sk-secret-stream", BaseUrl = server.BaseUrl, MaxRetries = 0 });
        using IChatClient chat = client.AsIChatClient("gpt-5.4");

        body = "event: error\ndata: {\"type\":\"error\",\"code\":\"server_overloaded\",\"message\":\"Try later.\",\"param\":null,\"sequence_number\":1}\n\n";
        var error = await Assert.ThrowsAsync<OpenAIException>(async () => { await foreach (var _ in chat.GetStreamingResponseAsync("Hi")) { } });
        Assert.Equal(("server_overloaded", "Try later."), (error.ErrorCode, error.ErrorMessage));

        body = "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"item_id\":\"m\",\"output_index\":0,\"content_index\":0,\"delta\":\"Hel\",\"sequence_number\":1,\"logprobs\":[]}\n\n";
        var cut = await Assert.ThrowsAsync<OpenAIException>(async () => { await foreach (var _ in chat.GetStreamingResponseAsync("Hi")) { } });
        Assert.Equal("malformed_response", cut.ErrorCode);
        Assert.DoesNotContain("sk-secret-stream", cut.ToString() + error.ToString(), StringComparison.Ordinal);
    }
}
