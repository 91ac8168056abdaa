using System;
using System.Collections.Generic;

namespace Generated.OpenAI.Batches;

/// <summary>
/// Submitting requests stopped part way (an upload or a batch creation failed, or the submission was canceled):
/// <see cref="CreatedBatchIds"/> lists the batches already created, which run on the server regardless; give them to
/// <see cref="BatchRunner.Resume"/> to collect their results, or cancel them. The cause is the inner exception.
/// </summary>
public sealed class BatchSubmissionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BatchSubmissionException(string message, IReadOnlyList<string> createdBatchIds, Exception innerException)
        : base(message, innerException)
    {
        CreatedBatchIds = createdBatchIds ?? [];
    }

    /// <summary>Creates the exception with no batches created.</summary>
    public BatchSubmissionException(string message, Exception innerException)
        : this(message, [], innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public BatchSubmissionException()
        : this("Submitting the batch requests failed.", [], new InvalidOperationException())
    {
    }

    /// <summary>The ids of the batches created before the submission stopped.</summary>
    public IReadOnlyList<string> CreatedBatchIds { get; }
}
