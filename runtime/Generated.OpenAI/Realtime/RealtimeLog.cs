using Microsoft.Extensions.Logging;

namespace Generated.OpenAI.Realtime;

/// <summary>
/// The realtime log lines (category <see cref="RealtimeTelemetry.LoggerCategory"/>): the lifecycle at Information, a
/// session failure at Error, server <c>error</c> events at Warning, every event at Trace (its type and id, never its
/// audio or text). Text that came from the server or from an exception is scrubbed of credentials before it gets here.
/// </summary>
internal static partial class RealtimeLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Realtime {Kind} session connected to {Endpoint} (model {Model})")]
    public static partial void Connected(ILogger logger, string kind, string endpoint, string? model);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Realtime {Kind} session closed after {DurationMs} ms: {ShutdownReason}, close status {CloseStatus} {CloseDescription}")]
    public static partial void Closed(ILogger logger, string kind, long durationMs, string shutdownReason, int? closeStatus, string? closeDescription);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Realtime {Kind} session failed after {DurationMs} ms: {ErrorType}: {ErrorMessage}")]
    public static partial void Failed(ILogger logger, string kind, long durationMs, string errorType, string errorMessage);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "Realtime {Kind} session could not connect to {Endpoint}: {ErrorType}: {ErrorMessage}")]
    public static partial void ConnectFailed(ILogger logger, string kind, string endpoint, string errorType, string errorMessage);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Realtime server error {ErrorType} (code {Code}, param {Param}) about client event {ClientEventId} ({ClientEventType}): {ErrorMessage}")]
    public static partial void ServerError(ILogger logger, string errorType, string? code, string? param, string? clientEventId, string? clientEventType, string errorMessage);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Realtime {Kind} session reconnecting (attempt {Attempt}) after {Reason}")]
    public static partial void Reconnecting(ILogger logger, string kind, int attempt, string reason);

    [LoggerMessage(EventId = 10, Level = LogLevel.Trace, Message = "Received {EventType} {EventId}")]
    public static partial void EventReceived(ILogger logger, string eventType, string? eventId);

    [LoggerMessage(EventId = 11, Level = LogLevel.Trace, Message = "Sent {EventType} {EventId}")]
    public static partial void EventSent(ILogger logger, string eventType, string eventId);

    [LoggerMessage(EventId = 12, Level = LogLevel.Trace, Message = "Received {EventType} into the audio sink ({PcmBytes} PCM bytes)")]
    public static partial void AudioReceived(ILogger logger, string eventType, int pcmBytes);

    [LoggerMessage(EventId = 13, Level = LogLevel.Trace, Message = "Sent {EventType} number {AppendNumber} ({PcmBytes} PCM bytes)")]
    public static partial void AudioSent(ILogger logger, string eventType, long appendNumber, int pcmBytes);
}
