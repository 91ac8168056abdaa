using System;
using System.Text.Json;
using Generated.OpenAI.Models;
using Generated.OpenAI.Serialization;

namespace Generated.OpenAI.Batches;

/// <summary>
/// One request of a batch: a custom id, the endpoint it goes to, and its body. Written as one line of the input file:
/// <c>{"custom_id":…,"method":"POST","url":"/v1/responses","body":{…}}</c>.
/// </summary>
/// <remarks>
/// The typed factories keep a reference to the model and serialize it when the line is written (not copied before):
/// leave the model unchanged until <see cref="BatchRunner.SubmitAsync(System.Collections.Generic.IAsyncEnumerable{BatchRequest}, System.Threading.CancellationToken)"/> returns.
/// </remarks>
public sealed class BatchRequest
{
    private readonly Action<Utf8JsonWriter> _writeBody;

    private BatchRequest(string customId, CreateBatchEndpoint endpoint, Action<Utf8JsonWriter> writeBody)
    {
        ArgumentException.ThrowIfNullOrEmpty(customId);
        CustomId = customId;
        Endpoint = endpoint;
        _writeBody = writeBody;
    }

    /// <summary>The caller's id of the request; its result carries the same id. Unique within a submission.</summary>
    public string CustomId { get; }

    /// <summary>The endpoint (<c>/v1/responses</c>, …); requests to different endpoints go to different batches.</summary>
    public CreateBatchEndpoint Endpoint { get; }

    /// <summary>A Responses request (<c>/v1/responses</c>); its result body is a <see cref="Models.Response"/>.</summary>
    public static BatchRequest ForResponse(string customId, CreateResponse body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return new BatchRequest(customId, CreateBatchEndpoint.V1Responses, body.WriteJson);
    }

    /// <summary>A Chat Completions request (<c>/v1/chat/completions</c>); its result body is a <see cref="CreateChatCompletionResponse"/>.</summary>
    public static BatchRequest ForChatCompletion(string customId, CreateChatCompletionRequest body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return new BatchRequest(customId, CreateBatchEndpoint.V1ChatCompletions, body.WriteJson);
    }

    /// <summary>An embeddings request (<c>/v1/embeddings</c>); its result body is a <see cref="CreateEmbeddingResponse"/>.</summary>
    public static BatchRequest ForEmbeddings(string customId, CreateEmbeddingRequest body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return new BatchRequest(customId, CreateBatchEndpoint.V1Embeddings, body.WriteJson);
    }

    /// <summary>A moderation request (<c>/v1/moderations</c>); its result body is a <see cref="CreateModerationResponse"/>.</summary>
    public static BatchRequest ForModeration(string customId, CreateModerationRequest body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return new BatchRequest(customId, CreateBatchEndpoint.V1Moderations, body.WriteJson);
    }

    /// <summary>
    /// A request to any batch endpoint with a body given as JSON (for example a line of an existing input file). The
    /// body is validated as one JSON object and copied.
    /// </summary>
    /// <exception cref="JsonException"><paramref name="utf8JsonBody"/> is not one JSON object.</exception>
    public static BatchRequest FromJson(string customId, CreateBatchEndpoint endpoint, ReadOnlySpan<byte> utf8JsonBody)
    {
        using JsonDocument document = JsonDocument.Parse(utf8JsonBody.ToArray(), new JsonDocumentOptions { MaxDepth = JsonModel.ReaderOptions.MaxDepth });
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException($"The body of '{customId}' is a JSON {document.RootElement.ValueKind}, not an object.");
        }

        byte[] body = utf8JsonBody.ToArray();
        return new BatchRequest(customId, endpoint, writer => writer.WriteRawValue(body, skipInputValidation: true));
    }

    /// <summary>Writes the input-file line (without the newline).</summary>
    internal void WriteLine(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("custom_id"u8, CustomId);
        writer.WriteString("method"u8, "POST"u8);
        writer.WriteString("url"u8, Endpoint.ToJsonString());
        writer.WritePropertyName("body"u8);
        _writeBody(writer);
        writer.WriteEndObject();
    }
}
