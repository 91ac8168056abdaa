using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Models;
using Generated.OpenAI.Serialization;

namespace Generated.OpenAI.Batches;

/// <summary>
/// Runs typed requests through OpenAI's Batch API: writes them as JSONL input files (streamed to disk, split at
/// <see cref="BatchRunnerOptions.MaxRequestsPerBatch"/> requests and <see cref="BatchRunnerOptions.MaxBytesPerBatch"/>
/// bytes, one endpoint per file), uploads each with purpose <c>batch</c>, creates a batch over it, and hands back a
/// <see cref="BatchJob"/> that polls the batches and streams their results keyed by custom id.
/// </summary>
/// <example>
/// <code>
/// var runner = new BatchRunner(client);
/// BatchJob job = await runner.SubmitAsync(requests);
/// File.WriteAllLines("batches.txt", job.BatchIds);            // to resume after a restart
/// await foreach (BatchResult result in job.ReadResultsAsync(progress))
///     Console.WriteLine($"{result.CustomId}: {result.Response?.Id ?? result.Error?.Message}");
/// // after a restart: runner.Resume(File.ReadAllLines("batches.txt")).ReadResultsAsync()
/// </code>
/// </example>
/// <remarks>Thread-safe: a runner holds only the client and the options; each submission is independent.</remarks>
public sealed class BatchRunner
{
    private readonly OpenAIClient _client;
    private readonly BatchRunnerOptions _options;

    /// <summary>Creates a runner over <paramref name="client"/>'s Files and Batches operations.</summary>
    /// <param name="client">The client (its pipeline's retries and timeouts apply to every call).</param>
    /// <param name="options">Split limits and polling; the defaults are OpenAI's limits and a 5 s poll.</param>
    public BatchRunner(OpenAIClient client, BatchRunnerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _options = options ?? new BatchRunnerOptions();
        _options.Validate();
    }

    /// <summary>The options (shared, not copied).</summary>
    public BatchRunnerOptions Options => _options;

