using System;
using System.Globalization;
using System.Net.Http;
using System.Net.Http.Headers;

namespace Generated.OpenAI.Http;

/// <summary>
/// When to retry and how long to wait, as the official SDKs do: 408, 409, 429 and 5xx are retried unless
/// <c>x-should-retry</c> says otherwise; a server delay (<c>retry-after-ms</c>, <c>Retry-After</c>) within the cap
/// wins, else exponential backoff with up to 25% jitter below the nominal delay.
/// </summary>
internal static class RetryPolicy
{
    public static bool IsRetryableStatus(int status) => status is 408 or 409 or 429 or >= 500;

    /// <summary>The response's retry decision: <c>x-should-retry</c> first, then the status.</summary>
    public static bool ShouldRetry(HttpResponseMessage response)
    {
        string? header = GetRaw(response.Headers, "x-should-retry");
        if (header is not null)
        {
            if (header.Equals("true", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
            if (header.Equals("false", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }
        return IsRetryableStatus((int)response.StatusCode);
    }

    /// <summary>The delay the server asked for, if it gave a parseable one.</summary>
    public static TimeSpan? GetServerDelay(HttpResponseMessage response, DateTimeOffset now)
    {
        string? retryAfterMs = GetRaw(response.Headers, "retry-after-ms");
        if (retryAfterMs is not null
            && double.TryParse(retryAfterMs, NumberStyles.Float, CultureInfo.InvariantCulture, out double ms)
            && double.IsFinite(ms))
        {
            return TimeSpan.FromMilliseconds(ms);
        }
        string? retryAfter = GetRaw(response.Headers, "retry-after");
        if (retryAfter is null)
        {
            return null;
        }
        if (double.TryParse(retryAfter, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && double.IsFinite(seconds))
        {
            return seconds * 1000 > int.MaxValue ? TimeSpan.MaxValue : TimeSpan.FromSeconds(seconds);
        }
        if (DateTimeOffset.TryParseExact(retryAfter, "r", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out DateTimeOffset date)
            || DateTimeOffset.TryParse(retryAfter, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out date))
        {
            return date - now;
        }
        return null;
    }

    /// <summary>The wait before retry number <paramref name="retryIndex"/> (0 for the first retry).</summary>
    /// <param name="serverDelay">The server's requested delay, if any.</param>
    /// <param name="retryIndex">0-based index of the retry about to happen.</param>
    /// <param name="options">Backoff settings.</param>
    /// <param name="random">A value in [0, 1) for the jitter.</param>
    public static TimeSpan ComputeDelay(TimeSpan? serverDelay, int retryIndex, OpenAIClientOptions options, double random)
    {
        if (serverDelay is { } server && server > TimeSpan.Zero && server <= options.MaxRetryAfter)
        {
            return server;
        }
        double nominal = options.InitialRetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(retryIndex, 1000));
        nominal = Math.Min(nominal, options.MaxRetryDelay.TotalMilliseconds);
        double jittered = nominal * (1 - (0.25 * random));
        return TimeSpan.FromMilliseconds(Math.Max(jittered, 0));
    }

    private static string? GetRaw(HttpResponseHeaders headers, string name)
    {
        if (headers.NonValidated.TryGetValues(name, out HeaderStringValues values))
        {
            foreach (string value in values)
            {
                return value.Trim();
            }
        }
        return null;
    }
}
