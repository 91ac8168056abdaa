using System;
using System.Collections.Generic;
using System.Linq;
using Generated.OpenAI.Models;
using Microsoft.Extensions.AI;
using TextContent = Microsoft.Extensions.AI.TextContent;
using MeaiReasoningEffort = Microsoft.Extensions.AI.ReasoningEffort;
using ApiReasoningEffort = Generated.OpenAI.Models.ReasoningEffort;

namespace Generated.OpenAI.Extensions.AI.Chat;

/// <summary>MEAI's messages and <see cref="ChatOptions"/> as a Responses API <see cref="CreateResponse"/>.</summary>
internal static class ResponsesRequestBuilder
{
    /// <summary>
    /// Builds the request. A <see cref="CreateResponse"/> from <see cref="ChatOptions.RawRepresentationFactory"/> is the
    /// starting point; what it leaves unset is filled from the options. A <see cref="ChatOptions.ConversationId"/> that
    /// starts with <c>conv_</c> is a conversation; any other is the previous response's id.
    /// </summary>
    public static CreateResponse Build(IEnumerable<ChatMessage> messages, ChatOptions? options, IChatClient client, string? defaultModel)
    {
        CreateResponse request = options?.RawRepresentationFactory?.Invoke(client) is CreateResponse raw ? JsonModelCopy.Of(raw) : new CreateResponse();
        if (string.IsNullOrEmpty(request.Model?.Value))
        {
            request.Model = OpenAIProvider.Model(options?.ModelId, defaultModel, "chat client");
        }

        List<InputItem> input = request.Input is { } existing && existing.TryGetInputItemList(out IList<InputItem>? items) ? [.. items] : [];
        foreach (ChatMessage message in messages)
        {
            AddMessage(input, message);
        }

        request.Input = InputParam.FromInputItemList(input);
        if (options is null)
        {
            return request;
        }

        if (options.Instructions is { } instructions && !request.InstructionsSpecified)
        {
            request.Instructions = instructions;
        }

        if (options.Temperature is { } temperature && !request.TemperatureSpecified)
        {
            request.Temperature = temperature;
        }

        if (options.TopP is { } topP && !request.TopPSpecified)
        {
            request.TopP = topP;
        }

        if (options.MaxOutputTokens is { } maxOutputTokens && !request.MaxOutputTokensSpecified)
        {
            request.MaxOutputTokens = maxOutputTokens;
        }

        if (options.ConversationId is { Length: > 0 } conversationId && !request.PreviousResponseIdSpecified && !request.ConversationSpecified)
        {
            if (conversationId.StartsWith("conv_", StringComparison.Ordinal))
            {
                request.Conversation = ConversationParam.FromConversationID(conversationId);
            }
            else
            {
                request.PreviousResponseId = conversationId;
            }
        }

        if (options.Reasoning is { } reasoning && !request.ReasoningSpecified)
        {
            request.Reasoning = new Reasoning
            {
                Effort = reasoning.Effort switch
                {
                    MeaiReasoningEffort.None => ApiReasoningEffort.None,
                    MeaiReasoningEffort.Low => ApiReasoningEffort.Low,
                    MeaiReasoningEffort.Medium => ApiReasoningEffort.Medium,
                    MeaiReasoningEffort.High => ApiReasoningEffort.High,
                    MeaiReasoningEffort.ExtraHigh => ApiReasoningEffort.Xhigh,
                    _ => null,
                },
                Summary = reasoning.Output switch
                {
                    ReasoningOutput.Summary => ReasoningSummary.Auto,
                    ReasoningOutput.Full => ReasoningSummary.Detailed,
                    _ => null,
                },
            };
        }

        if (options.ResponseFormat is { } format && request.Text?.Format is null)
        {
            request.Text ??= new ResponseTextParam();
            request.Text.Format = format switch
            {
                ChatResponseFormatJson { Schema: { } schema } json => new TextResponseFormatJsonSchema
                {
                    Name = json.SchemaName ?? "response",
                    Description = json.SchemaDescription,
                    Schema = schema,
                    Strict = true,
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
                if (tool is AIFunctionDeclaration function)
                {
                    request.Tools.Add(new FunctionTool
                    {
                        Name = function.Name,
                        Description = function.Description,
                        Parameters = ToolJson.Parameters(function),
                        Strict = false,
                    });
                }
                else
                {
                    throw new NotSupportedException($"The Responses chat client sends function tools only; '{tool.Name}' ({tool.GetType().Name}) is not one.");
                }
            }

            if (options.AllowMultipleToolCalls is { } parallel && !request.ParallelToolCallsSpecified)
            {
                request.ParallelToolCalls = parallel;
            }
        }

        if (options.ToolMode is { } mode && request.ToolChoice is null)
        {
            request.ToolChoice = mode switch
            {
                NoneChatToolMode => ToolChoiceOptions.None,
                RequiredChatToolMode { RequiredFunctionName: { } name } => new ToolChoiceFunction { Name = name },
                RequiredChatToolMode => ToolChoiceOptions.Required,
                _ => ToolChoiceOptions.Auto,
            };
        }

        return request;
    }

    private static void AddMessage(List<InputItem> input, ChatMessage message)
    {
        if (message.RawRepresentation is InputItem raw)
        {
            input.Add(raw);
            return;
        }

        if (message.Role == ChatRole.User || message.Role == ChatRole.System)
        {
            EasyInputMessageRole role = message.Role == ChatRole.User ? EasyInputMessageRole.User : EasyInputMessageRole.System;
            List<InputContent> parts = [];
            foreach (AIContent content in message.Contents)
            {
                parts.Add(InputPart(content));
            }

            input.Add(new EasyInputMessage { Role = role, Content = EasyInputMessageContent.FromInputMessageContentList(parts) });
            return;
        }

        if (message.Role == ChatRole.Assistant)
        {
            string text = string.Concat(message.Contents.OfType<TextContent>().Select(t => t.Text));
            if (text.Length > 0)
            {
                input.Add(new EasyInputMessage { Role = EasyInputMessageRole.Assistant, Content = text });
            }

            foreach (FunctionCallContent call in message.Contents.OfType<FunctionCallContent>())
            {
                input.Add(InputItem.FromItem(new FunctionToolCall { CallId = call.CallId, Name = call.Name, Arguments = ToolJson.Arguments(call.Arguments) }));
            }

            return;
        }

        if (message.Role == ChatRole.Tool)
        {
            foreach (FunctionResultContent result in message.Contents.OfType<FunctionResultContent>())
            {
                input.Add(InputItem.FromItem(new FunctionCallOutputItemParam { CallId = result.CallId, Output = ToolJson.Result(result) }));
            }

            return;
        }

        throw new NotSupportedException($"The Responses chat client has no input item for the role '{message.Role}'.");
    }

    private static InputContent InputPart(AIContent content) => content switch
    {
        { RawRepresentation: InputContent raw } => raw,
        TextContent text => new InputTextContent { Text = text.Text },
        DataContent data when data.HasTopLevelMediaType("image") => new InputImageContent { ImageUrl = data.Uri, Detail = ImageDetail.Auto },
        UriContent uri when uri.HasTopLevelMediaType("image") => new InputImageContent { ImageUrl = uri.Uri.ToString(), Detail = ImageDetail.Auto },
        HostedFileContent file when file.HasTopLevelMediaType("image") => new InputImageContent { FileId = file.FileId, Detail = ImageDetail.Auto },
        DataContent data when data.HasTopLevelMediaType("audio") => throw new NotSupportedException(
            "The Responses API takes no audio input; use the Chat Completions chat client (AsIChatClient with OpenAIChatApi.ChatCompletions) for audio."),
        DataContent data => new InputFileContent { FileData = data.Uri, Filename = data.Name ?? "file" },
        UriContent uri => new InputFileContent { FileUrl = uri.Uri.ToString() },
        HostedFileContent file => new InputFileContent { FileId = file.FileId },
        _ => throw new NotSupportedException($"The Responses chat client cannot send {content.GetType().Name} in a message."),
    };
}
