using System;

namespace Generated.OpenAI.Realtime;

/// <summary>
/// A callback the app gave the session (the audio sink, an <c>ErrorReceived</c> handler) threw. The session ends with
/// this exception (the event stream throws it, pending calls see it as the inner exception of
/// <see cref="RealtimeSessionClosedException"/>) and closes the WebSocket with 1011.
/// </summary>
public sealed class RealtimeCallbackException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RealtimeCallbackException(string callback, Exception innerException)
        : base($"The realtime session's {callback} threw: {innerException?.Message}", innerException)
    {
        Callback = callback;
    }

    /// <summary>Which callback threw: <c>AudioSink</c>, <c>AudioOutput</c> or <c>ErrorReceived</c>.</summary>
    public string Callback { get; }
}
