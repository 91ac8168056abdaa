using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using Generated.OpenAI.Extensions.AI.Chat;
using Generated.OpenAI.Models;
using Generated.OpenAI.Serialization;
using Microsoft.Extensions.AI;
using TextContent = Microsoft.Extensions.AI.TextContent;
using MeaiItem = Microsoft.Extensions.AI.RealtimeConversationItem;
using ApiItem = Generated.OpenAI.Models.RealtimeConversationItem;

namespace Generated.OpenAI.Extensions.AI.Realtime;

/// <summary>
/// MEAI's realtime options and client messages as this SDK's typed requests: <see cref="RealtimeSessionOptions"/> as a
/// <c>session.update</c> (voice agent or transcription), <see cref="CreateResponseRealtimeClientMessage"/> as
/// <c>response.create</c>, and MEAI's conversation items as <c>conversation.item.create</c> items.
/// </summary>
internal static class RealtimeRequestBuilder
{
    public static RealtimeSessionConfig VoiceSession(RealtimeSessionOptions options)
    {
        RealtimeSessionConfig session = options.RawRepresentationFactory?.Invoke() is RealtimeSessionConfig raw
            ? JsonModelCopy.Of(raw)
            : new RealtimeSessionConfig();
        session.Instructions ??= options.Instructions;
        if (options.OutputModalities is { Count: > 0 } modalities && session.OutputModalities is null)
        {
            session.OutputModalities = modalities.Select(m => m == "text" ? RealtimeSessionOutputModality.Text : RealtimeSessionOutputModality.Audio).ToList();
        }

        if (options.MaxOutputTokens is { } max && session.MaxOutputTokens is null)
        {
            session.MaxOutputTokens = RealtimeSessionMaxOutputTokens.FromInteger(max);
        }

        if (options.Tools is { Count: > 0 } tools)
        {
            session.Tools ??= [];
            foreach (RealtimeFunctionTool tool in FunctionTools(tools))
            {
                session.Tools.Add(RealtimeSessionTool.FromFunction(tool));
            }
        }

        if (options.ToolMode is { } mode && session.ToolChoice is null)
        {
            session.ToolChoice = mode is RequiredChatToolMode { RequiredFunctionName: { } name }
                ? RealtimeSessionToolChoice.FromFunction(new ToolChoiceFunction { Name = name })
                : RealtimeSessionToolChoice.FromToolChoiceOptions(ToolChoice(mode));
        }

        bool hasInput = options.InputAudioFormat is not null || options.TranscriptionOptions is not null || options.VoiceActivityDetection is not null;
        bool hasOutput = options.OutputAudioFormat is not null || options.Voice is not null;
        if (hasInput || hasOutput)
        {
            session.Audio ??= new RealtimeSessionAudio();
        }

        if (hasInput)
        {
            RealtimeSessionAudioInput input = session.Audio!.Input ??= new RealtimeSessionAudioInput();
            input.Format ??= Format(options.InputAudioFormat);
            input.Transcription ??= Transcription(options.TranscriptionOptions);
            if (TurnDetection(options.VoiceActivityDetection, out RealtimeTurnDetection? turnDetection) && !input.TurnDetectionSpecified)
            {
                input.TurnDetection = turnDetection;
                input.TurnDetectionSpecified = true;
            }
        }

        if (hasOutput)
        {
            RealtimeSessionAudioOutput output = session.Audio!.Output ??= new RealtimeSessionAudioOutput();
            output.Format ??= Format(options.OutputAudioFormat);
            if (options.Voice is { } voice)
            {
                output.Voice ??= Voice.FromVoiceId(new VoiceId(voice));
            }
        }

        return session;
    }

    public static RealtimeTranscriptionSessionConfig TranscriptionSession(RealtimeSessionOptions options)
    {
        RealtimeTranscriptionSessionConfig session = options.RawRepresentationFactory?.Invoke() is RealtimeTranscriptionSessionConfig raw
            ? JsonModelCopy.Of(raw)
            : new RealtimeTranscriptionSessionConfig();
        RealtimeTranscriptionSessionAudioInput input = (session.Audio ??= new RealtimeTranscriptionSessionAudio()).Input ??= new RealtimeTranscriptionSessionAudioInput();
        input.Format ??= Format(options.InputAudioFormat);
        input.Transcription ??= Transcription(options.TranscriptionOptions);
        if (TurnDetection(options.VoiceActivityDetection, out RealtimeTurnDetection? turnDetection) && !input.TurnDetectionSpecified)
        {
            input.TurnDetection = turnDetection;
            input.TurnDetectionSpecified = true;
        }

        return session;
    }

