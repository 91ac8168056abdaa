using System;
using System.Collections.Generic;
using System.Text;
using Generated.OpenAI.Models;
using Microsoft.Extensions.AI;
using TextContent = Microsoft.Extensions.AI.TextContent;

namespace Generated.OpenAI.Extensions.AI.Chat;

/// <summary>
/// One Chat Completions stream as MEAI updates: text deltas as they come; tool-call chunks gathered by index and
/// given as <see cref="FunctionCallContent"/>s with the chunk that carries the finish reason; usage (asked for with
/// <c>stream_options.include_usage</c>) on the last chunk.
/// </summary>
/// <remarks>Not thread-safe: one reader per stream.</remarks>
internal sealed class ChatCompletionsStreamReader
{
    private readonly SortedDictionary<long, (string? Id, string? Name, StringBuilder Arguments)> _calls = [];

    public ChatResponseUpdate? Read(CreateChatCompletionStreamResponse chunk)
    {
        var contents = new List<AIContent>();
        ChatFinishReason? finish = null;
        foreach (CreateChatCompletionStreamChoice choice in chunk.Choices)
        {
            if (choice.Index != 0)
            {
                continue;
            }

            if (choice.Delta.Content is { Length: > 0 } text)
            {
                contents.Add(new TextContent(text));
            }

            if (choice.Delta.Refusal is { Length: > 0 } refusal)
            {
                contents.Add(new ErrorContent(refusal) { ErrorCode = "refusal" });
            }

            foreach (ChatCompletionMessageToolCallChunk call in choice.Delta.ToolCalls ?? [])
            {
                if (!_calls.TryGetValue(call.Index, out var pending))
                {
                    pending = (null, null, new StringBuilder());
                }

                _calls[call.Index] = (call.Id ?? pending.Id, call.Function?.Name ?? pending.Name, pending.Arguments.Append(call.Function?.Arguments));
            }

            if (choice.FinishReason is { } reason)
            {
                finish = ChatCompletionsResultReader.FinishReason(reason.ToString());
                foreach ((string? id, string? name, StringBuilder arguments) in _calls.Values)
                {
                    if (id is null || name is null)
                    {
                        throw OpenAIServerException.Malformed("a streamed chat completion", "a tool call ended without its id or name");
                    }

                    contents.Add(ToolJson.Call(id, name, arguments.ToString()));
                }

                _calls.Clear();
            }
        }

        if (ChatCompletionsResultReader.Usage(chunk.Usage) is { } usage)
        {
            contents.Add(new UsageContent(usage));
        }

        if (contents.Count == 0 && finish is null)
        {
            return null;
        }

        return new ChatResponseUpdate(ChatRole.Assistant, contents)
        {
            ResponseId = chunk.Id,
            MessageId = chunk.Id,
            ModelId = chunk.Model,
            CreatedAt = DateTimeOffset.FromUnixTimeSeconds(chunk.Created),
            FinishReason = finish,
            RawRepresentation = chunk,
        };
    }
}
