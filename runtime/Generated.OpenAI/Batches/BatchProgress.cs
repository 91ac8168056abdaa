using System.Collections.Generic;
using Generated.OpenAI.Models;

namespace Generated.OpenAI.Batches;

/// <summary>A snapshot of a <see cref="BatchJob"/> after a poll: request counts summed over its batches.</summary>
/// <param name="Batches">The latest state of every batch of the job (status, counts, file ids), in submission order.</param>
/// <param name="FinishedBatches">How many batches reached <c>completed</c>, <c>failed</c>, <c>expired</c> or <c>cancelled</c>.</param>
/// <param name="TotalRequests">Requests in the batches (as counted by the server so far).</param>
/// <param name="CompletedRequests">Requests answered with success.</param>
/// <param name="FailedRequests">Requests answered with an error.</param>
public sealed record BatchProgress(IReadOnlyList<Batch> Batches, int FinishedBatches, long TotalRequests, long CompletedRequests, long FailedRequests)
{
    /// <summary>Answered requests (completed and failed) over the total, 0 to 1; 0 while the total is unknown.</summary>
    public double Fraction => TotalRequests == 0 ? 0 : (double)(CompletedRequests + FailedRequests) / TotalRequests;
}
