namespace Generated.OpenAI.Batches;

/// <summary>What became of one request of a batch.</summary>
public enum BatchResultStatus
{
    /// <summary>Answered with a 2xx status; the typed body is set.</summary>
    Succeeded,

    /// <summary>
    /// Answered with an error: a non-2xx status (the error from the body), a line-level error (for example
    /// <c>batch_expired</c>), or the whole batch failed validation (<c>errors</c> of the batch; the line's own error when
    /// it names the line).
    /// </summary>
    Failed,

    /// <summary>The result line could not be read (not JSON, no custom id, or a body that is not the endpoint's type); <see cref="BatchResult.RawLine"/> keeps it.</summary>
    Malformed,

    /// <summary>The batch ended but neither its output nor its error file holds a line for this request (a file missing, cut short, or the batch cancelled or expired without one).</summary>
    Missing,
}
