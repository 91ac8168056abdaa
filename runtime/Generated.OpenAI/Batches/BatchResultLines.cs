using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Threading;
using Generated.OpenAI.Models;
using Generated.OpenAI.Serialization;

namespace Generated.OpenAI.Batches;

/// <summary>Reads the lines of a batch's output or error file and turns each into a <see cref="BatchResult"/>.</summary>
internal static class BatchResultLines
{
    /// <summary>One line of a file: its bytes, or null when it was longer than the limit (then skipped).</summary>
    internal readonly record struct Line(byte[]? Bytes, long Length);

    /// <summary>
    /// The lines of <paramref name="stream"/> as it arrives (blank lines skipped; the last line may lack its newline).
    /// Each line is copied out of the pipe before it is yielded; a line longer than <paramref name="maxLineBytes"/>
    /// is skipped to its end and yielded with null bytes.
    /// </summary>
    public static async IAsyncEnumerable<Line> ReadAsync(Stream stream, int maxLineBytes, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        PipeReader reader = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
        var lines = new List<Line>();
        long skipping = -1; // >= 0: bytes of an over-long line skipped so far
        try
        {
            while (true)
            {
                ReadResult read = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = read.Buffer;
                while (buffer.PositionOf((byte)'\n') is { } end)
                {
                    ReadOnlySequence<byte> line = buffer.Slice(0, end);
                    buffer = buffer.Slice(buffer.GetPosition(1, end));
                    if (skipping >= 0)
                    {
                        lines.Add(new Line(null, skipping + line.Length));
                        skipping = -1;
                    }
                    else if (line.Length > maxLineBytes)
                    {
                        lines.Add(new Line(null, line.Length));
                    }
                    else if (!IsBlank(line))
                    {
                        lines.Add(new Line(line.ToArray(), line.Length));
                    }
                }

                if (skipping >= 0 || buffer.Length > maxLineBytes)
                {
                    // No newline within the limit: drop what is buffered and skip on to the line's end.
                    skipping = Math.Max(skipping, 0) + buffer.Length;
                    buffer = buffer.Slice(buffer.End);
                }

                if (read.IsCompleted)
                {
                    if (skipping >= 0)
                    {
                        lines.Add(new Line(null, skipping));
                    }
                    else if (!buffer.IsEmpty && !IsBlank(buffer))
                    {
                        lines.Add(new Line(buffer.ToArray(), buffer.Length));
                    }

                    reader.AdvanceTo(read.Buffer.End);
                    foreach (Line line in lines)
                    {
                        yield return line;
                    }

                    yield break;
                }

                reader.AdvanceTo(buffer.Start, read.Buffer.End);
                foreach (Line line in lines)
                {
                    yield return line;
                }

                lines.Clear();
            }
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    private static bool IsBlank(ReadOnlySequence<byte> line)
    {
        foreach (ReadOnlyMemory<byte> segment in line)
        {
            if (!segment.Span.Trim(" \t\r"u8).IsEmpty)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Reads one result line: <c>{"id","custom_id","response":{"status_code","request_id","body"},"error"}</c>.
    /// Never throws for what the server wrote: a line it cannot read is a <see cref="BatchResultStatus.Malformed"/> result.
    /// </summary>
    public static BatchResult Parse(Line line, string batchId, CreateBatchEndpoint? endpoint, int maxLineBytes)
    {
        if (line.Bytes is not { } bytes)
        {
            return new BatchResult(string.Empty, batchId, BatchResultStatus.Malformed)
            {
                Endpoint = endpoint,
                Error = new BatchResultError("malformed_line", $"A result line of {line.Length} bytes is longer than the {maxLineBytes}-byte limit (MaxResultLineBytes); it was skipped."),
            };
        }

        string raw = Encoding.UTF8.GetString(bytes);
        string customId = string.Empty;
        try
        {
            using JsonDocument document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = JsonModel.ReaderOptions.MaxDepth });
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Malformed(string.Empty, $"The result line is a JSON {root.ValueKind}, not an object.");
            }

            if (!root.TryGetProperty("custom_id"u8, out JsonElement id) || id.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(id.GetString()))
            {
                return Malformed(string.Empty, "The result line has no custom_id.");
            }

            customId = id.GetString()!;
            if (root.TryGetProperty("response"u8, out JsonElement response) && response.ValueKind == JsonValueKind.Object)
            {
                return ReadResponse(response);
            }

            if (root.TryGetProperty("error"u8, out JsonElement error) && error.ValueKind == JsonValueKind.Object)
            {
                return new BatchResult(customId, batchId, BatchResultStatus.Failed) { Endpoint = endpoint, RawLine = raw, Error = ReadError(error, "The request failed.") };
            }

            return Malformed(customId, "The result line has neither a response nor an error.");
        }
        catch (JsonException ex)
        {
            return Malformed(customId, "The result line is not valid JSON: " + ex.Message);
        }

        BatchResult ReadResponse(JsonElement response)
        {
            int? status = response.TryGetProperty("status_code"u8, out JsonElement s) && s.ValueKind == JsonValueKind.Number && s.TryGetInt32(out int code) ? code : null;
            string? requestId = response.TryGetProperty("request_id"u8, out JsonElement r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            bool hasBody = response.TryGetProperty("body"u8, out JsonElement body);
            if (status is null)
            {
                return Malformed(customId, "The result line's response has no status_code.");
            }

            if (status is < 200 or > 299)
            {
                BatchResultError error = hasBody && body.ValueKind == JsonValueKind.Object && body.TryGetProperty("error"u8, out JsonElement e) && e.ValueKind == JsonValueKind.Object
                    ? ReadError(e, $"HTTP {status}")
                    : new BatchResultError(null, $"HTTP {status}");
                return new BatchResult(customId, batchId, BatchResultStatus.Failed) { Endpoint = endpoint, RawLine = raw, StatusCode = status, RequestId = requestId, Error = error };
            }

            if (!hasBody || body.ValueKind != JsonValueKind.Object)
            {
                return new BatchResult(customId, batchId, BatchResultStatus.Malformed)
                {
                    Endpoint = endpoint, RawLine = raw, StatusCode = status, RequestId = requestId,
                    Error = new BatchResultError("invalid_result_body", $"The {status} answer has no JSON object body."),
                };
            }

            Response? responsesAnswer = null;
            CreateChatCompletionResponse? chatAnswer = null;
            CreateEmbeddingResponse? embeddingsAnswer = null;
            CreateModerationResponse? moderationAnswer = null;
            try
            {
                ReadOnlySpan<byte> json = JsonMarshal.GetRawUtf8Value(body);
                switch (endpoint)
                {
                    case CreateBatchEndpoint.V1Responses:
                        responsesAnswer = JsonModel.Deserialize<Response>(json);
                        break;
                    case CreateBatchEndpoint.V1ChatCompletions:
                        chatAnswer = JsonModel.Deserialize<CreateChatCompletionResponse>(json);
                        break;
                    case CreateBatchEndpoint.V1Embeddings:
                        embeddingsAnswer = JsonModel.Deserialize<CreateEmbeddingResponse>(json);
                        break;
                    case CreateBatchEndpoint.V1Moderations:
                        moderationAnswer = JsonModel.Deserialize<CreateModerationResponse>(json);
                        break;
                    default:
                        break; // no typed body for this endpoint: RawLine holds it
                }
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or OverflowException)
            {
                return new BatchResult(customId, batchId, BatchResultStatus.Malformed)
                {
                    Endpoint = endpoint, RawLine = raw, StatusCode = status, RequestId = requestId,
                    Error = new BatchResultError("invalid_result_body", "The answer's body is not the endpoint's response type: " + ex.Message),
                };
            }

            return new BatchResult(customId, batchId, BatchResultStatus.Succeeded)
            {
                Endpoint = endpoint, RawLine = raw, StatusCode = status, RequestId = requestId,
                Response = responsesAnswer, ChatCompletion = chatAnswer, Embeddings = embeddingsAnswer, Moderation = moderationAnswer,
            };
        }

        BatchResult Malformed(string id, string message) =>
            new(id, batchId, BatchResultStatus.Malformed) { Endpoint = endpoint, RawLine = raw, Error = new BatchResultError("malformed_line", message) };
    }

    private static BatchResultError ReadError(JsonElement error, string fallbackMessage)
    {
        static string? Text(JsonElement parent, ReadOnlySpan<byte> name) =>
            parent.TryGetProperty(name, out JsonElement value) ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            } : null;

        return new BatchResultError(Text(error, "code"u8), Text(error, "message"u8) ?? fallbackMessage, Text(error, "type"u8), Text(error, "param"u8));
    }
}
