using System;
using System.Collections.Generic;
using System.Linq;
using Generated.OpenAI.Models;
using Microsoft.Extensions.AI;
using TextContent = Microsoft.Extensions.AI.TextContent;

namespace Generated.OpenAI.Extensions.AI.Chat;

/// <summary>A Responses API <see cref="Response"/> as MEAI's <see cref="ChatResponse"/>, and the pieces the stream reader shares with it.</summary>
internal static class ResponsesResultReader
{
    /// <summary>Maps the whole response; a failed one is an <see cref="Http.OpenAIException"/> with the server's code and message.</summary>
    public static ChatResponse Read(Response response, string? requestId)
    {
        ThrowIfFailed(response, requestId);
        var message = new ChatMessage(ChatRole.Assistant, Contents(response.Output))
        {
            MessageId = response.Output.LastOrDefault(i => i.IsMessage)?.AsMessage().Id,
            CreatedAt = CreatedAt(response),
        };
        return new ChatResponse(message)
        {
            ResponseId = response.Id,
            ConversationId = ConversationId(response),
            ModelId = response.Model.Value,
            CreatedAt = CreatedAt(response),
            FinishReason = FinishReason(response),
            Usage = Usage(response.Usage),
            RawRepresentation = response,
        };
    }

    /// <summary>The contents of the output items, in order: text, refusals (as errors), reasoning, function calls.</summary>
    public static List<AIContent> Contents(IEnumerable<OutputItem> output)
    {
        var contents = new List<AIContent>();
        foreach (OutputItem item in output)
        {
            contents.AddRange(Contents(item));
        }

        return contents;
    }

    /// <summary>The contents of one output item (nothing for item kinds MEAI has no content for; the item stays in the raw response).</summary>
    public static IEnumerable<AIContent> Contents(OutputItem item)
    {
        if (item.TryGetMessage(out OutputMessage? message))
        {
            foreach (OutputMessageContent part in message.Content)
            {
                if (part.TryGetOutputText(out OutputTextContent? text))
                {
                    yield return new TextContent(text.Text) { RawRepresentation = part };
                }
                else if (part.TryGetRefusal(out RefusalContent? refusal))
                {
                    yield return new ErrorContent(refusal.Refusal) { ErrorCode = "refusal", RawRepresentation = part };
                }
            }
        }
        else if (item.TryGetFunctionCall(out FunctionToolCall? call))
        {
            FunctionCallContent content = ToolJson.Call(call.CallId, call.Name, call.Arguments);
            content.RawRepresentation = item;
            yield return content;
        }
        else if (item.TryGetReasoning(out ReasoningItem? reasoning))
        {
            string text = string.Join("\n", reasoning.Summary.Select(s => s.Text).Concat(reasoning.Content?.Select(c => c.Text) ?? []));
            yield return new TextReasoningContent(text) { ProtectedData = reasoning.EncryptedContent, RawRepresentation = item };
        }
    }

    /// <summary>The conversation's id when the response belongs to one, else the response's own id (the next call's <c>previous_response_id</c>).</summary>
    public static string ConversationId(Response response) => response.Conversation?.Id ?? response.Id;

    public static DateTimeOffset CreatedAt(Response response) => DateTimeOffset.FromUnixTimeMilliseconds((long)(response.CreatedAt * 1000));

    public static ChatFinishReason? FinishReason(Response response)
    {
        if (response.IncompleteDetails?.Reason is { } reason)
        {
            return reason == ResponseIncompleteDetailsReason.ContentFilter ? ChatFinishReason.ContentFilter : ChatFinishReason.Length;
        }

        if (response.Output.Any(i => i.IsFunctionCall))
        {
            return ChatFinishReason.ToolCalls;
        }

        return response.Status is ResponseStatus.Completed or null ? ChatFinishReason.Stop : null;
    }

    public static UsageDetails? Usage(ResponseUsage? usage) => usage is null ? null : new UsageDetails
    {
        InputTokenCount = usage.InputTokens,
        OutputTokenCount = usage.OutputTokens,
        TotalTokenCount = usage.TotalTokens,
        CachedInputTokenCount = usage.InputTokensDetails?.CachedTokens,
        ReasoningTokenCount = usage.OutputTokensDetails?.ReasoningTokens,
    };

    public static void ThrowIfFailed(Response response, string? requestId)
    {
        if (response.Status == ResponseStatus.Failed || response.Error is not null)
        {
            throw OpenAIServerException.Failed($"response {response.Id}", response.Error?.Code.ToJsonString(), response.Error?.Message, requestId);
        }
    }
}
