using System;
using System.Collections.Generic;
using System.Linq;
using Generated.OpenAI.Models;
using Generated.OpenAI.Serialization;
using Microsoft.Extensions.AI;
using TextContent = Microsoft.Extensions.AI.TextContent;
using MeaiReasoningEffort = Microsoft.Extensions.AI.ReasoningEffort;
using ApiReasoningEffort = Generated.OpenAI.Models.ReasoningEffort;

namespace Generated.OpenAI.Extensions.AI.Chat;

/// <summary>MEAI's messages and <see cref="ChatOptions"/> as a Chat Completions <see cref="CreateChatCompletionRequest"/>.</summary>
internal static class ChatCompletionsRequestBuilder
{
    public static CreateChatCompletionRequest Build(IEnumerable<ChatMessage> messages, ChatOptions? options, IChatClient client, string? defaultModel, bool stream)
    {
        List<ChatCompletionRequestMessage> wire = [];
        if (options?.Instructions is { } instructions)
        {
            wire.Add(new ChatCompletionRequestSystemMessage { Content = instructions });
        }

        foreach (ChatMessage message in messages)
        {
            AddMessage(wire, message);
        }

        CreateChatCompletionRequest request = options?.RawRepresentationFactory?.Invoke(client) is CreateChatCompletionRequest raw
            ? JsonModelCopy.Of(raw)
            : new CreateChatCompletionRequest { Messages = [], Model = OpenAIProvider.Model(options?.ModelId, defaultModel, "chat client") };
        foreach (ChatCompletionRequestMessage message in wire)
        {
            request.Messages.Add(message);
        }

        if (options?.ModelId is { } model)
        {
            request.Model = model;
        }

        if (stream)
        {
            request.StreamOptions ??= new ChatCompletionStreamOptions { IncludeUsage = true };
        }

        if (options is null)
        {
            return request;
        }

        request.Temperature ??= options.Temperature;
        request.TopP ??= options.TopP;
        request.MaxCompletionTokens ??= options.MaxOutputTokens;
        request.FrequencyPenalty ??= options.FrequencyPenalty;
        request.PresencePenalty ??= options.PresencePenalty;
#pragma warning disable CS0618 // seed is deprecated in the spec but still accepted, and MEAI has the option
        request.Seed ??= options.Seed;
#pragma warning restore CS0618
        if (options.Reasoning?.Effort is { } effort)
        {
            request.ReasoningEffort ??= effort switch
            {
                MeaiReasoningEffort.None => ApiReasoningEffort.None,
                MeaiReasoningEffort.Low => ApiReasoningEffort.Low,
                MeaiReasoningEffort.Medium => ApiReasoningEffort.Medium,
                MeaiReasoningEffort.High => ApiReasoningEffort.High,
                _ => ApiReasoningEffort.Xhigh,
            };
        }

        if (options.ResponseFormat is { } format && request.ResponseFormat is null)
        {
            request.ResponseFormat = format switch
            {
                ChatResponseFormatJson { Schema: { } schema } json => new ResponseFormatJsonSchema
                {
                    JsonSchema = new ResponseFormatJsonSchemaJsonSchema { Name = json.SchemaName ?? "response", Description = json.SchemaDescription, Schema = schema, Strict = true },
                },
                ChatResponseFormatJson => new ResponseFormatJsonObject(),
                _ => new ResponseFormatText(),
            };
        }

        if (options.Tools is { Count: > 0 } tools)
        {
            request.Tools ??= [];
            foreach (AITool tool in tools)
            {
                if (tool is not AIFunctionDeclaration function)
                {
                    throw new NotSupportedException($"The Chat Completions chat client sends function tools only; '{tool.Name}' ({tool.GetType().Name}) is not one.");
                }

                System.Text.Json.JsonElement parameters = System.Text.Json.JsonSerializer.SerializeToElement(ToolJson.Parameters(function), AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(IDictionary<string, System.Text.Json.JsonElement>)));
                request.Tools.Add(new ChatCompletionTool { Function = new FunctionObject { Name = function.Name, Description = function.Description, Parameters = parameters, Strict = false } });
            }

            request.ParallelToolCalls ??= options.AllowMultipleToolCalls;
        }

