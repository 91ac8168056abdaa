using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;

namespace Generated.OpenAI.Simulator;

/// <summary>
/// The answers of <see cref="RestSimulatorOptions.AnswerFromRequest"/>: <c>POST /responses</c>, <c>POST /embeddings</c> and images
/// computed from the request instead of copied from the spec's example, so that a client can run a tool loop, continue
/// a conversation, ask for structured output, and embed a batch. Deterministic: the same request gives the same answer
/// except for the ids, which count up per simulator.
/// </summary>
/// <remarks>
/// Responses: an input holding a <c>function_call_output</c> is answered with a message quoting that output; otherwise
/// a request with a function tool is answered with a <c>function_call</c> to the first function tool (arguments made
/// from its parameter schema); otherwise a message (<c>Simulated answer to: …</c>, or a JSON value made from the
/// <c>text.format</c> JSON schema). A <c>reasoning.effort</c> other than <c>none</c> adds a reasoning item first.
/// The field set comes from the spec's own example response, so that strict readers find every required field.
/// Chat Completions: the same rules over <c>messages</c> (a <c>tool</c> message last is quoted; else a function tool is
/// called; else <c>Simulated answer to: …</c>), streamed as chunks with usage last when <c>stream_options.include_usage</c>.
/// Embeddings: one vector per input, <c>dimensions</c> long (8 by default), float or base64 as asked. Images
/// (generations and edits): <c>n</c> copies of a valid 1×1 PNG as <c>b64_json</c> (the spec's example has <c>"..."</c>).
/// </remarks>
internal sealed partial class SimulatedModel
{
    public const string AnswerPrefix = "Simulated answer to: ";
    public const string ToolAnswerPrefix = "The tool answered: ";
    public const string ReasoningSummary = "Simulated reasoning about the question.";
    public const int DefaultEmbeddingDimensions = 8;

    private readonly byte[] _responseTemplate;
    private long _counter;

    public SimulatedModel(byte[] responseTemplate) => _responseTemplate = responseTemplate;

    /// <summary>A 1×1 PNG: the image every simulated image answer carries.</summary>
    public static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    public RestResponseBody? TryAnswer(string pathTemplate, byte[] body, bool stream)
    {
        if (pathTemplate == "/images/edits")
        {
            // Multipart: one image, whatever was asked.
            return Json(Images(1));
        }

        JsonObject? request;
        try
        {
            request = JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }

        if (request is null)
        {
            return null;
        }

        return pathTemplate switch
        {
            "/responses" => stream ? StreamResponse(request) : Json(BuildResponse(request, "completed")),
            "/chat/completions" => stream ? StreamChatCompletion(request) : Json(BuildChatCompletion(request)),
            "/embeddings" => Json(Embeddings(request)),
            "/images/generations" => Json(Images(request["n"] is JsonValue n && n.TryGetValue(out int count) && count > 0 ? count : 1)),
            _ => null,
        };
    }

    private static RestResponseBody Json(JsonNode node) => new("application/json", Encoding.UTF8.GetBytes(node.ToJsonString()));

