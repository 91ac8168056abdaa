using System;
using System.Collections.Generic;
using Generated.OpenAI.Models;
using Microsoft.Extensions.AI;
using TextContent = Microsoft.Extensions.AI.TextContent;

namespace Generated.OpenAI.Extensions.AI.Chat;

/// <summary>A Chat Completions answer (whole or streamed) as MEAI's response and updates (the first choice; <c>n</c> is not asked for).</summary>
internal static class ChatCompletionsResultReader
{
    public static ChatResponse Read(CreateChatCompletionResponse completion)
    {
        if (completion.Choices.Count == 0)
        {
            throw OpenAIServerException.Malformed("a chat completion", "the answer has no choices");
        }

        CreateChatCompletionChoice choice = completion.Choices[0];
        var contents = new List<AIContent>();
        if (choice.Message.Content is { } text)
        {
            contents.Add(new TextContent(text));
        }

        if (choice.Message.Refusal is { } refusal)
        {
            contents.Add(new ErrorContent(refusal) { ErrorCode = "refusal" });
        }

        if (choice.Message.Audio is { } audio)
        {
            contents.Add(new DataContent(audio.Data.ToMemory(), "audio/wav") { RawRepresentation = audio });
        }

        foreach (ChatCompletionMessageToolCallsItem item in choice.Message.ToolCalls ?? [])
        {
            if (item.TryGetFunction(out ChatCompletionMessageToolCall? call))
            {
                FunctionCallContent content = ToolJson.Call(call.Id, call.Function.Name, call.Function.Arguments);
                content.RawRepresentation = item;
                contents.Add(content);
            }
        }

        DateTimeOffset created = DateTimeOffset.FromUnixTimeSeconds(completion.Created);
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, contents) { MessageId = completion.Id, CreatedAt = created, RawRepresentation = choice.Message })
        {
            ResponseId = completion.Id,
            ModelId = completion.Model,
            CreatedAt = created,
            FinishReason = FinishReason(choice.FinishReason.ToString()),
            Usage = Usage(completion.Usage),
            RawRepresentation = completion,
        };
    }

    public static ChatFinishReason? FinishReason(string? reason) => reason switch
    {
        null => null,
        "Stop" => ChatFinishReason.Stop,
        "Length" => ChatFinishReason.Length,
        "ToolCalls" or "FunctionCall" => ChatFinishReason.ToolCalls,
        "ContentFilter" => ChatFinishReason.ContentFilter,
        _ => new ChatFinishReason(reason),
    };

    public static UsageDetails? Usage(CompletionUsage? usage) => usage is null ? null : new UsageDetails
    {
        InputTokenCount = usage.PromptTokens,
        OutputTokenCount = usage.CompletionTokens,
        TotalTokenCount = usage.TotalTokens,
        CachedInputTokenCount = usage.PromptTokensDetails?.CachedTokens,
        ReasoningTokenCount = usage.CompletionTokensDetails?.ReasoningTokens,
        InputAudioTokenCount = usage.PromptTokensDetails?.AudioTokens,
        OutputAudioTokenCount = usage.CompletionTokensDetails?.AudioTokens,
    };
}
