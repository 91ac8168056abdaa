using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Generated.OpenAI.Extensions.AI.Chat;
using Generated.OpenAI.Models;
using Generated.OpenAI.Serialization;
using Microsoft.Extensions.AI;
using TextContent = Microsoft.Extensions.AI.TextContent;
using MeaiItem = Microsoft.Extensions.AI.RealtimeConversationItem;
using ApiItem = Generated.OpenAI.Models.RealtimeConversationItem;
using ApiStatus = Generated.OpenAI.Models.RealtimeResponseStatus;
using MeaiStatus = Microsoft.Extensions.AI.RealtimeResponseStatus;

namespace Generated.OpenAI.Extensions.AI.Realtime;

/// <summary>
/// This SDK's typed server events as MEAI's realtime messages. Every message's <see cref="RealtimeServerMessage.RawRepresentation"/>
/// is the <see cref="RealtimeServerEvent"/> it came from and its <see cref="RealtimeServerMessage.MessageId"/> the event's
/// <c>event_id</c>; events MEAI has no message for are <see cref="RealtimeServerMessageType.RawContentOnly"/>.
/// </summary>
/// <remarks>
/// A function call's <c>response.output_item.done</c> is held back until its <c>response.done</c>, then given just before
/// it: <c>FunctionInvokingRealtimeClient</c> answers a call at once with the output and a <c>response.create</c>, and
/// OpenAI refuses a <c>response.create</c> while a response is in flight (<c>conversation_already_has_active_response</c>).
/// Not thread-safe: one reader per session.
/// </remarks>
internal sealed class RealtimeServerMessageReader
{
    private readonly List<RealtimeServerMessage> _heldCalls = [];

    /// <summary>The messages one event gives, in order: none (a call held back), one, or the held calls then <c>response.done</c>.</summary>
    public void Read(RealtimeServerEvent serverEvent, List<RealtimeServerMessage> messages)
    {
        switch (serverEvent.Value)
        {
            case RealtimeServerEventResponseOutputItemDone done when done.Item.IsFunctionCall:
                _heldCalls.Add(OutputItem(RealtimeServerMessageType.ResponseOutputItemDone, done.ResponseId, done.OutputIndex, done.Item, done.EventId, serverEvent));
                return;
            case RealtimeServerEventResponseDone done:
                messages.AddRange(_heldCalls);
                _heldCalls.Clear();
                messages.Add(Response(RealtimeServerMessageType.ResponseDone, done.Response, done.EventId, serverEvent));
                return;
            default:
                messages.Add(Message(serverEvent));
                return;
        }
    }