    private JsonObject BuildResponse(JsonObject request, string status)
    {
        long n = Interlocked.Increment(ref _counter);
        var response = (JsonObject)JsonNode.Parse(_responseTemplate)!;
        response["id"] = "resp_sim_" + n.ToString("x8", CultureInfo.InvariantCulture);
        response["status"] = status;
        response["model"] = request["model"]?.GetValue<string>() ?? "gpt-5.4";
        response["previous_response_id"] = request["previous_response_id"]?.DeepClone();
        response["instructions"] = request["instructions"]?.DeepClone();
        response["tools"] = request["tools"]?.DeepClone() ?? new JsonArray();
        if (request["conversation"] is JsonNode conversation)
        {
            response["conversation"] = new JsonObject { ["id"] = conversation is JsonValue ? conversation.GetValue<string>() : conversation["id"]?.GetValue<string>() };
        }

        if (request["text"] is JsonObject text)
        {
            response["text"] = text.DeepClone();
        }

        string? effort = request["reasoning"]?["effort"]?.GetValue<string>();
        response["reasoning"] = new JsonObject { ["effort"] = effort, ["summary"] = null };

        var output = new JsonArray();
        long reasoningTokens = 0;
        if (effort is not null and not "none")
        {
            output.Add(new JsonObject
            {
                ["type"] = "reasoning",
                ["id"] = $"rs_sim_{n:x8}",
                ["summary"] = new JsonArray(new JsonObject { ["type"] = "summary_text", ["text"] = ReasoningSummary }),
            });
            reasoningTokens = Words(ReasoningSummary);
        }

        string? toolOutput = LastFunctionCallOutput(request);
        JsonObject? function = toolOutput is null ? FirstFunctionTool(request) : null;
        string outputText;
        if (function is not null)
        {
            string arguments = ArgumentsFor(function["parameters"] as JsonObject).ToJsonString();
            output.Add(new JsonObject
            {
                ["type"] = "function_call",
                ["id"] = $"fc_sim_{n:x8}",
                ["call_id"] = $"call_sim_{n:x8}",
                ["name"] = function["name"]?.GetValue<string>(),
                ["arguments"] = arguments,
                ["status"] = "completed",
            });
            outputText = arguments;
        }
        else
        {
            outputText = toolOutput is not null
                ? ToolAnswerPrefix + toolOutput
                : request["text"]?["format"] is JsonObject { } format && format["type"]?.GetValue<string>() == "json_schema"
                    ? ValueFor(format["schema"] as JsonObject).ToJsonString()
                    : AnswerPrefix + LastUserText(request);
            output.Add(new JsonObject
            {
                ["type"] = "message",
                ["id"] = $"msg_sim_{n:x8}",
                ["status"] = "completed",
                ["role"] = "assistant",
                ["content"] = new JsonArray(new JsonObject { ["type"] = "output_text", ["text"] = outputText, ["annotations"] = new JsonArray(), ["logprobs"] = new JsonArray() }),
            });
        }

        response["output"] = output;
        // Counted from the texts, not the JSON, so that two clients that shape the same request differently are billed alike.
        long inputTokens = Words(LastUserText(request)) + Words(request["instructions"]?.GetValue<string>() ?? string.Empty) + Words(toolOutput ?? string.Empty);
        long outputTokens = Words(outputText) + reasoningTokens;
        response["usage"] = new JsonObject
        {
            ["input_tokens"] = inputTokens,
            ["input_tokens_details"] = new JsonObject { ["cached_tokens"] = 0 },
            ["output_tokens"] = outputTokens,
            ["output_tokens_details"] = new JsonObject { ["reasoning_tokens"] = reasoningTokens },
            ["total_tokens"] = inputTokens + outputTokens,
        };
        return response;
    }

