using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Http;
using Generated.OpenAI.Models;
using Generated.OpenAI.Serialization;
using Microsoft.Extensions.AI;
using ApiImage = Generated.OpenAI.Models.Image;

namespace Generated.OpenAI.Extensions.AI.Images;

/// <summary>
/// <see cref="IImageGenerator"/> over <c>POST /images/generations</c>, or <c>POST /images/edits</c> when the request has
/// <see cref="ImageGenerationRequest.OriginalImages"/> (images as <see cref="DataContent"/>). <see cref="ImageGenerationOptions.Count"/>
/// is <c>n</c>, <see cref="ImageGenerationOptions.ImageSize"/> the <c>size</c> (<c>WxH</c>), <see cref="ImageGenerationOptions.MediaType"/>
/// the <c>output_format</c>; images come back as <see cref="DataContent"/> (base64 answers) or <see cref="UriContent"/> (URL answers).
/// </summary>
/// <remarks>
/// <see cref="ImageGenerationOptions.ResponseFormat"/> <see cref="ImageGenerationResponseFormat.Uri"/> asks for URLs (DALL·E
/// models only; GPT image models always answer base64). <see cref="ImageGenerationOptions.RawRepresentationFactory"/> may return
/// a <see cref="CreateImageRequest"/> (or for edits a <see cref="CreateImageEditRequest"/>) to start from.
/// <see cref="ImageGenerationResponse.RawRepresentation"/> is the <see cref="ImagesResponse"/>.
/// </remarks>
public sealed class OpenAIImageGenerator : IImageGenerator
{
    private readonly OpenAIClient _client;
    private readonly string? _defaultModelId;
    private readonly ImageGeneratorMetadata _metadata;

    /// <summary>Creates the generator.</summary>
    /// <param name="client">The SDK client whose <c>Images</c> resource is called.</param>
    /// <param name="defaultModelId">The model when the options give none (for example <c>gpt-image-1</c>).</param>
    public OpenAIImageGenerator(OpenAIClient client, string? defaultModelId = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _defaultModelId = defaultModelId;
        _metadata = new ImageGeneratorMetadata(OpenAIProvider.Name, OpenAIProvider.Endpoint(client), defaultModelId);
    }

    /// <inheritdoc />
    public async Task<ImageGenerationResponse> GenerateAsync(ImageGenerationRequest request, ImageGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        string prompt = request.Prompt ?? throw new ArgumentException("The request has no prompt.", nameof(request));
        string model = OpenAIProvider.Model(options?.ModelId, _defaultModelId, "image generator");
        string? size = options?.ImageSize is { } s ? string.Create(CultureInfo.InvariantCulture, $"{s.Width}x{s.Height}") : null;
        bool urls = options?.ResponseFormat == ImageGenerationResponseFormat.Uri;
        string? outputFormat = OutputFormat(options?.MediaType);
        ApiResponse<ImagesResponse> response;
        if (request.OriginalImages?.Any() == true)
        {
            List<UploadFile> images = request.OriginalImages.Select(Upload).ToList();
            CreateImageEditRequest edit = options?.RawRepresentationFactory?.Invoke(this) is CreateImageEditRequest raw
                ? raw
                : new CreateImageEditRequest { Image = images[0], Prompt = prompt };
            edit.Image = images.Count == 1 ? images[0] : CreateImageEditImage.FromBinaryArray(images);
            edit.Prompt = prompt;
            edit.Model = model;
            edit.N = options?.Count ?? edit.N;
            if (size is not null)
            {
                edit.Size = new CreateImageEditSize(size);
            }

            if (urls)
            {
                edit.ResponseFormat = CreateImageEditResponseFormat.Url;
            }

            if (outputFormat is not null)
            {
                edit.OutputFormat = Enum.Parse<CreateImageEditOutputFormat>(outputFormat, ignoreCase: true);
            }

            response = await _client.Images.Edits.CreateImageEditAsync(edit, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        else
        {
            CreateImageRequest generation = options?.RawRepresentationFactory?.Invoke(this) is CreateImageRequest raw
                ? JsonModelCopy.Of(raw)
                : new CreateImageRequest { Prompt = prompt };
            generation.Prompt = prompt;
            generation.Model = model;
            generation.N = options?.Count ?? generation.N;
            if (size is not null)
            {
                generation.Size = new CreateImageSize(size);
            }

            if (urls)
            {
                generation.ResponseFormat = CreateImageResponseFormat.Url;
            }

            if (outputFormat is not null)
            {
                generation.OutputFormat = Enum.Parse<CreateImageOutputFormat>(outputFormat, ignoreCase: true);
            }

            response = await _client.Images.Generations.CreateImageAsync(generation, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        return Read(response.Value, outputFormat);
    }

    private static ImageGenerationResponse Read(ImagesResponse body, string? askedFormat)
    {
        string mediaType = "image/" + (body.OutputFormat?.ToString().ToLowerInvariant() ?? askedFormat ?? "png");
        var contents = new List<AIContent>();
        foreach (ApiImage image in body.Data ?? [])
        {
            if (image.B64Json is { IsEmpty: false } data)
            {
                if (!data.IsValid)
                {
                    throw OpenAIServerException.Malformed("an image request", "b64_json is not valid base64");
                }

                contents.Add(new DataContent(data.ToMemory(), mediaType) { RawRepresentation = image });
            }
            else if (image.Url is { } url)
            {
                contents.Add(new UriContent(new Uri(url), "image/*") { RawRepresentation = image });
            }
        }

        if (contents.Count == 0)
        {
            throw OpenAIServerException.Malformed("an image request", "the answer holds no image (neither b64_json nor url)");
        }

        return new ImageGenerationResponse(contents)
        {
            Usage = body.Usage is { } usage ? new UsageDetails { InputTokenCount = usage.InputTokens, OutputTokenCount = usage.OutputTokens, TotalTokenCount = usage.TotalTokens } : null,
            RawRepresentation = body,
        };
    }

    private static UploadFile Upload(AIContent content, int index) => content switch
    {
        DataContent data => new UploadFile(data.Data, data.Name ?? $"image{index}.{data.MediaType.Split('/')[^1]}", data.MediaType),
        _ => throw new NotSupportedException($"Images to edit are sent as bytes: {content.GetType().Name} is not a DataContent."),
    };

    private static string? OutputFormat(string? mediaType) => mediaType?.ToLowerInvariant() switch
    {
        null or "" => null,
        "image/png" => "png",
        "image/jpeg" or "image/jpg" => "jpeg",
        "image/webp" => "webp",
        _ => throw new NotSupportedException($"The image API has no output format '{mediaType}' (image/png, image/jpeg, image/webp)."),
    };

    /// <summary>The <see cref="OpenAIClient"/>, this generator, or the <see cref="ImageGeneratorMetadata"/>.</summary>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ImageGeneratorMetadata) ? _metadata
            : serviceType.IsInstanceOfType(_client) ? _client
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>Nothing to release: the <see cref="OpenAIClient"/> belongs to the caller.</summary>
    public void Dispose()
    {
    }
}
