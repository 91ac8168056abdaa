using System;
using System.Collections.Generic;
using Generated.OpenAI.Models;
using Microsoft.Extensions.AI;
using TextContent = Microsoft.Extensions.AI.TextContent;

namespace Generated.OpenAI.Extensions.AI.Chat;

/// <summary>
/// One Responses stream as MEAI updates, in the order the events arrive: text and reasoning deltas as they come, a
/// function call when its item is done (its arguments complete), and a last update with the usage and finish reason.
/// Events MEAI has no content for (lifecycle, part boundaries, hosted tools' progress) become no update; the raw event
/// is on every update's <see cref="ChatResponseUpdate.RawRepresentation"/>.
/// </summary>
/// <remarks>Not thread-safe: one reader per stream.</remarks>
internal sealed class ResponsesStreamReader
{
    private string? _responseId;
    private string? _conversationId;
    private string? _modelId;
    private DateTimeOffset? _createdAt;
    private bool _sawFunctionCall;
    private bool _finished;

    /// <summary>Whether the stream's final event (<c>response.completed</c> or <c>response.incomplete</c>) has been read.</summary>
    public bool Finished => _finished;

    /// <summary>The update for one event, or <see langword="null"/> when the event carries nothing MEAI represents.</summary>
    public ChatResponseUpdate? Read(ResponseStreamEvent streamEvent)
    {
        switch (streamEvent.Kind)
        {
            case ResponseStreamEventKind.ResponseCreated:
                Remember(streamEvent.AsResponseCreated().Response);
                return null;
            case ResponseStreamEventKind.ResponseInProgress:
                Remember(streamEvent.AsResponseInProgress().Response);
                return null;
            case ResponseStreamEventKind.ResponseOutputTextDelta:
                ResponseTextDeltaEvent text = streamEvent.AsResponseOutputTextDelta();
                return Update(streamEvent, text.ItemId, new TextContent(text.Delta));
            case ResponseStreamEventKind.ResponseRefusalDelta:
                ResponseRefusalDeltaEvent refusal = streamEvent.AsResponseRefusalDelta();
                return Update(streamEvent, refusal.ItemId, new ErrorContent(refusal.Delta) { ErrorCode = "refusal" });
            case ResponseStreamEventKind.ResponseReasoningSummaryTextDelta:
                ResponseReasoningSummaryTextDeltaEvent summary = streamEvent.AsResponseReasoningSummaryTextDelta();
                return Update(streamEvent, summary.ItemId, new TextReasoningContent(summary.Delta));
            case ResponseStreamEventKind.ResponseReasoningTextDelta:
                ResponseReasoningTextDeltaEvent reasoning = streamEvent.AsResponseReasoningTextDelta();
                return Update(streamEvent, reasoning.ItemId, new TextReasoningContent(reasoning.Delta));
            case ResponseStreamEventKind.ResponseOutputItemDone:
                OutputItem item = streamEvent.AsResponseOutputItemDone().Item;
                if (item.TryGetFunctionCall(out FunctionToolCall? call))
                {
                    _sawFunctionCall = true;
                    FunctionCallContent content = ToolJson.Call(call.CallId, call.Name, call.Arguments);
                    content.RawRepresentation = item;
                    return Update(streamEvent, call.Id, content);
                }

                if (item.TryGetReasoning(out ReasoningItem? reasoningItem) && reasoningItem.EncryptedContent is { } encrypted)
                {
                    return Update(streamEvent, reasoningItem.Id, new TextReasoningContent(string.Empty) { ProtectedData = encrypted });
                }

                return null;
            case ResponseStreamEventKind.ResponseCompleted:
                return Finish(streamEvent, streamEvent.AsResponseCompleted().Response);
            case ResponseStreamEventKind.ResponseIncomplete:
                return Finish(streamEvent, streamEvent.AsResponseIncomplete().Response);
            case ResponseStreamEventKind.ResponseFailed:
                Response failed = streamEvent.AsResponseFailed().Response;
                ResponsesResultReader.ThrowIfFailed(failed, null);
                throw OpenAIServerException.Failed($"response {failed.Id}", null, "response.failed without an error");
            case ResponseStreamEventKind.Error:
                ResponseErrorEvent error = streamEvent.AsError();
                throw OpenAIServerException.Failed("a response stream", error.Code, error.Message);
            default:
                return null;
        }
    }

    private void Remember(Response response)
    {
        _responseId = response.Id;
        _conversationId = ResponsesResultReader.ConversationId(response);
        _modelId = response.Model.Value;
        _createdAt = ResponsesResultReader.CreatedAt(response);
    }

    private ChatResponseUpdate Finish(ResponseStreamEvent streamEvent, Response response)
    {
        Remember(response);
        _finished = true;
        List<AIContent> contents = [];
        if (ResponsesResultReader.Usage(response.Usage) is { } usage)
        {
            contents.Add(new UsageContent(usage));
        }

        ChatResponseUpdate update = Update(streamEvent, null, contents);
        update.FinishReason = _sawFunctionCall && response.IncompleteDetails is null ? ChatFinishReason.ToolCalls : ResponsesResultReader.FinishReason(response);
        return update;
    }

    private ChatResponseUpdate Update(ResponseStreamEvent streamEvent, string? messageId, AIContent content) => Update(streamEvent, messageId, [content]);

    private ChatResponseUpdate Update(ResponseStreamEvent streamEvent, string? messageId, IList<AIContent> contents) => new(ChatRole.Assistant, contents)
    {
        ResponseId = _responseId,
        ConversationId = _conversationId,
        ModelId = _modelId,
        CreatedAt = _createdAt,
        MessageId = messageId,
        RawRepresentation = streamEvent,
    };
}