    private RestResponseBody StreamResponse(JsonObject request)
    {
        JsonObject final = BuildResponse(request, "completed");
        var events = new List<byte[]>();
        long sequence = 0;
        void Add(string type, JsonObject payload)
        {
            var data = new JsonObject { ["type"] = type };
            foreach ((string key, JsonNode? value) in payload)
            {
                data[key] = value?.DeepClone();
            }

            data["sequence_number"] = sequence++;
            events.Add(Encoding.UTF8.GetBytes($"event: {type}\ndata: {data.ToJsonString()}\n\n"));
        }

        var created = (JsonObject)final.DeepClone();
        created["status"] = "in_progress";
        created["output"] = new JsonArray();
        created["usage"] = null;
        Add("response.created", new JsonObject { ["response"] = created });
        Add("response.in_progress", new JsonObject { ["response"] = created.DeepClone() });

        var output = (JsonArray)final["output"]!;
        for (int index = 0; index < output.Count; index++)
        {
            var item = (JsonObject)output[index]!;
            string itemId = item["id"]!.GetValue<string>();
            var added = (JsonObject)item.DeepClone();
            switch (item["type"]!.GetValue<string>())
            {
                case "reasoning":
                    added["summary"] = new JsonArray();
                    Add("response.output_item.added", new JsonObject { ["output_index"] = index, ["item"] = added });
                    var part = new JsonObject { ["type"] = "summary_text", ["text"] = "" };
                    Add("response.reasoning_summary_part.added", new JsonObject { ["item_id"] = itemId, ["output_index"] = index, ["summary_index"] = 0, ["part"] = part });
                    foreach (string piece in Pieces(ReasoningSummary))
                    {
                        Add("response.reasoning_summary_text.delta", new JsonObject { ["item_id"] = itemId, ["output_index"] = index, ["summary_index"] = 0, ["delta"] = piece });
                    }

                    Add("response.reasoning_summary_text.done", new JsonObject { ["item_id"] = itemId, ["output_index"] = index, ["summary_index"] = 0, ["text"] = ReasoningSummary });
                    Add("response.reasoning_summary_part.done", new JsonObject { ["item_id"] = itemId, ["output_index"] = index, ["summary_index"] = 0, ["part"] = new JsonObject { ["type"] = "summary_text", ["text"] = ReasoningSummary } });
                    break;
                case "function_call":
                    string arguments = item["arguments"]!.GetValue<string>();
                    added["arguments"] = "";
                    added["status"] = "in_progress";
                    Add("response.output_item.added", new JsonObject { ["output_index"] = index, ["item"] = added });
                    foreach (string piece in Halves(arguments))
                    {
                        Add("response.function_call_arguments.delta", new JsonObject { ["item_id"] = itemId, ["output_index"] = index, ["delta"] = piece });
                    }

                    Add("response.function_call_arguments.done", new JsonObject { ["item_id"] = itemId, ["output_index"] = index, ["name"] = item["name"]?.DeepClone(), ["arguments"] = arguments });
                    break;
                default:
                    string text = item["content"]![0]!["text"]!.GetValue<string>();
                    added["content"] = new JsonArray();
                    added["status"] = "in_progress";
                    Add("response.output_item.added", new JsonObject { ["output_index"] = index, ["item"] = added });
                    var emptyPart = new JsonObject { ["type"] = "output_text", ["text"] = "", ["annotations"] = new JsonArray(), ["logprobs"] = new JsonArray() };
                    Add("response.content_part.added", new JsonObject { ["item_id"] = itemId, ["output_index"] = index, ["content_index"] = 0, ["part"] = emptyPart });
                    foreach (string piece in Pieces(text))
                    {
                        Add("response.output_text.delta", new JsonObject { ["item_id"] = itemId, ["output_index"] = index, ["content_index"] = 0, ["delta"] = piece, ["logprobs"] = new JsonArray() });
                    }

                    Add("response.output_text.done", new JsonObject { ["item_id"] = itemId, ["output_index"] = index, ["content_index"] = 0, ["text"] = text, ["logprobs"] = new JsonArray() });
                    Add("response.content_part.done", new JsonObject { ["item_id"] = itemId, ["output_index"] = index, ["content_index"] = 0, ["part"] = item["content"]![0]!.DeepClone() });
                    break;
            }

            Add("response.output_item.done", new JsonObject { ["output_index"] = index, ["item"] = item.DeepClone() });
        }

        Add("response.completed", new JsonObject { ["response"] = final });
        return new RestResponseBody("text/event-stream", [], events);
    }

    private static JsonObject Images(int count)
    {
        var data = new JsonArray();
        for (int i = 0; i < count; i++)
        {
            data.Add(new JsonObject { ["b64_json"] = Convert.ToBase64String(Png) });
        }

        return new JsonObject
        {
            ["created"] = 1713833628,
            ["data"] = data,
            ["output_format"] = "png",
            ["usage"] = new JsonObject
            {
                ["total_tokens"] = 100,
                ["input_tokens"] = 50,
                ["output_tokens"] = 50,
                ["input_tokens_details"] = new JsonObject { ["text_tokens"] = 10, ["image_tokens"] = 40 },
            },
        };
    }

    private static JsonObject Embeddings(JsonObject request)
    {
        int dimensions = request["dimensions"] is JsonValue d && d.TryGetValue(out int asked) && asked > 0 ? asked : DefaultEmbeddingDimensions;
        bool base64 = request["encoding_format"]?.GetValue<string>() == "base64";
        JsonNode? input = request["input"];
        string[] inputs = input switch
        {
            JsonArray array => array.Select(x => x is JsonValue v && v.TryGetValue(out string? s) ? s : x?.ToJsonString() ?? "").ToArray(),
            JsonValue value when value.TryGetValue(out string? s) => [s],
            _ => [],
        };
        var data = new JsonArray();
        long tokens = 0;
        for (int i = 0; i < inputs.Length; i++)
        {
            float[] vector = Vector(inputs[i], dimensions);
            tokens += Words(inputs[i]);
            JsonNode embedding = base64
                ? JsonValue.Create(Convert.ToBase64String(System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector.AsSpan())))
                : new JsonArray(vector.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
            data.Add(new JsonObject { ["object"] = "embedding", ["index"] = i, ["embedding"] = embedding });
        }

        return new JsonObject
        {
            ["object"] = "list",
            ["data"] = data,
            ["model"] = request["model"]?.GetValue<string>() ?? "text-embedding-3-small",
            ["usage"] = new JsonObject { ["prompt_tokens"] = tokens, ["total_tokens"] = tokens },
        };
    }

