using Generated.OpenAI.Extensions.AI.Audio;
using Generated.OpenAI.Extensions.AI.Chat;
using Generated.OpenAI.Extensions.AI.Embeddings;
using Generated.OpenAI.Extensions.AI.Images;
using Microsoft.Extensions.AI;

namespace Generated.OpenAI.Extensions.AI;

/// <summary>
/// The Microsoft.Extensions.AI views of an <see cref="OpenAIClient"/>, named as Microsoft's adapter names them
/// (<c>AsIChatClient</c>, <c>AsIEmbeddingGenerator</c>, …). Each view is a thin object over the same client: create as
/// many as needed; disposing one leaves the client alone.
/// </summary>
public static class OpenAIClientExtensions
{
    /// <summary>An <see cref="IChatClient"/> over the Responses API (<see cref="OpenAIResponsesChatClient"/>).</summary>
    /// <param name="client">The SDK client.</param>
    /// <param name="defaultModelId">The model when <see cref="ChatOptions.ModelId"/> gives none (for example <c>gpt-5.4</c>).</param>
    public static IChatClient AsIChatClient(this OpenAIClient client, string? defaultModelId = null) =>
        new OpenAIResponsesChatClient(client, defaultModelId);

    /// <summary>An <see cref="IChatClient"/> over Chat Completions (<see cref="OpenAIChatCompletionsChatClient"/>), for models or features only that API has (audio in and out).</summary>
    /// <param name="client">The SDK client.</param>
    /// <param name="defaultModelId">The model when <see cref="ChatOptions.ModelId"/> gives none.</param>
    public static IChatClient AsIChatClientForChatCompletions(this OpenAIClient client, string? defaultModelId = null) =>
        new OpenAIChatCompletionsChatClient(client, defaultModelId);

    /// <summary>An <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> of strings (<see cref="OpenAIEmbeddingGenerator"/>).</summary>
    /// <param name="client">The SDK client.</param>
    /// <param name="defaultModelId">The model when the options give none (for example <c>text-embedding-3-small</c>).</param>
    /// <param name="defaultDimensions">The dimensions when the options give none.</param>
    public static IEmbeddingGenerator<string, Embedding<float>> AsIEmbeddingGenerator(this OpenAIClient client, string? defaultModelId = null, int? defaultDimensions = null) =>
        new OpenAIEmbeddingGenerator(client, defaultModelId, defaultDimensions);

    /// <summary>An <see cref="ISpeechToTextClient"/> over transcriptions (<see cref="OpenAISpeechToTextClient"/>).</summary>
    /// <param name="client">The SDK client.</param>
    /// <param name="defaultModelId">The model when the options give none (for example <c>gpt-4o-transcribe</c>).</param>
    public static ISpeechToTextClient AsISpeechToTextClient(this OpenAIClient client, string? defaultModelId = null) =>
        new OpenAISpeechToTextClient(client, defaultModelId);

    /// <summary>An <see cref="ITextToSpeechClient"/> over speech (<see cref="OpenAITextToSpeechClient"/>).</summary>
    /// <param name="client">The SDK client.</param>
    /// <param name="defaultModelId">The model when the options give none (for example <c>gpt-4o-mini-tts</c>).</param>
    public static ITextToSpeechClient AsITextToSpeechClient(this OpenAIClient client, string? defaultModelId = null) =>
        new OpenAITextToSpeechClient(client, defaultModelId);

    /// <summary>An <see cref="IImageGenerator"/> over image generation and edits (<see cref="OpenAIImageGenerator"/>).</summary>
    /// <param name="client">The SDK client.</param>
    /// <param name="defaultModelId">The model when the options give none (for example <c>gpt-image-1</c>).</param>
    public static IImageGenerator AsIImageGenerator(this OpenAIClient client, string? defaultModelId = null) =>
        new OpenAIImageGenerator(client, defaultModelId);
}
