using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Http;
using Generated.OpenAI.Models;

namespace Generated.OpenAI.Batches;

/// <summary>Reading the results of one finished batch.</summary>
public sealed partial class BatchJob
{
    private async IAsyncEnumerable<BatchResult> ReadBatchResultsAsync(Entry entry, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Batch batch = entry.Latest!;
        if (batch.Status == BatchStatus.Failed)
        {
            await foreach (BatchResult result in FailedBatchResultsAsync(entry, batch, cancellationToken).ConfigureAwait(false))
            {
                yield return result;
            }

            yield break;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (string? fileId in new[] { batch.OutputFileId, batch.ErrorFileId })
        {
            if (string.IsNullOrEmpty(fileId))
            {
                continue;
            }

            await foreach (BatchResultLines.Line line in ReadFileLinesAsync(fileId, problems, cancellationToken).ConfigureAwait(false))
            {
                BatchResult result = BatchResultLines.Parse(line, entry.Id, entry.Endpoint, _options.MaxResultLineBytes);
                if (result.CustomId.Length > 0)
                {
                    seen.Add(result.CustomId);
                }

                yield return result;
            }
        }

        long expected = batch.RequestCounts?.Total ?? 0;
        bool complete = batch.Status == BatchStatus.Completed && problems.Count == 0 && seen.Count >= expected && (entry.CustomIds is null || seen.Count >= entry.CustomIds.Count);
        if (complete)
        {
            yield break;
        }

        // Some requests may have no line: find which, from the ids submitted or, after a resume, the input file.
        IReadOnlyList<string>? ids = entry.CustomIds ?? await ReadInputCustomIdsAsync(batch.InputFileId, problems, cancellationToken).ConfigureAwait(false);
        (string code, string reason) = batch.Status switch
        {
            BatchStatus.Expired => ("batch_expired", "the batch expired before this request ran"),
            BatchStatus.Cancelled => ("batch_cancelled", "the batch was cancelled before this request ran"),
            _ => ("missing_result", $"the batch {batch.Status.ToJsonString()} but neither its output nor its error file has a line for this request"),
        };
        string detail = problems.Count > 0 ? $" ({string.Join("; ", problems)})" : string.Empty;
        if (ids is null)
        {
            long missing = Math.Max(0, expected - seen.Count);
            yield return new BatchResult(string.Empty, entry.Id, BatchResultStatus.Missing)
            {
                Endpoint = entry.Endpoint,
                Error = new BatchResultError(code, $"{missing} request(s) of batch {entry.Id} have no result line, and their custom ids are unknown{detail}."),
            };
            yield break;
        }

        foreach (string id in ids)
        {
            if (!seen.Contains(id))
            {
                yield return new BatchResult(id, entry.Id, BatchResultStatus.Missing)
                {
                    Endpoint = entry.Endpoint,
                    Error = new BatchResultError(code, char.ToUpperInvariant(reason[0]) + reason[1..] + detail + "."),
                };
            }
        }
    }

    /// <summary>A batch that failed validation ran nothing: every request gets the batch's error (its own line's, when named).</summary>
    private async IAsyncEnumerable<BatchResult> FailedBatchResultsAsync(Entry entry, Batch batch, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The item type is not named: the spec calls it BatchErrorsDataItem (2026-05-13) or BatchError (2026-07-16).
        List<ValidationError> errors = batch.Errors?.Data is { } data ? [.. data.Select(e => new ValidationError(e.Code, e.Message, e.Param, e.Line))] : [];
        var byLine = new Dictionary<long, ValidationError>();
        foreach (ValidationError error in errors)
        {
            if (error.Line is > 0 and { } line)
            {
                byLine.TryAdd(line, error);
            }
        }

        ValidationError? general = errors.FirstOrDefault(e => e.Line is null or <= 0) ?? errors.FirstOrDefault();
        string summary = general is null
            ? "the server gave no reason"
            : $"{general.Code}: {general.Message}{(general.Line is > 0 ? $" (line {general.Line})" : string.Empty)}";
        var problems = new List<string>();
        IReadOnlyList<string>? ids = entry.CustomIds ?? await ReadInputCustomIdsAsync(batch.InputFileId, problems, cancellationToken).ConfigureAwait(false);
        if (ids is null)
        {
            yield return new BatchResult(string.Empty, entry.Id, BatchResultStatus.Failed)
            {
                Endpoint = entry.Endpoint,
                Error = new BatchResultError(general?.Code ?? "batch_failed", $"Batch {entry.Id} failed validation ({summary}); its custom ids are unknown ({string.Join("; ", problems)}).", null, general?.Param),
            };
            yield break;
        }

        for (int i = 0; i < ids.Count; i++)
        {
            BatchResultError error = byLine.TryGetValue(i + 1, out ValidationError? own)
                ? new BatchResultError(own.Code ?? "batch_failed", $"{own.Message} (line {i + 1}).", null, own.Param)
                : new BatchResultError("batch_failed", $"The batch failed validation, so this request did not run: {summary}.", null, null);
            yield return new BatchResult(ids[i], entry.Id, BatchResultStatus.Failed) { Endpoint = entry.Endpoint, Error = error };
        }
    }

    /// <summary>One of a failed batch's <c>errors.data[]</c>.</summary>
    private sealed record ValidationError(string? Code, string? Message, string? Param, long? Line);

    /// <summary>
    /// The lines of a file as they download. A download that fails (404, connection lost) ends the lines early and adds
    /// the reason to <paramref name="problems"/> instead of throwing; cancellation still throws.
    /// </summary>
    private async IAsyncEnumerable<BatchResultLines.Line> ReadFileLinesAsync(string fileId, List<string> problems, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        PipelineResponse response;
        try
        {
            response = await _client.Files.DownloadFileAsync(fileId, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OpenAIException or HttpRequestException or IOException)
        {
            problems.Add($"file {fileId} could not be downloaded: {ex.Message}");
            yield break;
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                problems.Add($"file {fileId} could not be downloaded: HTTP {response.Status}");
                yield break;
            }

            IAsyncEnumerator<BatchResultLines.Line> lines = BatchResultLines.ReadAsync(response.ContentStream, _options.MaxResultLineBytes, cancellationToken).GetAsyncEnumerator(cancellationToken);
            await using (lines.ConfigureAwait(false))
            {
                while (true)
                {
                    try
                    {
                        if (!await lines.MoveNextAsync().ConfigureAwait(false))
                        {
                            yield break;
                        }
                    }
                    catch (Exception ex) when (ex is IOException or HttpRequestException)
                    {
                        problems.Add($"file {fileId} was cut short: {ex.Message}");
                        yield break;
                    }

                    yield return lines.Current;
                }
            }
        }
    }

    /// <summary>The custom ids of an input file in line order, or null (with the reason in <paramref name="problems"/>) when it cannot be read.</summary>
    private async Task<IReadOnlyList<string>?> ReadInputCustomIdsAsync(string inputFileId, List<string> problems, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        int before = problems.Count;
        await foreach (BatchResultLines.Line line in ReadFileLinesAsync(inputFileId, problems, cancellationToken).ConfigureAwait(false))
        {
            string? id = null;
            if (line.Bytes is { } bytes)
            {
                try
                {
                    using JsonDocument document = JsonDocument.Parse(bytes);
                    if (document.RootElement.ValueKind == JsonValueKind.Object
                        && document.RootElement.TryGetProperty("custom_id"u8, out JsonElement c) && c.ValueKind == JsonValueKind.String)
                    {
                        id = c.GetString();
                    }
                }
                catch (JsonException)
                {
                }
            }

            ids.Add(id ?? string.Empty);
        }

        return problems.Count > before ? null : ids;
    }
}
