using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Http;
using Generated.OpenAI.Models;

namespace Generated.OpenAI.Batches;

/// <summary>
/// Batches submitted together (or resumed by id): polls them, reports progress, and streams the results of each batch as
/// it finishes, every result keyed by its custom id.
/// </summary>
/// <remarks>
/// <para>Polling waits <see cref="BatchRunnerOptions.PollInterval"/>, growing by half while nothing changes up to
/// <see cref="BatchRunnerOptions.MaxPollInterval"/>; the whole wait ends with a <see cref="TimeoutException"/> after
/// <see cref="BatchRunnerOptions.WaitTimeout"/>, and every call honours the cancellation token.</para>
/// <para>Server trouble never ends the stream: a line that cannot be read is a <see cref="BatchResultStatus.Malformed"/>
/// result with its raw text; an output or error file that is missing or cannot be downloaded, or a batch that ended
/// <c>expired</c> or <c>cancelled</c>, gives a <see cref="BatchResultStatus.Missing"/> result (code
/// <c>missing_result</c>, <c>batch_expired</c>, <c>batch_cancelled</c>) for each request without a line; a batch that
/// <c>failed</c> validation gives every request a <see cref="BatchResultStatus.Failed"/> result with the batch's error
/// (its own line's error when the server names the line). API errors of the calls themselves (401, 404 for an unknown
/// batch id, …) are thrown as <see cref="OpenAIException"/>s.</para>
/// <para>Not thread-safe: one enumeration at a time.</para>
/// </remarks>
public sealed partial class BatchJob
{
    private readonly OpenAIClient _client;
    private readonly BatchRunnerOptions _options;
    private readonly List<Entry> _entries;

    internal BatchJob(OpenAIClient client, BatchRunnerOptions options, List<Entry> entries)
    {
        _client = client;
        _options = options;
        _entries = entries;
    }

    /// <summary>The batch ids, in submission order: persist them to resume with <see cref="BatchRunner.Resume"/>.</summary>
    public IReadOnlyList<string> BatchIds => [.. _entries.Select(e => e.Id)];

    /// <summary>The latest state of each batch seen by this job (null for a resumed batch not yet polled).</summary>
    public IReadOnlyList<Batch?> Batches => [.. _entries.Select(e => e.Latest)];

