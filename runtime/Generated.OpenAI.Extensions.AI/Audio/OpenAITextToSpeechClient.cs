using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Http;
using Generated.OpenAI.Models;
using Microsoft.Extensions.AI;

namespace Generated.OpenAI.Extensions.AI.Audio;

/// <summary>
/// <see cref="ITextToSpeechClient"/> over <c>POST /audio/speech</c>: <see cref="TextToSpeechOptions.VoiceId"/> is the
/// voice (<c>alloy</c> unless given), <see cref="TextToSpeechOptions.AudioFormat"/> the <c>response_format</c> (a media
/// type or a format name; MP3 unless given), <see cref="TextToSpeechOptions.Speed"/> the speed. Streaming asks for
/// <c>stream_format: sse</c> and yields each <c>speech.audio.delta</c> as an update with its audio, then one with the usage.
/// </summary>
/// <remarks>
/// <see cref="TextToSpeechOptions.Pitch"/>, <see cref="TextToSpeechOptions.Volume"/> and <see cref="TextToSpeechOptions.Language"/>
/// have no field in the API and are not sent. <see cref="TextToSpeechOptions.RawRepresentationFactory"/> may return a
/// <see cref="CreateSpeechRequest"/> to start from (for example with <c>instructions</c>); its <c>input</c> is the text.
/// </remarks>
public sealed class OpenAITextToSpeechClient : ITextToSpeechClient
{
    private readonly OpenAIClient _client;
    private readonly string? _defaultModelId;
    private readonly TextToSpeechClientMetadata _metadata;

    /// <summary>Creates the client.</summary>
    /// <param name="client">The SDK client whose <c>Audio.Speech</c> resource is called.</param>
    /// <param name="defaultModelId">The model when the options give none (for example <c>gpt-4o-mini-tts</c>).</param>
    public OpenAITextToSpeechClient(OpenAIClient client, string? defaultModelId = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _defaultModelId = defaultModelId;
        _metadata = new TextToSpeechClientMetadata(OpenAIProvider.Name, OpenAIProvider.Endpoint(client), defaultModelId);
    }

    /// <inheritdoc />
    public async Task<TextToSpeechResponse> GetAudioAsync(string text, TextToSpeechOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        CreateSpeechRequest request = Request(text, options);
        using PipelineResponse response = await _client.Audio.Speech.CreateSpeechAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);
        byte[] audio = await response.ReadContentAsBytesAsync(cancellationToken).ConfigureAwait(false);
        string mediaType = response.Message.Content.Headers.ContentType?.MediaType ?? SpeechAudioFormat.MediaType(request.ResponseFormat!.Value);
        return new TextToSpeechResponse([new DataContent(audio, mediaType)])
        {
            ModelId = request.Model.ToString(),
            RawRepresentation = request,
        };
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<TextToSpeechResponseUpdate> GetStreamingAudioAsync(string text, TextToSpeechOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        CreateSpeechRequest request = Request(text, options);
        request.StreamFormat = CreateSpeechStreamFormat.Sse;
        string model = request.Model.ToString();
        string mediaType = SpeechAudioFormat.MediaType(request.ResponseFormat!.Value);
        await foreach (CreateSpeechResponseStreamEvent streamEvent in _client.Audio.Speech.CreateSpeechStreamingAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            switch (streamEvent.Kind)
            {
                case CreateSpeechResponseStreamEventKind.SpeechAudioDelta:
                    yield return new TextToSpeechResponseUpdate([new DataContent(streamEvent.AsSpeechAudioDelta().Audio.ToMemory(), mediaType)])
                    {
                        Kind = TextToSpeechResponseUpdateKind.AudioUpdating,
                        ModelId = model,
                        RawRepresentation = streamEvent,
                    };
                    break;
                case CreateSpeechResponseStreamEventKind.SpeechAudioDone:
                    SpeechAudioDoneEventUsage usage = streamEvent.AsSpeechAudioDone().Usage;
                    yield return new TextToSpeechResponseUpdate([new UsageContent(new UsageDetails { InputTokenCount = usage.InputTokens, OutputTokenCount = usage.OutputTokens, TotalTokenCount = usage.TotalTokens })])
                    {
                        Kind = TextToSpeechResponseUpdateKind.AudioUpdated,
                        ModelId = model,
                        RawRepresentation = streamEvent,
                    };
                    break;
            }
        }
    }

    private CreateSpeechRequest Request(string text, TextToSpeechOptions? options)
    {
        CreateSpeechRequest request = options?.RawRepresentationFactory?.Invoke(this) is CreateSpeechRequest raw
            ? JsonModelCopy.Of(raw)
            : new CreateSpeechRequest { Input = text, Model = OpenAIProvider.Model(options?.ModelId, _defaultModelId, "text-to-speech client"), Voice = VoiceId.Alloy };
        request.Input = text;
        if (options?.ModelId is { } model)
        {
            request.Model = model;
        }

        if (options?.VoiceId is { } voice)
        {
            request.Voice = new VoiceId(voice);
        }

        if (options?.AudioFormat is not null || request.ResponseFormat is null)
        {
            request.ResponseFormat = SpeechAudioFormat.Parse(options?.AudioFormat);
        }

        if (options?.Speed is { } speed)
        {
            request.Speed = speed;
        }

        return request;
    }

    /// <summary>The <see cref="OpenAIClient"/>, this client, or the <see cref="TextToSpeechClientMetadata"/>.</summary>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(TextToSpeechClientMetadata) ? _metadata
            : serviceType.IsInstanceOfType(_client) ? _client
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>Nothing to release: the <see cref="OpenAIClient"/> belongs to the caller.</summary>
    public void Dispose()
    {
    }
}
