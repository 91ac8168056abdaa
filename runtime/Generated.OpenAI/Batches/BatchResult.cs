using System.Buffers;
using System.Text;
using System.Text.Json;
using Generated.OpenAI.Models;
using Generated.OpenAI.Serialization;

namespace Generated.OpenAI.Batches;

/// <summary>
/// The result of one request of a batch, keyed by its custom id: the status code and the typed body of the endpoint
/// (<see cref="Response"/>, <see cref="ChatCompletion"/>, <see cref="Embeddings"/>, <see cref="Moderation"/>), or a
/// typed <see cref="Error"/>; a line that could not be read keeps its text in <see cref="RawLine"/>.
/// </summary>
public sealed class BatchResult
{
    internal BatchResult(string customId, string batchId, BatchResultStatus status)
    {
        CustomId = customId;
        BatchId = batchId;
        Status = status;
    }

    /// <summary>The request's custom id; empty for a <see cref="BatchResultStatus.Malformed"/> line that names none.</summary>
    public string CustomId { get; }

    /// <summary>The batch the request was in.</summary>
    public string BatchId { get; }

    /// <summary>What became of the request.</summary>
    public BatchResultStatus Status { get; }

    /// <summary>Whether the request succeeded (<see cref="Status"/> is <see cref="BatchResultStatus.Succeeded"/>).</summary>
    public bool IsSuccess => Status == BatchResultStatus.Succeeded;

    /// <summary>The endpoint the batch ran, when known.</summary>
    public CreateBatchEndpoint? Endpoint { get; internal init; }

    /// <summary>The HTTP status code the request was answered with, or null when it was not answered.</summary>
    public int? StatusCode { get; internal init; }

    /// <summary>The server's request id (<c>response.request_id</c>), or null.</summary>
    public string? RequestId { get; internal init; }

    /// <summary>The answer of a <c>/v1/responses</c> request that succeeded.</summary>
    public Response? Response { get; internal init; }

    /// <summary>The answer of a <c>/v1/chat/completions</c> request that succeeded.</summary>
    public CreateChatCompletionResponse? ChatCompletion { get; internal init; }

    /// <summary>The answer of a <c>/v1/embeddings</c> request that succeeded.</summary>
    public CreateEmbeddingResponse? Embeddings { get; internal init; }

    /// <summary>The answer of a <c>/v1/moderations</c> request that succeeded.</summary>
    public CreateModerationResponse? Moderation { get; internal init; }

    /// <summary>Why the request has no answer; null when it succeeded.</summary>
    public BatchResultError? Error { get; internal init; }

    /// <summary>
    /// The result line as the server wrote it (UTF-8 decoded, without the newline): set for every result read from an
    /// output or error file, malformed ones included; null for results the client made up (<see cref="BatchResultStatus.Missing"/>,
    /// a failed batch's requests).
    /// </summary>
    public string? RawLine { get; internal init; }

    /// <summary>
    /// The result as one line of OpenAI's output format: <see cref="RawLine"/> when there is one, otherwise
    /// <c>{"id":null,"custom_id":…,"response":null,"error":{"code":…,"message":…}}</c>.
    /// </summary>
    public string ToJsonLine()
    {
        if (RawLine is not null)
        {
            return RawLine;
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, JsonModel.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteNull("id"u8);
            writer.WriteString("custom_id"u8, CustomId);
            writer.WriteNull("response"u8);
            writer.WriteStartObject("error"u8);
            writer.WriteString("code"u8, Error?.Code);
            writer.WriteString("message"u8, Error?.Message);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The custom id, the status and the status code or error code.</summary>
    public override string ToString() => $"{CustomId}: {Status} {(StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-")} {Error?.Code}".TrimEnd();
}