    /// <summary>Submits <paramref name="requests"/>; see <see cref="SubmitAsync(IAsyncEnumerable{BatchRequest}, CancellationToken)"/>.</summary>
    public Task<BatchJob> SubmitAsync(IEnumerable<BatchRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        return SubmitAsync(ToAsync(requests), cancellationToken);

        static async IAsyncEnumerable<BatchRequest> ToAsync(IEnumerable<BatchRequest> items)
        {
            foreach (BatchRequest item in items)
            {
                yield return item;
            }

            await Task.CompletedTask.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes the requests to input files as they come (one open file per endpoint; a file that would pass a limit is
    /// uploaded and its batch created, and a new file begun), and returns once every batch is created.
    /// </summary>
    /// <returns>The job: its <see cref="BatchJob.BatchIds"/> (keep them to resume) and its results.</returns>
    /// <exception cref="ArgumentException">A custom id repeats, or one request alone is larger than <see cref="BatchRunnerOptions.MaxBytesPerBatch"/>.</exception>
    /// <exception cref="BatchSubmissionException">An upload or a creation failed, or <paramref name="cancellationToken"/> fired, after some batches were created (they are listed).</exception>
    public async Task<BatchJob> SubmitAsync(IAsyncEnumerable<BatchRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var entries = new List<BatchJob.Entry>();
        var files = new Dictionary<CreateBatchEndpoint, InputFile>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var line = new ArrayBufferWriter<byte>(4096);
        using var writer = new Utf8JsonWriter(line, JsonModel.WriterOptions);
        try
        {
            await foreach (BatchRequest request in requests.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                ArgumentNullException.ThrowIfNull(request, nameof(requests));
                if (!seen.Add(request.CustomId))
                {
                    throw new ArgumentException($"The custom id '{request.CustomId}' appears more than once; every request needs its own.", nameof(requests));
                }

                line.ResetWrittenCount();
                writer.Reset(line);
                request.WriteLine(writer);
                writer.Flush();
                line.Write("\n"u8);
                if (line.WrittenCount > _options.MaxBytesPerBatch)
                {
                    throw new ArgumentException($"The request '{request.CustomId}' is {line.WrittenCount} bytes as a line, more than a whole input file may hold ({_options.MaxBytesPerBatch}).", nameof(requests));
                }

                if (files.TryGetValue(request.Endpoint, out InputFile? file)
                    && (file.Count >= _options.MaxRequestsPerBatch || file.Bytes + line.WrittenCount > _options.MaxBytesPerBatch))
                {
                    files.Remove(request.Endpoint);
                    entries.Add(await CreateBatchAsync(file, entries.Count, cancellationToken).ConfigureAwait(false));
                    file = null;
                }

                if (file is null)
                {
                    file = new InputFile(request.Endpoint, _options.TemporaryDirectory);
                    files[request.Endpoint] = file;
                }

                await file.AppendAsync(request.CustomId, line.WrittenMemory, cancellationToken).ConfigureAwait(false);
            }

            foreach (InputFile file in files.Values.OrderBy(f => f.Sequence).ToList())
            {
                files.Remove(file.Endpoint);
                entries.Add(await CreateBatchAsync(file, entries.Count, cancellationToken).ConfigureAwait(false));
            }
        }
        catch (Exception ex) when (entries.Count > 0 && ex is not ArgumentException)
        {
            throw new BatchSubmissionException($"Submitting stopped after {entries.Count} batch(es) were created: {ex.Message}", [.. entries.Select(e => e.Id)], ex);
        }
        finally
        {
            foreach (InputFile file in files.Values)
            {
                await file.DisposeAsync().ConfigureAwait(false);
            }
        }

        return new BatchJob(_client, _options, entries);
    }

    /// <summary>
    /// A job over batches created earlier (by this process before a restart, or by anyone): polling and results continue
    /// from the server's state. The custom ids of a batch are read back from its input file only when they are needed
    /// (a failed batch, or results missing from the output).
    /// </summary>
    /// <param name="batchIds">The ids, as <see cref="BatchJob.BatchIds"/> gave them.</param>
    public BatchJob Resume(IEnumerable<string> batchIds)
    {
        ArgumentNullException.ThrowIfNull(batchIds);
        List<BatchJob.Entry> entries = [.. batchIds.Select(id =>
        {
            ArgumentException.ThrowIfNullOrEmpty(id, nameof(batchIds));
            return new BatchJob.Entry(id, null, null);
        })];
        return new BatchJob(_client, _options, entries);
    }

    private async Task<BatchJob.Entry> CreateBatchAsync(InputFile file, int index, CancellationToken cancellationToken)
    {
        await using (file.ConfigureAwait(false))
        {
            Stream content = await file.CompleteAsync(cancellationToken).ConfigureAwait(false);
            string fileName = $"batch-{index + 1:D4}-{file.Endpoint.ToJsonString().Replace("/v1/", string.Empty, StringComparison.Ordinal).Replace('/', '-')}.jsonl";
            OpenAIFile uploaded = (await _client.Files.CreateFileAsync(
                new CreateFileRequest { File = new UploadFile(content, fileName, "application/jsonl"), Purpose = CreateFilePurpose.Batch },
                cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            var create = new CreateBatchRequest { InputFileId = uploaded.Id, Endpoint = file.Endpoint };
            if (_options.Metadata is { Count: > 0 } metadata)
            {
                create.Metadata = new Dictionary<string, string>(metadata, StringComparer.Ordinal);
            }

            Batch batch = (await _client.Batches.CreateBatchAsync(create, cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            return new BatchJob.Entry(batch.Id, file.Endpoint, file.CustomIds) { Latest = batch };
        }
    }

    /// <summary>One input file being written: a temporary file deleted when disposed, and the custom ids in line order.</summary>
    private sealed class InputFile : IAsyncDisposable
    {
        private static long s_sequence;
        private readonly FileStream _stream;

        public InputFile(CreateBatchEndpoint endpoint, string? directory)
        {
            Endpoint = endpoint;
            Sequence = Interlocked.Increment(ref s_sequence);
            string path = Path.Combine(directory ?? Path.GetTempPath(), $"openai-batch-{Guid.NewGuid():N}.jsonl");
            _stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024,
                FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        }

        public CreateBatchEndpoint Endpoint { get; }

        public long Sequence { get; }

        public List<string> CustomIds { get; } = [];

        public int Count => CustomIds.Count;

        public long Bytes => _stream.Position;

        public async ValueTask AppendAsync(string customId, ReadOnlyMemory<byte> line, CancellationToken cancellationToken)
        {
            await _stream.WriteAsync(line, cancellationToken).ConfigureAwait(false);
            CustomIds.Add(customId);
        }

        /// <summary>Flushes and rewinds: the stream to upload (it stays owned by this file).</summary>
        public async ValueTask<Stream> CompleteAsync(CancellationToken cancellationToken)
        {
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            _stream.Position = 0;
            return _stream;
        }

        public ValueTask DisposeAsync() => _stream.DisposeAsync();
    }
}
