using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Http;
using Generated.OpenAI.Models;
using Generated.OpenAI.Serialization;
using Microsoft.Extensions.AI;
using TextContent = Microsoft.Extensions.AI.TextContent;

namespace Generated.OpenAI.Extensions.AI.Audio;

/// <summary>
/// <see cref="ISpeechToTextClient"/> over <c>POST /audio/transcriptions</c>: the audio stream is uploaded as the
/// <c>file</c> part; <see cref="SpeechToTextOptions.SpeechLanguage"/> is the <c>language</c>; streaming reads the
/// <c>transcript.text.delta</c>/<c>.done</c> events (models that stream: <c>gpt-4o-transcribe</c>, <c>gpt-4o-mini-transcribe</c>).
/// </summary>
/// <remarks>
/// The API tells the audio format from the file name: <c>audio.wav</c> unless <see cref="SpeechToTextOptions.AdditionalProperties"/>
/// has a <see cref="FileNameKey"/> (for example <c>speech.mp3</c>). <see cref="SpeechToTextOptions.RawRepresentationFactory"/>
/// may return a <see cref="CreateTranscriptionRequest"/> to start from (its <c>file</c> is replaced by the audio).
/// <see cref="SpeechToTextOptions.TextLanguage"/> other than the spoken language needs a translation, which this client does not do.
/// </remarks>
public sealed class OpenAISpeechToTextClient : ISpeechToTextClient
{
    /// <summary>The <see cref="SpeechToTextOptions.AdditionalProperties"/> key of the uploaded file's name (its extension names the format).</summary>
    public const string FileNameKey = "filename";

    private const string DefaultFileName = "audio.wav";

    private readonly OpenAIClient _client;
    private readonly string? _defaultModelId;
    private readonly SpeechToTextClientMetadata _metadata;

    /// <summary>Creates the client.</summary>
    /// <param name="client">The SDK client whose <c>Audio.Transcriptions</c> resource is called.</param>
    /// <param name="defaultModelId">The model when the options give none (for example <c>gpt-4o-transcribe</c>).</param>
    public OpenAISpeechToTextClient(OpenAIClient client, string? defaultModelId = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _defaultModelId = defaultModelId;
        _metadata = new SpeechToTextClientMetadata(OpenAIProvider.Name, OpenAIProvider.Endpoint(client), defaultModelId);
    }

    /// <inheritdoc />
    public async Task<SpeechToTextResponse> GetTextAsync(Stream audioSpeechStream, SpeechToTextOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audioSpeechStream);
        CreateTranscriptionRequest request = await RequestAsync(audioSpeechStream, options, cancellationToken).ConfigureAwait(false);
        request.ResponseFormat ??= AudioResponseFormat.Json;
        ApiResponse<CreateTranscriptionResponse> response = await _client.Audio.Transcriptions.CreateTranscriptionAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);
        CreateTranscriptionResponse body = response.Value;
        (string text, UsageDetails? usage) = body.Kind switch
        {
            CreateTranscriptionResponseKind.Json => (body.AsJson().Text, Usage(body.AsJson().Usage)),
            CreateTranscriptionResponseKind.VerboseJson => (body.AsVerboseJson().Text, null),
            CreateTranscriptionResponseKind.DiarizedJson => (body.AsDiarizedJson().Text, null),
            _ => throw OpenAIServerException.Malformed("a transcription request", "the answer is none of the transcription shapes (json, verbose_json, diarized_json)"),
        };
        return new SpeechToTextResponse(text)
        {
            ResponseId = response.RequestId,
            ModelId = request.Model.ToString(),
            Usage = usage,
            RawRepresentation = body,
        };
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<SpeechToTextResponseUpdate> GetStreamingTextAsync(Stream audioSpeechStream, SpeechToTextOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audioSpeechStream);
        CreateTranscriptionRequest request = await RequestAsync(audioSpeechStream, options, cancellationToken).ConfigureAwait(false);
        string model = request.Model.ToString();
        await foreach (CreateTranscriptionResponseStreamEvent streamEvent in _client.Audio.Transcriptions.CreateTranscriptionStreamingAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            switch (streamEvent.Kind)
            {
                case CreateTranscriptionResponseStreamEventKind.TranscriptTextDelta:
                    yield return new SpeechToTextResponseUpdate(streamEvent.AsTranscriptTextDelta().Delta)
                    {
                        Kind = SpeechToTextResponseUpdateKind.TextUpdating,
                        ModelId = model,
                        RawRepresentation = streamEvent,
                    };
                    break;
                case CreateTranscriptionResponseStreamEventKind.TranscriptTextDone:
                    TranscriptTextDoneEvent done = streamEvent.AsTranscriptTextDone();
                    var contents = new List<AIContent> { new TextContent(done.Text) };
                    if (done.Usage is { } usage)
                    {
                        contents.Add(new UsageContent(new UsageDetails { InputTokenCount = usage.InputTokens, OutputTokenCount = usage.OutputTokens, TotalTokenCount = usage.TotalTokens }));
                    }

                    yield return new SpeechToTextResponseUpdate(contents)
                    {
                        Kind = SpeechToTextResponseUpdateKind.TextUpdated,
                        ModelId = model,
                        RawRepresentation = streamEvent,
                    };
                    break;
            }
        }
    }

    private async Task<CreateTranscriptionRequest> RequestAsync(Stream audio, SpeechToTextOptions? options, CancellationToken cancellationToken)
    {
        // The upload is buffered: the pipeline retries, and a caller's stream may not be seekable.
        var buffer = new MemoryStream();
        await audio.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        string fileName = options?.AdditionalProperties?.TryGetValue(FileNameKey, out string? name) == true && !string.IsNullOrEmpty(name) ? name : DefaultFileName;
        var file = new UploadFile(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), fileName);
        CreateTranscriptionRequest request = options?.RawRepresentationFactory?.Invoke(this) is CreateTranscriptionRequest raw
            ? raw
            : new CreateTranscriptionRequest { File = file, Model = OpenAIProvider.Model(options?.ModelId, _defaultModelId, "speech-to-text client") };
        request.File = file;
        if (options?.ModelId is { } model)
        {
            request.Model = model;
        }

        if (options?.SpeechLanguage is { } language)
        {
            request.Language = language;
        }

        return request;
    }

    private static UsageDetails? Usage(CreateTranscriptionResponseJsonUsage? usage) =>
        usage is not null && usage.TryGetTokens(out TranscriptTextUsageTokens? tokens)
            ? new UsageDetails { InputTokenCount = tokens.InputTokens, OutputTokenCount = tokens.OutputTokens, TotalTokenCount = tokens.TotalTokens }
            : null;

    /// <summary>The <see cref="OpenAIClient"/>, this client, or the <see cref="SpeechToTextClientMetadata"/>.</summary>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(SpeechToTextClientMetadata) ? _metadata
            : serviceType.IsInstanceOfType(_client) ? _client
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>Nothing to release: the <see cref="OpenAIClient"/> belongs to the caller.</summary>
    public void Dispose()
    {
    }
}
