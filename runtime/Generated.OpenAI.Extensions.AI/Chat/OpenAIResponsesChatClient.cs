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
/// <see cref="IChatClient"/> over the Responses API (<c>POST /responses</c>) of an <see cref="OpenAIClient"/>: text,
/// images and files in; text, reasoning, refusals and function calls out; function tools from MEAI's
/// <see cref="AIFunctionDeclaration"/>s with their results sent back as <c>function_call_output</c> items;
/// <see cref="ChatOptions.Reasoning"/>, <see cref="ChatOptions.ResponseFormat"/> (JSON schema or JSON object) and
/// <see cref="ChatOptions.ConversationId"/> (a previous response's id, or a <c>conv_</c> conversation id); usage.
/// </summary>
/// <remarks>
/// <see cref="ChatOptions.RawRepresentationFactory"/> may return a <see cref="CreateResponse"/> to start from (for fields
/// MEAI has no option for); <see cref="ChatResponse.RawRepresentation"/> is the <see cref="Response"/> and each
/// update's is the <see cref="ResponseStreamEvent"/>. Errors are the SDK's <see cref="OpenAIException"/> types.
/// Thread-safe: it keeps no per-call state.
/// </remarks>
public sealed class OpenAIResponsesChatClient : IChatClient
{
    private readonly OpenAIClient _client;
    private readonly string? _defaultModelId;
    private readonly ChatClientMetadata _metadata;

    /// <summary>Creates the chat client.</summary>
    /// <param name="client">The SDK client whose <c>Responses</c> resource is called.</param>
    /// <param name="defaultModelId">The model when <see cref="ChatOptions.ModelId"/> gives none.</param>
    public OpenAIResponsesChatClient(OpenAIClient client, string? defaultModelId = null)
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
        CreateResponse request = ResponsesRequestBuilder.Build(messages, options, this, _defaultModelId);
        ApiResponse<Response> response = await _client.Responses.CreateResponseAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);
        return ResponsesResultReader.Read(response.Value, response.RequestId);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        CreateResponse request = ResponsesRequestBuilder.Build(messages, options, this, _defaultModelId);
        var reader = new ResponsesStreamReader();
        await foreach (ResponseStreamEvent streamEvent in _client.Responses.CreateResponseStreamingAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (reader.Read(streamEvent) is { } update)
            {
                yield return update;
            }
        }

        if (!reader.Finished)
        {
            throw OpenAIServerException.Malformed("a streamed response", "the stream ended before response.completed");
        }
    }

    /// <summary>
    /// The <see cref="OpenAIClient"/>, this client, or the <see cref="ChatClientMetadata"/> (provider <c>openai</c>, the
    /// base URL, the default model); <see langword="null"/> for anything else or any key.
    /// </summary>
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