    /// <summary>A unit vector from the text's characters: the same text always gives the same vector.</summary>
    internal static float[] Vector(string text, int dimensions)
    {
        var vector = new float[dimensions];
        for (int i = 0; i < text.Length; i++)
        {
            vector[i % dimensions] += text[i] % 17 + 1;
        }

        double norm = Math.Sqrt(vector.Sum(v => (double)v * v));
        for (int i = 0; i < dimensions; i++)
        {
            vector[i] = norm == 0 ? 0 : (float)(vector[i] / norm);
        }

        return vector;
    }

    private static string? LastFunctionCallOutput(JsonObject request)
    {
        if (request["input"] is not JsonArray items)
        {
            return null;
        }

        JsonNode? last = items.LastOrDefault(i => i?["type"]?.GetValue<string>() == "function_call_output");
        return last?["output"] switch
        {
            JsonValue value when value.TryGetValue(out string? s) => s,
            JsonNode node => node.ToJsonString(),
            _ => null,
        };
    }

    private static JsonObject? FirstFunctionTool(JsonObject request)
    {
        if (request["tool_choice"] is JsonValue choice && choice.TryGetValue(out string? mode) && mode == "none")
        {
            return null;
        }

        return (request["tools"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(t => t["type"]?.GetValue<string>() == "function");
    }

    private static string LastUserText(JsonObject request)
    {
        JsonNode? input = request["input"];
        if (input is JsonValue value && value.TryGetValue(out string? text))
        {
            return text;
        }

        if (input is JsonArray items)
        {
            foreach (JsonNode? item in items.Reverse())
            {
                if (item?["role"]?.GetValue<string>() != "user")
                {
                    continue;
                }

                JsonNode? content = item["content"];
                if (content is JsonValue v && v.TryGetValue(out string? s))
                {
                    return s;
                }

                if (content is JsonArray parts)
                {
                    return string.Join(" ", parts.Select(p => p?["type"]?.GetValue<string>() == "input_text" ? p["text"]?.GetValue<string>() : $"[{p?["type"]?.GetValue<string>()}]"));
                }
            }
        }

        return string.Empty;
    }

    private static JsonObject ArgumentsFor(JsonObject? schema)
    {
        var arguments = new JsonObject();
        if (schema?["properties"] is JsonObject properties)
        {
            foreach ((string name, JsonNode? property) in properties)
            {
                arguments[name] = ValueFor(property as JsonObject);
            }
        }

        return arguments;
    }

    private static JsonNode ValueFor(JsonObject? schema)
    {
        string? type = schema?["type"] switch
        {
            JsonValue v when v.TryGetValue(out string? s) => s,
            JsonArray a => a.Select(x => x?.GetValue<string>()).FirstOrDefault(t => t != "null"),
            _ => null,
        };
        if (schema?["enum"] is JsonArray values && values.Count > 0)
        {
            return values[0]!.DeepClone();
        }

        return type switch
        {
            "object" => ArgumentsFor(schema),
            "array" => new JsonArray(ValueFor(schema?["items"] as JsonObject)),
            "integer" => JsonValue.Create(1),
            "number" => JsonValue.Create(1.5),
            "boolean" => JsonValue.Create(true),
            _ => JsonValue.Create("sim"),
        };
    }

    private static long Words(string text) => text.Split([' ', '\n', '"', ',', ':'], StringSplitOptions.RemoveEmptyEntries).Length;

    private static IEnumerable<string> Pieces(string text)
    {
        int start = 0;
        for (int i = 1; i <= text.Length; i++)
        {
            if (i == text.Length || text[i] == ' ')
            {
                yield return text[start..i];
                start = i;
            }
        }
    }

    private static IEnumerable<string> Halves(string text)
    {
        int middle = text.Length / 2;
        yield return text[..middle];
        yield return text[middle..];
    }
}