    /// <summary>Polls until every batch has finished (completed, failed, expired or cancelled), reporting each poll.</summary>
    /// <returns>The final state of every batch, in submission order.</returns>
    /// <exception cref="TimeoutException">The batches did not finish within <see cref="BatchRunnerOptions.WaitTimeout"/>.</exception>
    public async Task<IReadOnlyList<Batch>> WaitAsync(IProgress<BatchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan interval = _options.PollInterval;
        while (true)
        {
            bool changed = await PollAsync(_entries.Where(e => !IsFinished(e.Latest)), progress, cancellationToken).ConfigureAwait(false);
            if (_entries.All(e => IsFinished(e.Latest)))
            {
                return [.. _entries.Select(e => e.Latest!)];
            }

            interval = await DelayAsync(clock, changed, interval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Streams the results of every batch: polls until a batch finishes, then reads its output and error files line
    /// by line (nothing is held in memory beyond a line), then the next finished batch, until all are read.
    /// </summary>
    /// <param name="progress">Told after every poll; null for none.</param>
    /// <param name="cancellationToken">Cancels the wait and the downloads (the batches keep running on the server).</param>
    /// <exception cref="TimeoutException">The batches did not finish within <see cref="BatchRunnerOptions.WaitTimeout"/>.</exception>
    public async IAsyncEnumerable<BatchResult> ReadResultsAsync(IProgress<BatchProgress>? progress = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan interval = _options.PollInterval;
        var pending = new List<Entry>(_entries);
        while (pending.Count > 0)
        {
            bool changed = await PollAsync(pending.Where(e => !IsFinished(e.Latest)), progress, cancellationToken).ConfigureAwait(false);
            List<Entry> finished = [.. pending.Where(e => IsFinished(e.Latest))];
            foreach (Entry entry in finished)
            {
                pending.Remove(entry);
                await foreach (BatchResult result in ReadBatchResultsAsync(entry, cancellationToken).ConfigureAwait(false))
                {
                    yield return result;
                }
            }

            if (pending.Count > 0)
            {
                interval = await DelayAsync(clock, changed || finished.Count > 0, interval, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Asks the server to cancel every batch that has not finished; their results still stream (partial, with <c>batch_cancelled</c> for the rest).</summary>
    public async Task CancelAsync(CancellationToken cancellationToken = default)
    {
        foreach (Entry entry in _entries.Where(e => !IsFinished(e.Latest)))
        {
            entry.Latest = (await _client.Batches.CancelBatchAsync(entry.Id, cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        }
    }

    private static bool IsFinished(Batch? batch) =>
        batch is { Status: BatchStatus.Completed or BatchStatus.Failed or BatchStatus.Expired or BatchStatus.Cancelled };

    /// <summary>Retrieves each of <paramref name="entries"/>, then reports; returns whether any status or count changed.</summary>
    private async Task<bool> PollAsync(IEnumerable<Entry> entries, IProgress<BatchProgress>? progress, CancellationToken cancellationToken)
    {
        bool changed = false;
        foreach (Entry entry in entries.ToList())
        {
            Batch batch = (await _client.Batches.RetrieveBatchAsync(entry.Id, cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            Batch? before = entry.Latest;
            changed |= before is null || before.Status != batch.Status
                || before.RequestCounts?.Completed != batch.RequestCounts?.Completed
                || before.RequestCounts?.Failed != batch.RequestCounts?.Failed;
            entry.Latest = batch;
            entry.Endpoint ??= ParseEndpoint(batch.Endpoint);
        }

        progress?.Report(Snapshot());
        return changed;
    }

    private BatchProgress Snapshot()
    {
        Batch[] batches = [.. _entries.Where(e => e.Latest is not null).Select(e => e.Latest!)];
        return new BatchProgress(
            batches,
            batches.Count(IsFinished),
            batches.Sum(b => b.RequestCounts?.Total ?? 0),
            batches.Sum(b => b.RequestCounts?.Completed ?? 0),
            batches.Sum(b => b.RequestCounts?.Failed ?? 0));
    }

    /// <summary>Waits the poll interval (capped by the deadline) and returns the next one.</summary>
    private async Task<TimeSpan> DelayAsync(Stopwatch clock, bool changed, TimeSpan interval, CancellationToken cancellationToken)
    {
        TimeSpan next = changed
            ? _options.PollInterval
            : TimeSpan.FromTicks(Math.Min(_options.MaxPollInterval.Ticks, (long)(interval.Ticks * 1.5)));
        TimeSpan wait = changed ? _options.PollInterval : interval;
        if (_options.WaitTimeout != Timeout.InfiniteTimeSpan)
        {
            TimeSpan left = _options.WaitTimeout - clock.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                string states = string.Join(", ", _entries.Select(e => $"{e.Id} {e.Latest?.Status.ToJsonString() ?? "unknown"}"));
                throw new TimeoutException($"The batches did not finish within {_options.WaitTimeout} (WaitTimeout): {states}. They keep running on the server; resume with their ids.");
            }

            wait = wait < left ? wait : left;
        }

        await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
        return next;
    }

    internal static CreateBatchEndpoint? ParseEndpoint(string? endpoint) =>
        endpoint is not null && CreateBatchEndpointExtensions.TryParse(System.Text.Encoding.UTF8.GetBytes(endpoint), out CreateBatchEndpoint value) ? value : null;

    /// <summary>One batch of the job: its id, endpoint and custom ids in line order (null when resumed), and its latest state.</summary>
    internal sealed class Entry(string id, CreateBatchEndpoint? endpoint, IReadOnlyList<string>? customIds)
    {
        public string Id { get; } = id;

        public CreateBatchEndpoint? Endpoint { get; set; } = endpoint;

        public IReadOnlyList<string>? CustomIds { get; set; } = customIds;

        public Batch? Latest { get; set; }
    }
}