    private static RealtimeServerMessage Message(RealtimeServerEvent serverEvent) => serverEvent.Value switch
    {
        RealtimeServerEventResponseCreated e => Response(RealtimeServerMessageType.ResponseCreated, e.Response, e.EventId, serverEvent),
        RealtimeServerEventResponseOutputItemAdded e => OutputItem(RealtimeServerMessageType.ResponseOutputItemAdded, e.ResponseId, e.OutputIndex, e.Item, e.EventId, serverEvent),
        RealtimeServerEventResponseOutputItemDone e => OutputItem(RealtimeServerMessageType.ResponseOutputItemDone, e.ResponseId, e.OutputIndex, e.Item, e.EventId, serverEvent),
        RealtimeServerEventConversationItemAdded e => OutputItem(RealtimeServerMessageType.ConversationItemAdded, null, null, e.Item, e.EventId, serverEvent),
        RealtimeServerEventConversationItemDone e => OutputItem(RealtimeServerMessageType.ConversationItemDone, null, null, e.Item, e.EventId, serverEvent),
        RealtimeServerEventResponseAudioDelta e => new OutputTextAudioRealtimeServerMessage(RealtimeServerMessageType.OutputAudioDelta)
        {
            ResponseId = e.ResponseId,
            ItemId = e.ItemId,
            OutputIndex = (int)e.OutputIndex,
            ContentIndex = (int)e.ContentIndex,
            Audio = Base64Text(e.Delta),
            MessageId = e.EventId,
            RawRepresentation = serverEvent,
        },
        RealtimeServerEventResponseAudioDone e => new OutputTextAudioRealtimeServerMessage(RealtimeServerMessageType.OutputAudioDone)
        {
            ResponseId = e.ResponseId,
            ItemId = e.ItemId,
            OutputIndex = (int)e.OutputIndex,
            ContentIndex = (int)e.ContentIndex,
            MessageId = e.EventId,
            RawRepresentation = serverEvent,
        },
        RealtimeOutputTranscriptDelta e => TextMessage(RealtimeServerMessageType.OutputAudioTranscriptionDelta, e.ResponseId, e.ItemId, e.OutputIndex, e.ContentIndex, e.Delta, e.EventId, serverEvent),
        RealtimeOutputTranscriptDone e => TextMessage(RealtimeServerMessageType.OutputAudioTranscriptionDone, e.ResponseId, e.ItemId, e.OutputIndex, e.ContentIndex, e.Transcript, e.EventId, serverEvent),
        RealtimeServerEventResponseTextDelta e => TextMessage(RealtimeServerMessageType.OutputTextDelta, e.ResponseId, e.ItemId, e.OutputIndex, e.ContentIndex, e.Delta, e.EventId, serverEvent),
        RealtimeServerEventResponseTextDone e => TextMessage(RealtimeServerMessageType.OutputTextDone, e.ResponseId, e.ItemId, e.OutputIndex, e.ContentIndex, e.Text, e.EventId, serverEvent),
        RealtimeInputTranscriptionDelta e => new InputAudioTranscriptionRealtimeServerMessage(RealtimeServerMessageType.InputAudioTranscriptionDelta)
        {
            ItemId = e.ItemId,
            ContentIndex = e.ContentIndex is { } index ? (int)index : null,
            Transcription = e.Delta,
            MessageId = e.EventId,
            RawRepresentation = serverEvent,
        },
        RealtimeInputTranscriptionCompleted e => new InputAudioTranscriptionRealtimeServerMessage(RealtimeServerMessageType.InputAudioTranscriptionCompleted)
        {
            ItemId = e.ItemId,
            ContentIndex = (int)e.ContentIndex,
            Transcription = e.Transcript,
            MessageId = e.EventId,
            RawRepresentation = serverEvent,
        },
        RealtimeInputTranscriptionFailed e => new InputAudioTranscriptionRealtimeServerMessage(RealtimeServerMessageType.InputAudioTranscriptionFailed)
        {
            ItemId = e.ItemId,
            ContentIndex = (int)e.ContentIndex,
            Error = new ErrorContent(e.Error.Message) { ErrorCode = e.Error.Code, Details = e.Error.Param },
            MessageId = e.EventId,
            RawRepresentation = serverEvent,
        },
        RealtimeServerEventError e => new ErrorRealtimeServerMessage
        {
            Error = new ErrorContent(e.Error.Message) { ErrorCode = e.Error.Code, Details = e.Error.Param },
            OriginatingMessageId = e.Error.EventId,
            MessageId = e.EventId,
            RawRepresentation = serverEvent,
        },
        _ => new RealtimeServerMessage { Type = RealtimeServerMessageType.RawContentOnly, RawRepresentation = serverEvent },
    };

    private static OutputTextAudioRealtimeServerMessage TextMessage(RealtimeServerMessageType type, string responseId, string itemId, long outputIndex, long contentIndex, string text, string eventId, RealtimeServerEvent serverEvent) => new(type)
    {
        ResponseId = responseId,
        ItemId = itemId,
        OutputIndex = (int)outputIndex,
        ContentIndex = (int)contentIndex,
        Text = text,
        MessageId = eventId,
        RawRepresentation = serverEvent,
    };

    private static ResponseOutputItemRealtimeServerMessage OutputItem(RealtimeServerMessageType type, string? responseId, long? outputIndex, ApiItem item, string eventId, RealtimeServerEvent serverEvent) => new(type)
    {
        ResponseId = responseId,
        OutputIndex = outputIndex is { } index ? (int)index : null,
        Item = Item(item),
        MessageId = eventId,
        RawRepresentation = serverEvent,
    };