    public static RealtimeClientEventResponseCreate Response(CreateResponseRealtimeClientMessage message)
    {
        var response = new RealtimeResponseCreateParams
        {
            Instructions = message.Instructions,
            MaxOutputTokens = message.MaxOutputTokens is { } max ? RealtimeResponseCreateMaxOutputTokens.FromInteger(max) : null,
        };
        if (message.OutputModalities is { Count: > 0 } modalities)
        {
            response.OutputModalities = modalities.Select(m => m == "text" ? RealtimeResponseCreateOutputModality.Text : RealtimeResponseCreateOutputModality.Audio).ToList();
        }

        if (message.Tools is { Count: > 0 } tools)
        {
            response.Tools = FunctionTools(tools).Select(RealtimeResponseCreateTool.FromFunction).ToList();
        }

        if (message.ToolMode is { } mode)
        {
            response.ToolChoice = mode is RequiredChatToolMode { RequiredFunctionName: { } name }
                ? RealtimeResponseCreateToolChoice.FromFunction(new ToolChoiceFunction { Name = name })
                : RealtimeResponseCreateToolChoice.FromToolChoiceOptions(ToolChoice(mode));
        }

        if (message.OutputAudioOptions is not null || message.OutputVoice is not null)
        {
            response.Audio = new RealtimeResponseCreateAudio
            {
                Output = new RealtimeResponseCreateAudioOutput
                {
                    Format = Format(message.OutputAudioOptions),
                    Voice = message.OutputVoice is { } voice ? Voice.FromVoiceId(new VoiceId(voice)) : null,
                },
            };
        }

        if (message.ExcludeFromConversation is { } exclude)
        {
            response.Conversation = exclude ? RealtimeResponseCreateConversation.None : RealtimeResponseCreateConversation.Auto;
        }

        if (message.Items is { Count: > 0 } items)
        {
            response.Input = items.SelectMany(Items).ToList();
        }

        if (message.AdditionalProperties is { Count: > 0 } properties)
        {
            response.Metadata = properties.ToDictionary(p => p.Key, p => p.Value?.ToString() ?? string.Empty, StringComparer.Ordinal);
            response.MetadataSpecified = true;
        }

        return new RealtimeClientEventResponseCreate { Response = response };
    }

    /// <summary>
    /// One MEAI item as the API's items: function results and calls are items of their own (one per content), a message
    /// is one item with its text, audio (sent as the caller's bytes, base64-encoded once when the event is written) and images.
    /// </summary>
    public static IEnumerable<ApiItem> Items(MeaiItem item)
    {
        if (item.RawRepresentation is ApiItem raw)
        {
            yield return raw;
            yield break;
        }

        bool message = false;
        foreach (AIContent content in item.Contents)
        {
            switch (content)
            {
                case FunctionResultContent result:
                    yield return ApiItem.FromFunctionCallOutput(new RealtimeConversationItemFunctionCallOutput { CallId = result.CallId, Output = ToolJson.Result(result) });
                    break;
                case FunctionCallContent call:
                    yield return ApiItem.FromFunctionCall(new RealtimeConversationItemFunctionCall { CallId = call.CallId, Name = call.Name, Arguments = ToolJson.Arguments(call.Arguments) });
                    break;
                default:
                    message = true;
                    break;
            }
        }

        if (!message)
        {
            yield break;
        }

        if (item.Role == ChatRole.System)
        {
            yield return ApiItem.FromMessageSystem(new RealtimeConversationItemMessageSystem
            {
                Id = item.Id,
                Content = item.Contents.OfType<TextContent>().Select(t => new RealtimeConversationItemMessageSystemContentItem { Text = t.Text }).ToList(),
            });
        }
        else if (item.Role == ChatRole.Assistant)
        {
            yield return ApiItem.FromMessageAssistant(new RealtimeConversationItemMessageAssistant
            {
                Id = item.Id,
                Content = item.Contents.OfType<TextContent>().Select(t => new RealtimeConversationItemMessageAssistantContentItem { Type = RealtimeConversationItemMessageAssistantContentItemType.OutputText, Text = t.Text }).ToList(),
            });
        }
        else
        {
            yield return ApiItem.FromMessageUser(new RealtimeConversationItemMessageUser
            {
                Id = item.Id,
                Content = item.Contents.Where(c => c is not FunctionCallContent and not FunctionResultContent).Select(UserPart).ToList(),
            });
        }
    }

