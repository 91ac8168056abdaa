using System;
using System.Threading;

namespace Generated.OpenAI.Simulator;

/// <summary>
/// A fault switch of the REST simulator: applies to requests whose path (without <c>/v1</c>) equals
/// <see cref="Path"/> or matches it as a spec template (<c>/files/{file_id}</c>), or to every request when
/// <see cref="Path"/> is null, at most <see cref="Count"/> times (null: until removed).
/// </summary>
public sealed class RestFault
{
    private int _remaining;

    /// <summary>Creates a fault switch.</summary>
    public RestFault(RestFaultKind kind, string? path = null, int? count = 1, int retryAfterSeconds = 1)
    {
        if (count is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), "A fault applies at least once; use null for 'always'.");
        }

        Kind = kind;
        Path = path is null ? null : "/" + path.Trim('/').Replace("v1/", string.Empty, StringComparison.Ordinal);
        Count = count;
        RetryAfterSeconds = retryAfterSeconds;
        _remaining = count ?? int.MaxValue;
    }

    /// <summary>What happens to a matching request.</summary>
    public RestFaultKind Kind { get; }

    /// <summary>Path or path template without <c>/v1</c>; null for every request.</summary>
    public string? Path { get; }

    /// <summary>How many requests the fault applies to; null for unlimited.</summary>
    public int? Count { get; }

    /// <summary>Seconds written to <c>Retry-After</c> (429 only).</summary>
    public int RetryAfterSeconds { get; }

    /// <summary>How many times the fault fired.</summary>
    public int Hits => (Count ?? int.MaxValue) - Volatile.Read(ref _remaining);

    /// <summary>True once the fault has fired <see cref="Count"/> times.</summary>
    public bool IsExhausted => Volatile.Read(ref _remaining) <= 0;

    internal bool TryConsume(string path, string? template)
    {
        if (Path is not null && !string.Equals(Path, path, StringComparison.Ordinal) && !string.Equals(Path, template, StringComparison.Ordinal))
        {
            return false;
        }

        while (true)
        {
            int remaining = Volatile.Read(ref _remaining);
            if (remaining <= 0)
            {
                return false;
            }

            if (Count is null || Interlocked.CompareExchange(ref _remaining, remaining - 1, remaining) == remaining)
            {
                return true;
            }
        }
    }
}
