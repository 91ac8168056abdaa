using System;

namespace Generated.OpenAI.Http;

/// <summary>Every attempt exceeded the per-attempt timeout (<see cref="OpenAIClientOptions.Timeout"/> or <see cref="RequestOptions.Timeout"/>).</summary>
public class APITimeoutException : APIConnectionException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cancellation or timeout that ended the last attempt.</param>
    public APITimeoutException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