    private static ResponseCreatedRealtimeServerMessage Response(RealtimeServerMessageType type, RealtimeResponse response, string eventId, RealtimeServerEvent serverEvent) => new(type)
    {
        ResponseId = response.Id,
        Status = response.Status switch
        {
            null => null,
            ApiStatus.Completed => MeaiStatus.Completed,
            ApiStatus.Cancelled => MeaiStatus.Cancelled,
            ApiStatus.Failed => MeaiStatus.Failed,
            ApiStatus.Incomplete => MeaiStatus.Incomplete,
            _ => "in_progress",
        },
        Error = response.StatusDetails?.Error is { } error ? new ErrorContent(error.Type) { ErrorCode = error.Code } : null,
        Usage = response.Usage is { } usage ? new UsageDetails
        {
            InputTokenCount = usage.InputTokens,
            OutputTokenCount = usage.OutputTokens,
            TotalTokenCount = usage.TotalTokens,
            CachedInputTokenCount = usage.InputTokenDetails?.CachedTokens,
            InputAudioTokenCount = usage.InputTokenDetails?.AudioTokens,
            InputTextTokenCount = usage.InputTokenDetails?.TextTokens,
            OutputAudioTokenCount = usage.OutputTokenDetails?.AudioTokens,
            OutputTextTokenCount = usage.OutputTokenDetails?.TextTokens,
        } : null,
        OutputModalities = response.OutputModalities?.Select(m => m == RealtimeResponseOutputModality.Text ? "text" : "audio").ToList(),
        MaxOutputTokens = response.MaxOutputTokens is { Kind: RealtimeResponseMaxOutputTokensKind.Integer } max ? (int)max.AsInteger() : null,
        Items = response.Output?.Select(Item).ToList(),
        MessageId = eventId,
        RawRepresentation = serverEvent,
    };

    /// <summary>An API item as MEAI's: a function call as <see cref="FunctionCallContent"/>, an output as <see cref="FunctionResultContent"/>, a message's parts as text and audio.</summary>
    public static MeaiItem Item(ApiItem item)
    {
        switch (item.Kind)
        {
            case RealtimeConversationItemKind.FunctionCall:
                RealtimeConversationItemFunctionCall call = item.AsFunctionCall();
                FunctionCallContent content = ToolJson.Call(call.CallId ?? string.Empty, call.Name, call.Arguments);
                content.RawRepresentation = call;
                return new MeaiItem([content], call.Id) { RawRepresentation = item };
            case RealtimeConversationItemKind.FunctionCallOutput:
                RealtimeConversationItemFunctionCallOutput output = item.AsFunctionCallOutput();
                return new MeaiItem([new FunctionResultContent(output.CallId, output.Output)], output.Id) { RawRepresentation = item };
            case RealtimeConversationItemKind.MessageAssistant:
                RealtimeConversationItemMessageAssistant assistant = item.AsMessageAssistant();
                var said = new List<AIContent>();
                foreach (RealtimeConversationItemMessageAssistantContentItem part in assistant.Content)
                {
                    AddPart(said, part.Text, part.Audio, part.Transcript);
                }

                return new MeaiItem(said, assistant.Id, ChatRole.Assistant) { RawRepresentation = item };
            case RealtimeConversationItemKind.MessageUser:
                RealtimeConversationItemMessageUser user = item.AsMessageUser();
                var heard = new List<AIContent>();
                foreach (RealtimeConversationItemMessageUserContentItem part in user.Content)
                {
                    AddPart(heard, part.Text, part.Audio, part.Transcript);
                    if (part.ImageUrl is { } url)
                    {
                        heard.Add(url.StartsWith("data:", StringComparison.Ordinal) ? new DataContent(url) : new UriContent(url, "image/*"));
                    }
                }

                return new MeaiItem(heard, user.Id, ChatRole.User) { RawRepresentation = item };
            case RealtimeConversationItemKind.MessageSystem:
                RealtimeConversationItemMessageSystem system = item.AsMessageSystem();
                return new MeaiItem(system.Content.Where(p => p.Text is not null).Select(p => (AIContent)new TextContent(p.Text)).ToList(), system.Id, ChatRole.System) { RawRepresentation = item };
            default:
                return new MeaiItem([]) { RawRepresentation = item };
        }
    }

    private static void AddPart(List<AIContent> contents, string? text, Base64Data? audio, string? transcript)
    {
        if (text is not null)
        {
            contents.Add(new TextContent(text));
        }

        if (audio is { IsEmpty: false } data)
        {
            contents.Add(new DataContent(data.ToMemory(), "audio/pcm"));
        }

        if (transcript is not null)
        {
            contents.Add(new TextContent(transcript));
        }
    }

    /// <summary>
    /// The base64 text MEAI's <see cref="OutputTextAudioRealtimeServerMessage.Audio"/> wants, from the event's base64 as it
    /// arrived: one ASCII-to-UTF-16 widening, no decode and re-encode. (The copy MEAI's string property forces; an
    /// <see cref="Generated.OpenAI.Realtime.RealtimeAudioSink"/> on the session avoids it.)
    /// </summary>
    private static string Base64Text(Base64Data data) => data.IsEncoded
        ? Encoding.ASCII.GetString(data.EncodedUtf8.Span)
        : Convert.ToBase64String(data.ToMemory().Span);
}
