using System;

namespace Generated.OpenAI.Http;

/// <summary>HTTP 401: the API key is missing, wrong or revoked.</summary>
public class AuthenticationException : OpenAIException
{
    /// <summary>Creates the exception; see <see cref="OpenAIException"/> for the parameters.</summary>
    /// <param name="message">The message.</param>
    /// <param name="status">The HTTP status code.</param>
    /// <param name="requestId">The <c>x-request-id</c> response header.</param>
    /// <param name="errorType">The error body's <c>type</c>.</param>
    /// <param name="errorCode">The error body's <c>code</c>.</param>
    /// <param name="errorParam">The error body's <c>param</c>.</param>
    /// <param name="errorMessage">The error body's <c>message</c>.</param>
    /// <param name="rawBody">The response body as received.</param>
    /// <param name="innerException">The cause, if any.</param>
    public AuthenticationException(
        string message,
        int status = 401,
        string? requestId = null,
        string? errorType = null,
        string? errorCode = null,
        string? errorParam = null,
        string? errorMessage = null,
        string? rawBody = null,
        Exception? innerException = null)
        : base(message, status, requestId, errorType, errorCode, errorParam, errorMessage, rawBody, innerException)
    {
    }
}
