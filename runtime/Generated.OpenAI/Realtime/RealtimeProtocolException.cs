using System;

namespace Generated.OpenAI.Realtime;

/// <summary>
/// The server sent a message that is not a realtime event (not JSON, or not a JSON object). The session ends
/// with this exception and the socket is closed.
/// </summary>
public sealed class RealtimeProtocolException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RealtimeProtocolException(string message, string? payloadPreview, Exception? innerException = null)
        : base(message, innerException)
    {
        PayloadPreview = payloadPreview;
    }

    /// <summary>The first bytes of the offending message as text (at most 256 characters).</summary>
    public string? PayloadPreview { get; }
}
