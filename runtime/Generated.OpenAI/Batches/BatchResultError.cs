namespace Generated.OpenAI.Batches;

/// <summary>
/// Why a request of a batch has no answer: the error object of a non-2xx response body, the line's own <c>error</c>,
/// a batch validation error, or a condition found by the client (codes <c>missing_result</c>, <c>malformed_line</c>,
/// <c>invalid_result_body</c>, <c>file_unavailable</c>).
/// </summary>
/// <param name="Code">The error code (<c>server_error</c>, <c>batch_expired</c>, <c>missing_required_parameter</c>, …), or null.</param>
/// <param name="Message">What went wrong, for a person.</param>
/// <param name="Type">The error type of an API error body (<c>invalid_request_error</c>, …), or null.</param>
/// <param name="Param">The parameter the error is about, or null.</param>
public sealed record BatchResultError(string? Code, string Message, string? Type = null, string? Param = null);