    private static RealtimeConversationItemMessageUserContentItem UserPart(AIContent content) => content switch
    {
        TextContent text => new() { Type = RealtimeConversationItemMessageUserContentItemType.InputText, Text = text.Text },
        DataContent data when data.HasTopLevelMediaType("audio") => new() { Type = RealtimeConversationItemMessageUserContentItemType.InputAudio, Audio = Base64Data.FromBytes(data.Data) },
        DataContent data when data.HasTopLevelMediaType("image") => new() { Type = RealtimeConversationItemMessageUserContentItemType.InputImage, ImageUrl = data.Uri },
        UriContent uri when uri.HasTopLevelMediaType("image") => new() { Type = RealtimeConversationItemMessageUserContentItemType.InputImage, ImageUrl = uri.Uri.ToString() },
        _ => throw new NotSupportedException($"A realtime user message cannot carry {content.GetType().Name}: text, audio and images only."),
    };

    private static IEnumerable<RealtimeFunctionTool> FunctionTools(IEnumerable<AITool> tools)
    {
        foreach (AITool tool in tools)
        {
            if (tool is not AIFunctionDeclaration function)
            {
                throw new NotSupportedException($"The realtime session sends function tools only; '{tool.Name}' ({tool.GetType().Name}) is not one.");
            }

            yield return new RealtimeFunctionTool
            {
                Name = function.Name,
                Description = function.Description,
                Parameters = JsonSerializer.SerializeToElement(ToolJson.Parameters(function), AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(IDictionary<string, JsonElement>))),
            };
        }
    }

    private static ToolChoiceOptions ToolChoice(ChatToolMode mode) => mode switch
    {
        NoneChatToolMode => ToolChoiceOptions.None,
        RequiredChatToolMode => ToolChoiceOptions.Required,
        _ => ToolChoiceOptions.Auto,
    };

    private static RealtimeAudioFormats? Format(RealtimeAudioFormat? format) => format?.MediaType switch
    {
        null => null,
        "audio/pcm" or "audio/L16" => RealtimeAudioFormats.FromAudioPcm(new PcmAudioFormat { Rate = format.SampleRate }),
        "audio/pcmu" or "audio/basic" => RealtimeAudioFormats.FromAudioPcmu(new PcmuAudioFormat()),
        "audio/pcma" => RealtimeAudioFormats.FromAudioPcma(new PcmaAudioFormat()),
       { } other => throw new NotSupportedException($"The realtime API takes audio/pcm (24 kHz), audio/pcmu or audio/pcma, not {other}."),
    };

    private static AudioTranscription? Transcription(TranscriptionOptions? options) => options is null ? null : new AudioTranscription
    {
        Model = options.ModelId is { } model ? new AudioTranscriptionModel(model) : (AudioTranscriptionModel?)null,
        Language = options.SpeechLanguage,
        Prompt = options.Prompt,
    };

    /// <summary>Whether the options say anything about turn detection: disabled is an explicit <c>null</c>, enabled is server VAD.</summary>
    private static bool TurnDetection(VoiceActivityDetectionOptions? vad, out RealtimeTurnDetection? turnDetection)
    {
        turnDetection = null;
        if (vad is null)
        {
            return false;
        }

        if (vad.Enabled)
        {
            turnDetection = RealtimeTurnDetection.FromServerVad(new RealtimeTurnDetectionServerVad { CreateResponse = true, InterruptResponse = vad.AllowInterruption });
        }

        return true;
    }
}
