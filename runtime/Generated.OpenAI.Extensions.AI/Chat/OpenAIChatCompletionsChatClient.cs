using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Http;
using Generated.OpenAI.Models;
using Microsoft.Extensions.AI;

namespace Generated.OpenAI.Extensions.AI.Chat;

/// <summary>
/// <see cref="IChatClient"/> over Chat Completions (<c>POST /chat/completions</c>) of an <see cref="OpenAIClient"/>:
/// text, images, audio (WAV or MP3) and files in; text, refusals, audio and function calls out; function tools;
/// <see cref="ChatOptions.Reasoning"/> effort; <see cref="ChatOptions.ResponseFormat"/>; usage (streamed too). Chat
/// Completions keeps no server-side state, so <see cref="ChatOptions.ConversationId"/> is not used: send the history.
/// </summary>
/// <remarks>
/// <see cref="ChatOptions.RawRepresentationFactory"/> may return a <see cref="CreateChatCompletionRequest"/> to start from;
/// <see cref="ChatResponse.RawRepresentation"/> is the <see cref="CreateChatCompletionResponse"/> and each update's the
/// <see cref="CreateChatCompletionStreamResponse"/> chunk. Thread-safe: it keeps no per-call state.
/// </remarks>
public sealed class OpenAIChatCompletionsChatClient : IChatClient
{
    private readonly OpenAIClient _client;
    private readonly string? _defaultModelId;
    private readonly ChatClientMetadata _metadata;

    /// <summary>Creates the chat client.</summary>
    /// <param name="client">The SDK client whose <c>Chat.Completions</c> resource is called.</param>
    /// <param name="defaultModelId">The model when <see cref="ChatOptions.ModelId"/> gives none.</param>
    public OpenAIChatCompletionsChatClient(OpenAIClient client, string? defaultModelId = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _defaultModelId = defaultModelId;
        _metadata = new ChatClientMetadata(OpenAIProvider.Name, OpenAIProvider.Endpoint(client), defaultModelId);
    }

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        CreateChatCompletionRequest request = ChatCompletionsRequestBuilder.Build(messages, options, this, _defaultModelId, stream: false);
        ApiResponse<CreateChatCompletionResponse> response = await _client.Chat.Completions.CreateChatCompletionAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);
        return ChatCompletionsResultReader.Read(response.Value);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        CreateChatCompletionRequest request = ChatCompletionsRequestBuilder.Build(messages, options, this, _defaultModelId, stream: true);
        var reader = new ChatCompletionsStreamReader();
        await foreach (CreateChatCompletionStreamResponse chunk in _client.Chat.Completions.CreateChatCompletionStreamingAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (reader.Read(chunk) is { } update)
            {
                yield return update;
            }
        }
    }

    /// <summary>The <see cref="OpenAIClient"/>, this client, or the <see cref="ChatClientMetadata"/>; <see langword="null"/> for anything else or any key.</summary>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType.IsInstanceOfType(_client) ? _client
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>Nothing to release: the <see cref="OpenAIClient"/> belongs to the caller.</summary>
    public void Dispose()
    {
    }
}
