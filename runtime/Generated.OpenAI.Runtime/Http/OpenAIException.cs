using System;
using System.Net.Http.Headers;

namespace Generated.OpenAI.Http;

/// <summary>
/// Base of every error the pipeline raises: an error status from the API (with the fields of its
/// <c>{"error":{...}}</c> body), or no response at all (<see cref="APIConnectionException"/>, <see cref="APITimeoutException"/>).
/// </summary>
/// <remarks>Messages are scrubbed of the API keys of the options that made the call.</remarks>
public class OpenAIException : Exception
{
    /// <summary>Creates an exception for an HTTP error status.</summary>
    /// <param name="message">The message.</param>
    /// <param name="status">The HTTP status code (0 when no response was received).</param>
    /// <param name="requestId">The <c>x-request-id</c> response header.</param>
    /// <param name="errorType">The error body's <c>type</c>.</param>
    /// <param name="errorCode">The error body's <c>code</c>.</param>
    /// <param name="errorParam">The error body's <c>param</c>.</param>
    /// <param name="errorMessage">The error body's <c>message</c>.</param>
    /// <param name="rawBody">The response body as received (possibly not JSON).</param>
    /// <param name="innerException">The cause, if any.</param>
    public OpenAIException(
        string message,
        int status,
        string? requestId = null,
        string? errorType = null,
        string? errorCode = null,
        string? errorParam = null,
        string? errorMessage = null,
        string? rawBody = null,
        Exception? innerException = null)
        : base(message, innerException)
    {
        Status = status;
        RequestId = requestId;
        ErrorType = errorType;
        ErrorCode = errorCode;
        ErrorParam = errorParam;
        ErrorMessage = errorMessage;
        RawBody = rawBody;
    }

    /// <summary>The HTTP status code, or 0 when no response was received.</summary>
    public int Status { get; }

    /// <summary>The <c>x-request-id</c> response header, if any.</summary>
    public string? RequestId { get; }

    /// <summary>The error body's <c>type</c>, such as <c>invalid_request_error</c>.</summary>
    public string? ErrorType { get; }

    /// <summary>The error body's <c>code</c>, such as <c>model_not_found</c>.</summary>
    public string? ErrorCode { get; }

    /// <summary>The error body's <c>param</c>: the request parameter at fault.</summary>
    public string? ErrorParam { get; }

    /// <summary>The error body's <c>message</c>, the API's human-readable explanation.</summary>
    public string? ErrorMessage { get; }

    /// <summary>The error response's headers (for example <c>x-ratelimit-*</c>), when there was a response.</summary>
    public HttpResponseHeaders? ResponseHeaders { get; init; }

    /// <summary>The response body as received (kept even when it is not the expected JSON), with the client's API keys masked.</summary>
    public string? RawBody { get; }
}
