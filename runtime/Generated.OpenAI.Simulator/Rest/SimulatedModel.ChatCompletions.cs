using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;

namespace Generated.OpenAI.Simulator;

/// <summary>
/// <c>POST /chat/completions</c> answered from the request: the Responses rules (<see cref="BuildResponse"/>) over
/// <c>messages</c>. A <c>tool</c> message last is answered with a message quoting it; otherwise a request with a function
/// tool (and no <c>tool_choice</c> of <c>none</c>) gets a <c>tool_calls</c> answer to the first one; otherwise the
/// assistant says <c>Simulated answer to: …</c>. Usage counts words of the texts, as the Responses answers do.
/// </summary>
internal sealed partial class SimulatedModel
{
    private const long ChatCreated = 1_741_569_952;

    private JsonObject BuildChatCompletion(JsonObject request)
    {
        ChatAnswer answer = AnswerChat(request);
        var message = new JsonObject { ["role"] = "assistant", ["content"] = answer.Text, ["refusal"] = null, ["annotations"] = new JsonArray() };
        if (answer.CallName is not null)
        {
            message["tool_calls"] = new JsonArray(new JsonObject
            {
                ["id"] = answer.CallId,
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = answer.CallName, ["arguments"] = answer.Arguments },
            });
        }

        return new JsonObject
        {
            ["id"] = answer.Id,
            ["object"] = "chat.completion",
            ["created"] = ChatCreated,
            ["model"] = answer.Model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = message,
                ["logprobs"] = null,
                ["finish_reason"] = answer.CallName is null ? "stop" : "tool_calls",
            }),
            ["usage"] = ChatUsage(answer),
            ["service_tier"] = "default",
        };
    }

    private RestResponseBody StreamChatCompletion(JsonObject request)
    {
        ChatAnswer answer = AnswerChat(request);
        bool includeUsage = request["stream_options"]?["include_usage"] is JsonValue value && value.TryGetValue(out bool include) && include;
        var events = new List<byte[]>();
        void Add(JsonObject? delta, string? finishReason, JsonObject? usage = null)
        {
            var chunk = new JsonObject
            {
                ["id"] = answer.Id,
                ["object"] = "chat.completion.chunk",
                ["created"] = ChatCreated,
                ["model"] = answer.Model,
                ["service_tier"] = "default",
                ["choices"] = delta is null
                    ? new JsonArray()
                    : new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["logprobs"] = null, ["finish_reason"] = finishReason }),
            };
            if (includeUsage)
            {
                chunk["usage"] = usage;
            }

            events.Add(Encoding.UTF8.GetBytes($"data: {chunk.ToJsonString()}\n\n"));
        }

        Add(new JsonObject { ["role"] = "assistant", ["content"] = answer.CallName is null ? string.Empty : null, ["refusal"] = null }, null);
        if (answer.CallName is null)
        {
            foreach (string piece in Pieces(answer.Text!))
            {
                Add(new JsonObject { ["content"] = piece }, null);
            }
        }
        else
        {
            Add(new JsonObject
            {
                ["tool_calls"] = new JsonArray(new JsonObject
                {
                    ["index"] = 0,
                    ["id"] = answer.CallId,
                    ["type"] = "function",
                    ["function"] = new JsonObject { ["name"] = answer.CallName, ["arguments"] = string.Empty },
                }),
            }, null);
            foreach (string piece in Halves(answer.Arguments!))
            {
                Add(new JsonObject { ["tool_calls"] = new JsonArray(new JsonObject { ["index"] = 0, ["function"] = new JsonObject { ["arguments"] = piece } }) }, null);
            }
        }

        Add(new JsonObject(), answer.CallName is null ? "stop" : "tool_calls");
        if (includeUsage)
        {
            Add(null, null, ChatUsage(answer));
        }

        events.Add("data: [DONE]\n\n"u8.ToArray());
        return new RestResponseBody("text/event-stream", [], events);
    }

    private ChatAnswer AnswerChat(JsonObject request)
    {
        long n = Interlocked.Increment(ref _counter);
        string id = "chatcmpl_sim_" + n.ToString("x8", CultureInfo.InvariantCulture);
        string model = request["model"]?.GetValue<string>() ?? "gpt-5.4";
        JsonObject[] messages = (request["messages"] as JsonArray)?.OfType<JsonObject>().ToArray() ?? [];
        string userText = messages.LastOrDefault(m => Role(m) == "user") is { } user ? ChatText(user["content"]) : string.Empty;
        string systemText = string.Join(" ", messages.Where(m => Role(m) is "system" or "developer").Select(m => ChatText(m["content"])));
        string? toolOutput = messages.LastOrDefault() is { } last && Role(last) == "tool" ? ChatText(last["content"]) : null;
        long inputTokens = Words(userText) + Words(systemText) + Words(toolOutput ?? string.Empty);

        JsonObject? function = toolOutput is null ? FirstChatFunctionTool(request) : null;
        if (function is not null)
        {
            string arguments = ArgumentsFor(function["parameters"] as JsonObject).ToJsonString();
            return new ChatAnswer(id, model, null, "call_sim_" + n.ToString("x8", CultureInfo.InvariantCulture), function["name"]?.GetValue<string>(), arguments, inputTokens, Words(arguments));
        }

        string text = toolOutput is not null ? ToolAnswerPrefix + toolOutput : AnswerPrefix + userText;
        return new ChatAnswer(id, model, text, null, null, null, inputTokens, Words(text));
    }

    private static JsonObject ChatUsage(ChatAnswer answer) => new()
    {
        ["prompt_tokens"] = answer.InputTokens,
        ["completion_tokens"] = answer.OutputTokens,
        ["total_tokens"] = answer.InputTokens + answer.OutputTokens,
        ["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = 0, ["audio_tokens"] = 0 },
        ["completion_tokens_details"] = new JsonObject { ["reasoning_tokens"] = 0, ["audio_tokens"] = 0 },
    };

    private static JsonObject? FirstChatFunctionTool(JsonObject request)
    {
        if (request["tool_choice"] is JsonValue choice && choice.TryGetValue(out string? mode) && mode == "none")
        {
            return null;
        }

        return (request["tools"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(t => t["type"]?.GetValue<string>() == "function")?["function"] as JsonObject;
    }

    private static string? Role(JsonObject message) => message["role"]?.GetValue<string>();

    /// <summary>A message's text: the string, or its text parts joined (other parts as <c>[type]</c>, as the Responses answers show them).</summary>
    private static string ChatText(JsonNode? content) => content switch
    {
        JsonValue value when value.TryGetValue(out string? text) => text,
        JsonArray parts => string.Join(" ", parts.Select(p => p?["type"]?.GetValue<string>() == "text" ? p["text"]?.GetValue<string>() : $"[{p?["type"]?.GetValue<string>()}]")),
        _ => string.Empty,
    };

    private sealed record ChatAnswer(string Id, string Model, string? Text, string? CallId, string? CallName, string? Arguments, long InputTokens, long OutputTokens);
}
