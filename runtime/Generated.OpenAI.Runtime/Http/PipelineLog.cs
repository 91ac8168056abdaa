using System;
using Microsoft.Extensions.Logging;

namespace Generated.OpenAI.Http;

/// <summary>
/// The pipeline's log messages (source-generated, no boxing when disabled). Only redacted values are passed in:
/// URLs without user info and header dumps with credentials replaced.
/// </summary>
internal static partial class PipelineLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Sending {Method} {Url} (attempt {Attempt})")]
    public static partial void Sending(ILogger logger, string method, string url, int attempt);

    [LoggerMessage(EventId = 2, Level = LogLevel.Trace, Message = "Request headers of {Method} {Url}: {Headers}")]
    public static partial void RequestHeaders(ILogger logger, string method, string url, string headers);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "{Method} {Url} returned {Status} in {ElapsedMs} ms (attempt {Attempt}, request id {RequestId})")]
    public static partial void Received(ILogger logger, string method, string url, int status, long elapsedMs, int attempt, string? requestId);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "{Method} {Url} returned {Status} (attempt {Attempt}, request id {RequestId}); retrying in {DelayMs} ms")]
    public static partial void RetryingStatus(ILogger logger, string method, string url, int status, int attempt, string? requestId, long delayMs);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "{Method} {Url} failed without a response ({Reason}, attempt {Attempt}); retrying in {DelayMs} ms")]
    public static partial void RetryingFailure(ILogger logger, string method, string url, string reason, int attempt, long delayMs);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "{Method} {Url} failed with {Status} after {Attempt} attempt(s) (request id {RequestId})")]
    public static partial void Failed(ILogger logger, string method, string url, int status, int attempt, string? requestId);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "{Method} {Url} failed without a response after {Attempt} attempt(s): {Reason}")]
    public static partial void FailedWithoutResponse(ILogger logger, string method, string url, int attempt, string reason, Exception? exception);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "{Method} {Path} is not retried: its content stream cannot be sent again")]
    public static partial void NotReplayable(ILogger logger, string method, string path);
}