        if (options.ToolMode is { } mode && request.ToolChoice is null)
        {
            request.ToolChoice = mode switch
            {
                NoneChatToolMode => ChatCompletionToolChoiceOptionToolChoiceMode.None,
                RequiredChatToolMode { RequiredFunctionName: { } name } => new ChatCompletionNamedToolChoice { Function = new ChatCompletionNamedToolChoiceFunction { Name = name } },
                RequiredChatToolMode => ChatCompletionToolChoiceOptionToolChoiceMode.Required,
                _ => ChatCompletionToolChoiceOptionToolChoiceMode.Auto,
            };
        }

        return request;
    }

    private static void AddMessage(List<ChatCompletionRequestMessage> wire, ChatMessage message)
    {
        if (message.RawRepresentation is ChatCompletionRequestMessage raw)
        {
            wire.Add(raw);
        }
        else if (message.Role == ChatRole.System)
        {
            wire.Add(new ChatCompletionRequestSystemMessage { Content = message.Text, Name = message.AuthorName });
        }
        else if (message.Role == ChatRole.User)
        {
            List<ChatCompletionRequestUserMessageContentPart> parts = message.Contents.Select(Part).ToList();
            wire.Add(new ChatCompletionRequestUserMessage { Content = ChatCompletionRequestUserMessageContent.FromArrayOfContentParts(parts), Name = message.AuthorName });
        }
        else if (message.Role == ChatRole.Assistant)
        {
            List<ChatCompletionMessageToolCallsItem> calls = message.Contents.OfType<FunctionCallContent>()
                .Select(c => ChatCompletionMessageToolCallsItem.FromFunction(new ChatCompletionMessageToolCall
                {
                    Id = c.CallId,
                    Function = new ChatCompletionMessageToolCallFunction { Name = c.Name, Arguments = ToolJson.Arguments(c.Arguments) },
                }))
                .ToList();
            string text = string.Concat(message.Contents.OfType<TextContent>().Select(t => t.Text));
            var assistant = new ChatCompletionRequestAssistantMessage { Name = message.AuthorName };
            if (text.Length > 0 || calls.Count == 0)
            {
                assistant.Content = text;
            }

            if (calls.Count > 0)
            {
                assistant.ToolCalls = calls;
            }

            wire.Add(assistant);
        }
        else if (message.Role == ChatRole.Tool)
        {
            foreach (FunctionResultContent result in message.Contents.OfType<FunctionResultContent>())
            {
                wire.Add(new ChatCompletionRequestToolMessage { ToolCallId = result.CallId, Content = ToolJson.Result(result) });
            }
        }
        else
        {
            throw new NotSupportedException($"The Chat Completions chat client has no message for the role '{message.Role}'.");
        }
    }

    private static ChatCompletionRequestUserMessageContentPart Part(AIContent content) => content switch
    {
        { RawRepresentation: ChatCompletionRequestUserMessageContentPart raw } => raw,
        TextContent text => new ChatCompletionRequestMessageContentPartText { Text = text.Text },
        DataContent data when data.HasTopLevelMediaType("image") => new ChatCompletionRequestMessageContentPartImage { ImageUrl = new ChatCompletionRequestMessageContentPartImageUrl { Url = data.Uri } },
        UriContent uri when uri.HasTopLevelMediaType("image") => new ChatCompletionRequestMessageContentPartImage { ImageUrl = new ChatCompletionRequestMessageContentPartImageUrl { Url = uri.Uri.ToString() } },
        DataContent data when data.HasTopLevelMediaType("audio") => new ChatCompletionRequestMessageContentPartAudio
        {
            InputAudio = new ChatCompletionRequestMessageContentPartAudioInputAudio
            {
                Data = Base64Data.FromBytes(data.Data),
                Format = data.MediaType is "audio/mpeg" or "audio/mp3"
                    ? ChatCompletionRequestMessageContentPartAudioInputAudioFormat.Mp3
                    : ChatCompletionRequestMessageContentPartAudioInputAudioFormat.Wav,
            },
        },
        DataContent data => new ChatCompletionRequestMessageContentPartFile { File = new ChatCompletionRequestMessageContentPartFileFile { FileData = Base64Data.FromBytes(data.Data), Filename = data.Name ?? "file" } },
        HostedFileContent file => new ChatCompletionRequestMessageContentPartFile { File = new ChatCompletionRequestMessageContentPartFileFile { FileId = file.FileId } },
        _ => throw new NotSupportedException($"The Chat Completions chat client cannot send {content.GetType().Name} in a user message."),
    };
}
