using System.Collections.Generic;
using System.Linq;

namespace Generated.OpenAI.Http;

/// <summary>A typed result with what the raw response said: status, headers and the request id.</summary>
/// <typeparam name="T">The body's type.</typeparam>
public sealed class ApiResponse<T>
{
    internal ApiResponse(T value, PipelineResponse response)
    {
        Value = value;
        Status = response.Status;
        RequestId = response.RequestId;
        Attempts = response.Attempts;
        Headers = response.Headers.Select(h => new KeyValuePair<string, string>(h.Key, string.Join(",", h.Value))).ToList();
    }

    /// <summary>The deserialized body.</summary>
    public T Value { get; }

    /// <summary>The HTTP status code.</summary>
    public int Status { get; }

    /// <summary>The <c>x-request-id</c> header: quote it to OpenAI support.</summary>
    public string? RequestId { get; }

    /// <summary>How many attempts the call took (retries included).</summary>
    public int Attempts { get; }

    /// <summary>The response and content headers.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>The value.</summary>
    public static implicit operator T(ApiResponse<T> response) => response.Value;
}
