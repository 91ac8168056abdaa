using System;
using System.Collections.Generic;

namespace Generated.OpenAI.Batches;

/// <summary>Options of <see cref="BatchRunner"/>: where requests are split, and how batches are polled.</summary>
public sealed class BatchRunnerOptions
{
    /// <summary>OpenAI's limit on the requests of one input file: 50,000.</summary>
    public const int OpenAIMaxRequestsPerFile = 50_000;

    /// <summary>OpenAI's limit on the size of one input file: 200 MB.</summary>
    public const long OpenAIMaxFileBytes = 200L * 1024 * 1024;

    /// <summary>The most requests written to one input file (one batch); <see cref="OpenAIMaxRequestsPerFile"/> by default.</summary>
    public int MaxRequestsPerBatch { get; set; } = OpenAIMaxRequestsPerFile;

    /// <summary>The largest input file in bytes (one batch); <see cref="OpenAIMaxFileBytes"/> by default.</summary>
    public long MaxBytesPerBatch { get; set; } = OpenAIMaxFileBytes;

    /// <summary>The first wait between two polls of a batch's status; 5 s by default.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The longest wait between two polls: while no batch changes, the wait grows by half each time up to this;
    /// it starts again from <see cref="PollInterval"/> when one does. 1 minute by default.
    /// </summary>
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long waiting for results may take in all before it ends with a <see cref="TimeoutException"/>; 25 hours by
    /// default (OpenAI's 24 h completion window and an hour to finalize). <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> waits without a deadline.
    /// </summary>
    public TimeSpan WaitTimeout { get; set; } = TimeSpan.FromHours(25);

    /// <summary>The longest result line read (a longer one becomes a <see cref="BatchResultStatus.Malformed"/> result); 64 MiB by default.</summary>
    public int MaxResultLineBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>Metadata set on every batch created (at most 16 pairs, OpenAI's rule), or null.</summary>
    public IDictionary<string, string>? Metadata { get; set; }

    /// <summary>Where input files are spooled before upload; the system temporary folder when null.</summary>
    public string? TemporaryDirectory { get; set; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRequestsPerBatch, 1, nameof(MaxRequestsPerBatch));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBytesPerBatch, 1, nameof(MaxBytesPerBatch));
        ArgumentOutOfRangeException.ThrowIfLessThan(PollInterval, TimeSpan.Zero, nameof(PollInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPollInterval, PollInterval, nameof(MaxPollInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxResultLineBytes, 1, nameof(MaxResultLineBytes));
        if (WaitTimeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(WaitTimeout, TimeSpan.Zero, nameof(WaitTimeout));
        }
    }
}
