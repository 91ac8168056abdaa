using System;
using Generated.OpenAI.Models;

namespace Generated.OpenAI.Realtime;

/// <summary>
/// An <c>error</c> event from the server, correlated (when the server says which) to the client event that caused it.
/// Sessions publish these through <c>ErrorReceived</c>, <c>Errors</c> and <c>WaitForErrorAsync</c> without
/// throwing; the session methods that wait for an acknowledgement (e.g. <c>UpdateSessionAsync</c>) throw it.
/// </summary>
public sealed class RealtimeErrorException : Exception
{
    /// <summary>Creates the exception from the server's error event.</summary>
    /// <param name="error">The server's <c>error</c> event.</param>
    /// <param name="clientEventType">The <c>type</c> of the client event with <c>error.event_id</c>, if it was sent by this session.</param>
    public RealtimeErrorException(RealtimeServerEventError error, string? clientEventType)
        : base(CreateMessage(error, clientEventType))
    {
        ArgumentNullException.ThrowIfNull(error);
        ServerEvent = error;
        ClientEventType = clientEventType;
    }

    /// <summary>The server's <c>error</c> event (the same payload on voice, transcription and translation sockets).</summary>
    public RealtimeServerEventError ServerEvent { get; }

    /// <summary>The error object (<c>type</c>, <c>code</c>, <c>message</c>, <c>param</c>, <c>event_id</c>).</summary>
    public RealtimeServerEventErrorError Error => ServerEvent.Error;

    /// <summary>The error type, e.g. <c>invalid_request_error</c>.</summary>
    public string ErrorType => Error.Type;

    /// <summary>The error code, e.g. <c>invalid_value</c>, if any.</summary>
    public string? Code => Error.Code;

    /// <summary>The parameter the error is about, if any.</summary>
    public string? Param => Error.Param;

    /// <summary>The <c>event_id</c> of the client event that caused the error, if the server named one.</summary>
    public string? ClientEventId => Error.EventId;

    /// <summary>The <c>type</c> of that client event, when this session sent it recently.</summary>
    public string? ClientEventType { get; }

    /// <summary>The server's own <c>event_id</c> of the error event.</summary>
    public string ServerEventId => ServerEvent.EventId;

    private static string CreateMessage(RealtimeServerEventError error, string? clientEventType)
    {
        ArgumentNullException.ThrowIfNull(error);
        RealtimeServerEventErrorError e = error.Error;
        string source = e.EventId is null ? string.Empty : $" (client event {e.EventId}{(clientEventType is null ? string.Empty : " " + clientEventType)})";
        return $"{e.Type}{(e.Code is null ? string.Empty : "/" + e.Code)}: {e.Message}{source}";
    }
}
