using System;
using System.Collections.Generic;

namespace Generated.OpenAI.Http;

/// <summary>
/// Per-call overrides of <see cref="OpenAIClientOptions"/>. The cancellation token is passed separately.
/// </summary>
public sealed class RequestOptions
{
    /// <summary>Headers added to this request; they replace client default headers and request headers of the same name.</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Per-attempt timeout for this call; <see langword="null"/> uses <see cref="OpenAIClientOptions.Timeout"/>.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>Retry budget for this call; <see langword="null"/> uses <see cref="OpenAIClientOptions.MaxRetries"/>.</summary>
    public int? MaxRetries { get; set; }

    /// <summary>Adds or replaces a header for this call and returns this instance.</summary>
    /// <param name="name">The header name.</param>
    /// <param name="value">The header value.</param>
    public RequestOptions WithHeader(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        Headers[name] = value;
        return this;
    }
}
