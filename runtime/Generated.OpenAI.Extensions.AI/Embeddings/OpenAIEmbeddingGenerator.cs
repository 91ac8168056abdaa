using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Http;
using Generated.OpenAI.Models;
using Microsoft.Extensions.AI;
using ApiEmbedding = Generated.OpenAI.Models.Embedding;

namespace Generated.OpenAI.Extensions.AI.Embeddings;

/// <summary>
/// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> of strings over <c>POST /embeddings</c>: float vectors,
/// <see cref="EmbeddingGenerationOptions.Dimensions"/> passed on, and inputs split into requests of at most
/// <see cref="MaxInputsPerRequest"/> (the API's limit) whose results come back in input order with their usage added.
/// </summary>
/// <remarks>
/// <see cref="EmbeddingGenerationOptions.RawRepresentationFactory"/> may return a <see cref="CreateEmbeddingRequest"/>
/// to start each request from (its <c>input</c> is replaced). The API also caps a request at 300,000 tokens, which
/// cannot be counted here: a batch over it is the API's <see cref="BadRequestException"/>. Thread-safe.
/// </remarks>
public sealed class OpenAIEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The most inputs the API takes in one request (2048).</summary>
    public const int MaxInputsPerRequest = 2048;

    private readonly OpenAIClient _client;
    private readonly string? _defaultModelId;
    private readonly EmbeddingGeneratorMetadata _metadata;

    /// <summary>Creates the generator.</summary>
    /// <param name="client">The SDK client whose <c>Embeddings</c> resource is called.</param>
    /// <param name="defaultModelId">The model when the options give none (for example <c>text-embedding-3-small</c>).</param>
    /// <param name="defaultDimensions">The dimensions when the options give none, or <see langword="null"/> for the model's own.</param>
    public OpenAIEmbeddingGenerator(OpenAIClient client, string? defaultModelId = null, int? defaultDimensions = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _defaultModelId = defaultModelId;
        _metadata = new EmbeddingGeneratorMetadata(OpenAIProvider.Name, OpenAIProvider.Endpoint(client), defaultModelId, defaultDimensions);
    }

    /// <inheritdoc />
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        string[] inputs = values.ToArray();
        var result = new GeneratedEmbeddings<Embedding<float>>(inputs.Length);
        UsageDetails? usage = null;
        for (int start = 0; start < inputs.Length; start += MaxInputsPerRequest)
        {
            string[] batch = inputs[start..Math.Min(inputs.Length, start + MaxInputsPerRequest)];
            CreateEmbeddingRequest request = Request(batch, options);
            ApiResponse<CreateEmbeddingResponse> response = await _client.Embeddings.CreateEmbeddingAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);
            CreateEmbeddingResponse body = response.Value;
            if (body.Data.Count != batch.Length)
            {
                throw OpenAIServerException.Malformed("an embeddings request", $"{batch.Length} inputs were sent and {body.Data.Count} embeddings came back");
            }

            foreach (ApiEmbedding embedding in body.Data.OrderBy(e => e.Index))
            {
                float[] vector = new float[embedding.EmbeddingValue.Count];
                for (int i = 0; i < vector.Length; i++)
                {
                    vector[i] = (float)embedding.EmbeddingValue[i];
                }

                result.Add(new Embedding<float>(vector) { ModelId = body.Model, CreatedAt = DateTimeOffset.UtcNow });
            }

            var batchUsage = new UsageDetails { InputTokenCount = body.Usage.PromptTokens, TotalTokenCount = body.Usage.TotalTokens };
            if (usage is null)
            {
                usage = batchUsage;
            }
            else
            {
                usage.Add(batchUsage);
            }
        }

        result.Usage = usage;
        return result;
    }

    private CreateEmbeddingRequest Request(string[] batch, EmbeddingGenerationOptions? options)
    {
        CreateEmbeddingRequest request = options?.RawRepresentationFactory?.Invoke(this) is CreateEmbeddingRequest raw
            ? JsonModelCopy.Of(raw)
            : new CreateEmbeddingRequest { Input = string.Empty, Model = OpenAIProvider.Model(options?.ModelId, _defaultModelId, "embedding generator") };
        request.Input = CreateEmbeddingInput.FromStringArray(batch);
        if (options?.ModelId is { } model)
        {
            request.Model = model;
        }

        request.EncodingFormat ??= CreateEmbeddingEncodingFormat.Float;
        if ((options?.Dimensions ?? _metadata.DefaultModelDimensions) is { } dimensions)
        {
            request.Dimensions = dimensions;
        }

        return request;
    }

    /// <summary>The <see cref="OpenAIClient"/>, this generator, or the <see cref="EmbeddingGeneratorMetadata"/>.</summary>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
            : serviceType.IsInstanceOfType(_client) ? _client
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>Nothing to release: the <see cref="OpenAIClient"/> belongs to the caller.</summary>
    public void Dispose()
    {
    }
}
